/**
 * Admits an authenticated source to its mount: the cluster-wide source limit, then the mount
 * lease, taking it over from a holder that is the same encoder reconnecting (same address) or a
 * dead connection (silent for `takeoverIdleMs`). Any store failure refuses the source at once.
 */
import { BusError, StateUnavailableError, encodeControlCommand } from '@penguincast/bus';
import { isReservedMountName } from '@penguincast/icy';
import type { IngestContext } from './context.js';
import {
  IngestError,
  MountInUseError,
  ReservedMountError,
  SourceStateUnavailableError,
  TooManySourcesError,
} from './errors.js';
import { MountLease, leaseOwner, mountLeasePrefix, parseLeaseOwner } from './lease.js';

/** Who is asking for the mount. */
export interface AdmissionRequest {
  /** Normalised mount name. */
  mount: string;
  /** The new session's id. */
  sessionId: string;
  /** The client address. */
  ip: string;
}

/**
 * Takes the mount's lease for a new session or throws an `IngestError` (`ReservedMountError`,
 * `TooManySourcesError`, `MountInUseError`, `SourceStateUnavailableError`).
 */
export async function admitSource(ctx: IngestContext, req: AdmissionRequest): Promise<MountLease> {
  refuseReserved(req.mount);
  try {
    return await admit(ctx, req);
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
export async function admitManaged(
  ctx: IngestContext,
  req: Omit<AdmissionRequest, 'ip'>,
): Promise<MountLease> {
  refuseReserved(req.mount);
  const key = ctx.keys.mountLease(req.mount);
  try {
    // A cheap look first: while another instance runs the relay this is all a poll costs.
    if ((await ctx.state.leaseOwner(key)) !== null) {
      throw new MountInUseError();
    }
    await checkSourceLimit(ctx, key);
    const owner = leaseOwner(ctx.instanceId, req.sessionId);
    if (!(await ctx.state.acquireLease(key, owner, ctx.settings.leaseTtlMs))) {
      throw new MountInUseError();
    }
    return new MountLease(ctx, req.mount, owner);
  } catch (err) {
    if (err instanceof StateUnavailableError) {
      throw new SourceStateUnavailableError({ cause: err });
    }
    throw err;
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

/** Throws `TooManySourcesError` when other mounts' leases reach `Limits.Sources`. */
async function checkSourceLimit(ctx: IngestContext, key: string): Promise<void> {
  // Other mounts' leases count against the limit; this mount's own lease does not, so an
  // encoder taking its mount back is never refused for the source it replaces.
  const others = (await ctx.state.scanKeys(mountLeasePrefix(ctx))).filter((k) => k !== key);
  if (others.length >= ctx.settings.maxSources) {
    throw new TooManySourcesError();
  }
}

async function admit(ctx: IngestContext, req: AdmissionRequest): Promise<MountLease> {
  const { state, settings } = ctx;
  const key = ctx.keys.mountLease(req.mount);
  const owner = leaseOwner(ctx.instanceId, req.sessionId);
  await checkSourceLimit(ctx, key);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await state.acquireLease(key, owner, settings.leaseTtlMs)) {
      return new MountLease(ctx, req.mount, owner);
    }
    const holder = await state.leaseOwner(key);
    if (holder === null) {
      // It expired between the two calls; try once more.
      continue;
    }
    const lease = await takeOver(ctx, req, owner, holder);
    if (lease !== undefined) {
      return lease;
    }
    throw new MountInUseError();
  }
  throw new MountInUseError();
}

/** Takes the lease from `holder` when allowed, ending the old session; else undefined. */
async function takeOver(
  ctx: IngestContext,
  req: AdmissionRequest,
  owner: string,
  holder: string,
): Promise<MountLease | undefined> {
  const { state, settings } = ctx;
  const key = ctx.keys.mountLease(req.mount);
  const now = ctx.now();
  const local = ctx.sessions.byOwner(holder);
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
    local.log.info({ by: req.sessionId, sameIp: local.ip === req.ip, idleMs }, 'source taken over');
    await local.kill('takeover');
    return new MountLease(ctx, req.mount, owner);
  }
  // A remote holder is judged by its mount info heartbeat, which is at most `infoRefreshMs` old.
  const info = await state.getHash(ctx.keys.mountInfo(req.mount));
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
  ctx.log.info(
    { mount: req.mount, from: holder, by: req.sessionId, sameIp, idleMs },
    'taking over a source held by another instance',
  );
  await killRemote(ctx, req.mount);
  return new MountLease(ctx, req.mount, owner);
}

/**
 * Asks the remote holder to end its session and waits briefly for its answer, so its `down`
 * announcement goes out before the new `up`. A crashed holder never answers; its lease is
 * already ours, and a holder that missed the command ends itself when its renewal fails.
 */
async function killRemote(ctx: IngestContext, mount: string): Promise<void> {
  try {
    await ctx.bus.request(
      ctx.subjects.ctl('kill-source'),
      encodeControlCommand({ type: 'kill-source', mount }),
      { timeoutMs: ctx.settings.killTimeoutMs },
    );
  } catch (err) {
    if (!(err instanceof BusError)) {
      throw err;
    }
    ctx.log.debug({ err, mount }, 'no answer to kill-source during a takeover');
  }
}
