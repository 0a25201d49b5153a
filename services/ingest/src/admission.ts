/**
 * Admits an authenticated source to its mount: the cluster-wide source limit, then the mount
 * lease, taking it over from a holder that is the same encoder reconnecting (same address) or a
 * dead connection (silent for `takeoverIdleMs`). Any store failure refuses the source at once.
 */
import {
  BusError,
  StateUnavailableError,
  encodeControlCommand,
  type Bus,
  type Subjects,
} from '@penguincast/bus';
import { isReservedMountName } from '@penguincast/icy';
import type { IngestConfig } from './config.js';
import {
  IngestError,
  MountInUseError,
  ReservedMountError,
  SourceStateUnavailableError,
  TooManySourcesError,
} from './errors.js';
import {
  MountLease,
  leaseOwner,
  mountLeasePrefix,
  parseLeaseOwner,
  type LeaseDeps,
} from './lease.js';
import type { LocalSessions } from './local-sessions.js';

/** What admission needs from its app. */
export interface AdmissionDeps extends LeaseDeps {
  /** The bus a remote holder is asked to end its session on. */
  bus: Bus;
  /** Subject builders of this cluster. */
  subjects: Subjects;
  /** Id of this process, part of every lease owner. */
  instanceId: string;
  /** The sources live on this instance, by lease owner. */
  sessions: Pick<LocalSessions, 'byOwner'>;
  /** The wall clock in milliseconds. */
  now: () => number;
  /** Lease lifetime, source limit and takeover timing. */
  settings: Pick<
    IngestConfig,
    | 'leaseTtlMs'
    | 'leaseRenewMs'
    | 'maxSources'
    | 'takeoverIdleMs'
    | 'infoRefreshMs'
    | 'killTimeoutMs'
  >;
}

/** Who is asking for the mount. */
export interface AdmissionRequest {
  /** Normalised mount name. */
  mount: string;
  /** The new session's id. */
  sessionId: string;
  /** The client address. */
  ip: string;
}

/** Hands out mount leases to new sources, relays and file loops. */
export class Admission {
  readonly #deps: AdmissionDeps;

  constructor(deps: AdmissionDeps) {
    this.#deps = deps;
  }

  /**
   * Takes the mount's lease for a new session or throws an `IngestError` (`ReservedMountError`,
   * `TooManySourcesError`, `MountInUseError`, `SourceStateUnavailableError`).
   */
  async admitSource(req: AdmissionRequest): Promise<MountLease> {
    refuseReserved(req.mount);
    try {
      return await this.#admit(req);
    } catch (err) {
      if (err instanceof IngestError) {
        throw err;
      }
      if (err instanceof StateUnavailableError) {
        throw new SourceStateUnavailableError({ cause: err });
      }
      throw err;
    }
  }

  /**
   * Takes a free mount lease for a relay or file loop, which never take a mount from anyone:
   * throws `MountInUseError` when the mount is held, `TooManySourcesError` at `Limits.Sources`
   * (which counts relays, as Icecast's does), `SourceStateUnavailableError` without Redis, and
   * `ReservedMountError` for a server page's path (a master may list any name).
   */
  async admitManaged(req: Omit<AdmissionRequest, 'ip'>): Promise<MountLease> {
    const deps = this.#deps;
    refuseReserved(req.mount);
    const key = deps.keys.mountLease(req.mount);
    try {
      // A cheap look first: while another instance runs the relay this is all a poll costs.
      if ((await deps.state.leaseOwner(key)) !== null) {
        throw new MountInUseError();
      }
      await this.#checkSourceLimit(key);
      const owner = leaseOwner(deps.instanceId, req.sessionId);
      if (!(await deps.state.acquireLease(key, owner, deps.settings.leaseTtlMs))) {
        throw new MountInUseError();
      }
      return new MountLease(deps, req.mount, owner);
    } catch (err) {
      if (err instanceof StateUnavailableError) {
        throw new SourceStateUnavailableError({ cause: err });
      }
      throw err;
    }
  }

