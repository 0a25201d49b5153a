/**
 * A mount lease held by one source session: renewed on a timer while the source is live and
 * released when it ends. A renewal that finds the lease gone re-takes it if it is free (Redis
 * may have expired it during an outage) and reports a loss only when someone else holds it.
 * Redis errors never end the source.
 */
import type { Keys, StateStore } from '@penguincast/bus';
import type { Logger } from 'pino';
import type { IngestConfig } from './config.js';
import { fireAndForget } from './guarded-calls.js';
import type { LogLimiter } from './log-limiter.js';

/** What a lease needs from its app. */
export interface LeaseDeps {
  /** The store holding the lease. */
  state: StateStore;
  /** Key builders of this cluster. */
  keys: Keys;
  /** The service's logger (release and renewal failures). */
  log: Logger;
  /** Rate limit of repeated renewal failure lines. */
  limiter: LogLimiter;
  /** The lease's lifetime and renewal pace. */
  settings: Pick<IngestConfig, 'leaseTtlMs' | 'leaseRenewMs'>;
}

/** Separates the instance id from the session id in a lease owner. */
const OWNER_SEPARATOR = '/';

/** The lease owner string of a session: `<instanceId>/<sessionId>`. */
export function leaseOwner(instanceId: string, sessionId: string): string {
  return `${instanceId}${OWNER_SEPARATOR}${sessionId}`;
}

/** Splits a lease owner into its instance and session ids (session empty when malformed). */
export function parseLeaseOwner(owner: string): { instanceId: string; sessionId: string } {
  const at = owner.lastIndexOf(OWNER_SEPARATOR);
  return at === -1
    ? { instanceId: owner, sessionId: '' }
    : { instanceId: owner.slice(0, at), sessionId: owner.slice(at + 1) };
}

/**
 * The prefix of every mount lease key, for counting live sources with `scanKeys`. `Keys` has no
 * builder for it, so it is derived from the lease key of a probe mount and that mount's token,
 * which keeps the key layout owned by `Keys`.
 */
export function mountLeasePrefix(keys: Keys): string {
  const probe = 'probe';
  const key = keys.mountLease(probe);
  return key.slice(0, key.length - probe.length);
}

/** A held mount lease. */
export class MountLease {
  readonly mount: string;
  readonly key: string;
  readonly owner: string;
  readonly #deps: LeaseDeps;
  #timer: NodeJS.Timeout | undefined;
  #released = false;
  #renewing = false;

  /** Wraps a lease `owner` already holds (after `acquireLease` or `takeOverLease`). */
  constructor(deps: LeaseDeps, mount: string, owner: string) {
    this.#deps = deps;
    this.mount = mount;
    this.key = deps.keys.mountLease(mount);
    this.owner = owner;
  }

  /** Whether `release()` was called. */
  get released(): boolean {
    return this.#released;
  }

  /** Renews every `leaseRenewMs`; calls `onLost` once if another owner took the mount. */
  startRenewing(onLost: () => void): void {
    if (this.#timer !== undefined || this.#released) {
      return;
    }
    const { leaseRenewMs } = this.#deps.settings;
    this.#timer = setInterval(() => this.#renew(onLost), leaseRenewMs);
    this.#timer.unref();
  }

  /**
   * Stops renewing and frees the lease if this owner still holds it. Resolves with whether it
   * was freed; never rejects (a store that cannot answer lets the lease expire by its TTL).
   */
  async release(): Promise<boolean> {
    if (this.#released) {
      return false;
    }
    this.#released = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    try {
      return await this.#deps.state.releaseLease(this.key, this.owner);
    } catch (err) {
      this.#deps.log.warn({ err, mount: this.mount }, 'lease release failed; it will expire');
      return false;
    }
  }

  #renew(onLost: () => void): void {
    if (this.#renewing || this.#released) {
      // A slow store must not pile up renewals.
      return;
    }
    this.#renewing = true;
    const { state, settings } = this.#deps;
    const ttl = settings.leaseTtlMs;
    fireAndForget(this.#deps, 'lease-renew', async () => {
      try {
        if (await state.renewLease(this.key, this.owner, ttl)) {
          return;
        }
        if (this.#released || (await state.acquireLease(this.key, this.owner, ttl))) {
          return;
        }
        if (!this.#released) {
          this.#released = true;
          clearInterval(this.#timer);
          onLost();
        }
      } finally {
        this.#renewing = false;
      }
    });
  }
}
