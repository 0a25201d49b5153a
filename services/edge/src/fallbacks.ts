/**
 * Fallbacks and moves of one edge: which mount a listener goes to when its own is gone (the
 * runtime fallback set through the admin, else the configured one, followed down the chain to a
 * live mount), fallback override bringing listeners home when their source is back, and moving
 * listeners between mounts. It holds the runtime fallbacks in memory; it never subscribes to the
 * bus and never waits on the state store in a listener's path.
 */
import type { Keys, StateStore } from '@penguincast/bus';
import type { Logger } from 'pino';
import { mountSettings, type EdgeConfig } from './config.js';
import type { Listener } from './listener.js';
import type { Mount } from './mount.js';

/**
 * How many fallback hops are followed before giving up. Config rejects cycles, but runtime
 * fallbacks can make one, so visited mounts are skipped as well.
 */
const MAX_FALLBACK_HOPS = 4;

/** Options of {@link Fallbacks}. */
export interface FallbacksOptions {
  settings: EdgeConfig;
  /** The edge's mounts by name (read, never changed here). */
  mounts: ReadonlyMap<string, Mount>;
  log: Logger;
  /** The clock in milliseconds. */
  now: () => number;
}

/** The fallbacks of one edge and the moves they cause. */
export class Fallbacks {
  /** Runtime fallbacks set through `/admin/fallbacks`; they win over the configured ones. */
  readonly #runtime = new Map<string, string>();
  /** Mounts whose runtime fallback a command set, so a slower start-up load cannot undo it. */
  readonly #setByCommand = new Set<string>();
  readonly #mounts: ReadonlyMap<string, Mount>;
  readonly #log: Logger;

  constructor(private readonly opts: FallbacksOptions) {
    this.#mounts = opts.mounts;
    this.#log = opts.log;
  }

  /**
   * Applies a runtime fallback from a `set-fallback` command: `null` or `''` clears it, and the
   * configured fallback (if any) applies again.
   */
  setRuntime(mount: string, fallback: string | null): void {
    this.#setByCommand.add(mount);
    if (fallback === null || fallback === '' || fallback === mount) {
      this.#runtime.delete(mount);
    } else {
      this.#runtime.set(mount, fallback);
    }
  }

  /** The runtime fallback of `mount`, if one is set. */
  runtime(mount: string): string | undefined {
    return this.#runtime.get(mount);
  }

  /**
   * Loads the stored runtime fallbacks once, at start, in the background: nothing waits on it,
   * a command that arrived meanwhile wins, and a state-store outage only costs a warning.
   */
  async loadRuntime(state: StateStore, keys: Keys): Promise<void> {
    try {
      const stored = await state.scanKeys(keys.fallbackPrefix());
      const values = await Promise.all(
        stored.map(async (key) => {
          try {
            return [keys.mountFromFallbackKey(key), await state.get(key)] as const;
          } catch (err) {
            this.#log.warn({ err, key }, 'unreadable runtime fallback key ignored');
            return undefined;
          }
        }),
      );
      let loaded = 0;
      for (const entry of values) {
        if (entry === undefined || this.#setByCommand.has(entry[0])) {
          continue;
        }
        const [mount, fallback] = entry;
        if (fallback !== null && fallback !== '' && fallback !== mount) {
          this.#runtime.set(mount, fallback);
          loaded++;
        }
      }
      if (loaded > 0) {
        this.#log.info({ loaded }, 'runtime fallbacks loaded');
      }
    } catch (err) {
      this.#log.warn({ err }, 'runtime fallbacks not loaded; configured fallbacks apply');
    }
  }

  /** The fallback in force for `mount`: the runtime one, else the configured one. */
  nameOf(mount: string): string | undefined {
    return this.#runtime.get(mount) ?? mountSettings(this.opts.settings, mount).fallback;
  }

  /** The first live mount down `mount`'s fallback chain, never `mount` itself or a repeat. */
  liveFallbackOf(mount: string): Mount | undefined {
    const seen = new Set([mount]);
    let name = this.nameOf(mount);
    for (let hop = 0; name !== undefined && hop < MAX_FALLBACK_HOPS; hop++) {
      if (seen.has(name)) {
        return undefined;
      }
      seen.add(name);
      const target = this.#mounts.get(name);
      if (target?.acceptsListeners(this.opts.now())) {
        return target;
      }
      name = this.nameOf(name);
    }
    return undefined;
  }

  /** Moves every listener of `from` to `to`'s live edge; returns how many moved. */
  moveAll(from: Mount, to: Mount): number {
    if (from === to) {
      return 0;
    }
    const moving = [...from.listeners];
    for (const listener of moving) {
      this.moveListener(listener, to);
    }
    return moving.length;
  }

  /** Moves one listener to `to`, starting on a frame boundary near its newest audio. */
  moveListener(listener: Listener, to: Mount): void {
    this.#mounts.get(listener.source.name)?.listeners.delete(listener);
    to.listeners.add(listener);
    listener.place(to, to.liveStartPoint());
    to.schedule();
  }

  /** The listeners of a mount whose source is gone go to a live fallback, or are ended. */
  sourceGone(mount: Mount, reason: 'source-gone' | 'idle'): void {
    if (mount.listeners.size === 0) {
      return;
    }
    const fallback = this.liveFallbackOf(mount.name);
    if (fallback !== undefined) {
      const moved = this.moveAll(mount, fallback);
      this.#log.info(
        { mount: mount.name, to: fallback.name, moved },
        'listeners moved to fallback',
      );
    } else {
      this.#log.info(
        { mount: mount.name, listeners: mount.listeners.size, reason },
        'ending listeners',
      );
      mount.endAll(reason);
    }
  }

  /** Fallback override: a mount's source is back, so its listeners on other mounts come home. */
  sourceBack(mount: Mount): void {
    if (!mount.settings.fallbackOverride || this.nameOf(mount.name) === undefined) {
      return;
    }
    for (const other of this.#mounts.values()) {
      if (other === mount) {
        continue;
      }
      for (const listener of [...other.listeners]) {
        if (listener.info.home === mount.name) {
          this.moveListener(listener, mount);
        }
      }
    }
  }
}