  /** Throws `TooManySourcesError` when other mounts' leases reach `Limits.Sources`. */
  async #checkSourceLimit(key: string): Promise<void> {
    const { state, keys, settings } = this.#deps;
    // Other mounts' leases count against the limit; this mount's own lease does not, so an
    // encoder taking its mount back is never refused for the source it replaces.
    const others = (await state.scanKeys(mountLeasePrefix(keys))).filter((k) => k !== key);
    if (others.length >= settings.maxSources) {
      throw new TooManySourcesError();
    }
  }

  async #admit(req: AdmissionRequest): Promise<MountLease> {
    const deps = this.#deps;
    const { state, settings } = deps;
    const key = deps.keys.mountLease(req.mount);
    const owner = leaseOwner(deps.instanceId, req.sessionId);
    await this.#checkSourceLimit(key);
    for (let attempt = 0; attempt < 2; attempt++) {
      if (await state.acquireLease(key, owner, settings.leaseTtlMs)) {
        return new MountLease(deps, req.mount, owner);
      }
      const holder = await state.leaseOwner(key);
      if (holder === null) {
        // It expired between the two calls; try once more.
        continue;
      }
      const lease = await this.#takeOver(req, owner, holder);
      if (lease !== undefined) {
        return lease;
      }
      throw new MountInUseError();
    }
    throw new MountInUseError();
  }

  /** Takes the lease from `holder` when allowed, ending the old session; else undefined. */
  async #takeOver(
    req: AdmissionRequest,
    owner: string,
    holder: string,
  ): Promise<MountLease | undefined> {
    const deps = this.#deps;
    const { state, settings } = deps;
    const key = deps.keys.mountLease(req.mount);
    const now = deps.now();
    const local = deps.sessions.byOwner(holder);
    if (local !== undefined) {
      if (local.kind !== 'source') {
        // A relay or file loop is configured to feed the mount; an encoder does not displace it.
        return undefined;
      }
      const idleMs = now - local.lastDataMs;
      if (local.ip !== req.ip && idleMs < settings.takeoverIdleMs) {
        return undefined;
      }
      const result = await state.takeOverLease(key, owner, settings.leaseTtlMs, { from: holder });
      if (!result.acquired) {
        return undefined;
      }
      local.log.info(
        { by: req.sessionId, sameIp: local.ip === req.ip, idleMs },
        'source taken over',
      );
      await local.kill('takeover');
      return new MountLease(deps, req.mount, owner);
    }
    // A remote holder is judged by its mount info heartbeat, which is at most `infoRefreshMs` old.
    const info = await state.getHash(deps.keys.mountInfo(req.mount));
    const { sessionId } = parseLeaseOwner(holder);
    if (info === null || info['session'] !== sessionId) {
      return undefined;
    }
    if (info['source_kind'] !== undefined && info['source_kind'] !== 'source') {
      return undefined;
    }
    const lastData = Number(info['last_data_ms']);
    const idleMs = Number.isFinite(lastData) ? now - lastData : Infinity;
    const sameIp = info['source_ip'] === req.ip;
    if (!sameIp && idleMs < settings.takeoverIdleMs + settings.infoRefreshMs) {
      return undefined;
    }
    const result = await state.takeOverLease(key, owner, settings.leaseTtlMs, { from: holder });
    if (!result.acquired) {
      return undefined;
    }
    deps.log.info(
      { mount: req.mount, from: holder, by: req.sessionId, sameIp, idleMs },
      'taking over a source held by another instance',
    );
    await this.#killRemote(req.mount);
    return new MountLease(deps, req.mount, owner);
  }

  /**
   * Asks the remote holder to end its session and waits briefly for its answer, so its `down`
   * announcement goes out before the new `up`. A crashed holder never answers; its lease is
   * already ours, and a holder that missed the command ends itself when its renewal fails.
   */
  async #killRemote(mount: string): Promise<void> {
    const { bus, subjects, settings, log } = this.#deps;
    try {
      await bus.request(
        subjects.ctl('kill-source'),
        encodeControlCommand({ type: 'kill-source', mount }),
        { timeoutMs: settings.killTimeoutMs },
      );
    } catch (err) {
      if (!(err instanceof BusError)) {
        throw err;
      }
      log.debug({ err, mount }, 'no answer to kill-source during a takeover');
    }
  }
}

/**
 * Throws `ReservedMountError` for a server page's path. Configured mounts cannot have such a
 * name (the config refuses it), but unlisted mounts and mirrored ones are client input.
 */
function refuseReserved(mount: string): void {
  if (isReservedMountName(mount)) {
    throw new ReservedMountError();
  }
}
