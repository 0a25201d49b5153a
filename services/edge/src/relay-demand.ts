/**
 * On-demand relays as one edge sees them: a first listener of such a mount sends a demand
 * request that ingest answers by starting the relay, and is held until the relay's first audio
 * arrives; while listeners remain (on the mount, or on a fallback they were moved to), the demand
 * is repeated every few seconds, and a relay that stops hearing it stops. Nothing here writes to
 * a socket.
 */
import {
  decodeRelayDemandReply,
  encodeRelayDemand,
  type Bus,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import { requestOrNothing } from './bus-request.js';
import type { EdgeConfig } from './config.js';
import type { Mount } from './mount.js';

/** Options of {@link RelayDemands}. */
export interface RelayDemandsOptions {
  settings: EdgeConfig;
  bus: Bus;
  subjects: Subjects;
  instanceId: string;
  log: Logger;
  /** The edge's mounts by name (read, never changed here). */
  mounts: ReadonlyMap<string, Mount>;
  /** The clock in milliseconds. */
  now: () => number;
}

/** Demand for the on-demand relays of one edge. */
export class RelayDemands {
  readonly #summoning = new Map<string, Promise<boolean>>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #anyOnDemand: boolean;
  readonly #mounts: ReadonlyMap<string, Mount>;
  readonly #log: Logger;
  #lastDemandAt = 0;

  constructor(private readonly opts: RelayDemandsOptions) {
    this.#mounts = opts.mounts;
    this.#log = opts.log.child({ component: 'relay-demand' });
    this.#anyOnDemand =
      opts.settings.masterOnDemand || [...opts.settings.mounts.values()].some((m) => m.onDemand);
  }

  /** Repeats the demand of mounts with listeners every `demandRefreshMs`. */
  tick(nowMs: number): void {
    if (this.#anyOnDemand && nowMs - this.#lastDemandAt >= this.opts.settings.demandRefreshMs) {
      this.#lastDemandAt = nowMs;
      this.#refreshDemand();
    }
  }

  /** A session of `name` sent its first audio: held listeners are answered on a later turn. */
  sessionStarted(name: string): void {
    const waiters = this.#waiters.get(name);
    if (waiters !== undefined) {
      // Called from a bus callback, which must not answer sockets itself.
      setImmediate(() => {
        for (const check of [...waiters]) {
          check();
        }
      });
    }
  }

  /** True when `name` may be relayed on demand: its `Relay.OnDemand`, or `Master.OnDemand`. */
  isOnDemand(name: string): boolean {
    const configured = this.opts.settings.mounts.get(name);
    return configured === undefined ? this.opts.settings.masterOnDemand : configured.onDemand;
  }

  /**
   * Tells ingest which on-demand relays still have listeners here: those on the mount, and those
   * that asked for it but wait on a fallback (the relay must keep trying to bring them back).
   */
  #refreshDemand(): void {
    const counts = new Map<string, number>();
    const add = (name: string): void => {
      if (this.isOnDemand(name)) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    };
    for (const mount of this.#mounts.values()) {
      for (const listener of mount.listeners) {
        add(listener.info.home);
        if (listener.info.home !== mount.name) {
          add(mount.name);
        }
      }
    }
    const { bus, subjects, instanceId } = this.opts;
    for (const [mount, listeners] of counts) {
      try {
        bus.publish(
          subjects.demand(mount),
          encodeRelayDemand({ mount, requester: instanceId, listeners }),
        );
      } catch (err) {
        // Only a closed bus throws here (the edge is stopping); nothing to retry.
        this.#log.debug({ err, mount }, 'cannot publish relay demand');
      }
    }
  }

  /**
   * Asks ingest to start `path`'s on-demand relay and waits for its first audio; concurrent
   * first listeners share one demand. Resolves false when no relay serves the mount or its
   * audio did not come within `demandWaitMs`.
   */
  summon(path: string): Promise<boolean> {
    let running = this.#summoning.get(path);
    if (running === undefined) {
      running = this.#demandAndWait(path).finally(() => this.#summoning.delete(path));
      this.#summoning.set(path, running);
    }
    return running;
  }

  async #demandAndWait(path: string): Promise<boolean> {
    const { bus, subjects, settings, instanceId } = this.opts;
    const demand = encodeRelayDemand({ mount: path, requester: instanceId, listeners: 0 });
    const reply = await requestOrNothing(bus, subjects.demand(path), demand, {
      timeoutMs: settings.demandTimeoutMs,
      decode: decodeRelayDemandReply,
      log: this.#log,
      mount: path,
      failure: 'relay demand failed',
    });
    if (reply === undefined || !reply.accepted) {
      return false;
    }
    const startedAt = this.opts.now();
    const ok = await this.#waitForAudio(path, settings.demandWaitMs);
    this.#log.info(
      { mount: path, ok, waitedMs: this.opts.now() - startedAt },
      'on-demand relay asked',
    );
    return ok;
  }

  /** Resolves true once `path` has a live session with audio, false after `ms`. */
  #waitForAudio(path: string, ms: number): Promise<boolean> {
    const ready = (): boolean => {
      const m = this.#mounts.get(path);
      return m !== undefined && m.session !== undefined && m.acceptsListeners(this.opts.now());
    };
    if (ready()) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiters = this.#waiters.get(path) ?? new Set<() => void>();
      this.#waiters.set(path, waiters);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        waiters.delete(check);
        if (waiters.size === 0 && this.#waiters.get(path) === waiters) {
          this.#waiters.delete(path);
        }
        resolve(ok);
      };
      const check = (): void => {
        if (ready()) {
          finish(true);
        }
      };
      const timer = setTimeout(() => finish(ready()), ms);
      waiters.add(check);
    });
  }
}
