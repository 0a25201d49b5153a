/**
 * Reads the station's shared state (mount info hashes, per-edge listener counters, peaks, the
 * server start time, runtime fallbacks) into one snapshot that pages share for a moment, so a
 * burst of page loads costs the state store one round of reads. It never touches audio.
 */
import { Keys, type StateStore } from '@penguincast/bus';
import type { Logger } from 'pino';
import type { AdminConfig } from './config.js';
import { mountView, type MountView } from './mount-view.js';

/** Everything a page needs about the station at one moment. */
export interface StationSnapshot {
  /** When it was read, milliseconds since the epoch. */
  atMs: number;
  /** When the server started, milliseconds since the epoch. */
  serverStartMs: number;
  /** Live mounts, sorted by name, hidden ones included. */
  mounts: MountView[];
  /** Listeners over every edge and mount. */
  listeners: number;
  /** Highest server-wide listener count seen. */
  peak: number;
}

/** Options of {@link StationView}. */
export interface StationViewOptions {
  settings: AdminConfig;
  state: StateStore;
  log: Logger;
  /** The clock; `Date.now` by default. */
  now?: () => number;
}

/**
 * Lifetime of the recorded server start. Running admins keep renewing it, so the start time
 * survives admin restarts but not a station that was down for longer than this.
 */
export const SERVER_START_TTL_MS = 5 * 60_000;

function int(text: string | null | undefined): number {
  const n = text == null ? NaN : Number(text);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** Cached reads of the station state. */
export class StationView {
  readonly keys: Keys;
  readonly #opts: StationViewOptions;
  readonly #now: () => number;
  #cached: { atMs: number; promise: Promise<StationSnapshot> } | undefined;
  #startMs: number | undefined;

  constructor(opts: StationViewOptions) {
    this.#opts = opts;
    this.keys = new Keys(opts.settings.keyPrefix);
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Records the server start time unless another admin replica already did, so every replica
   * reports the same one, and renews its lifetime. Called at start and then periodically; a
   * state-store outage leaves the time to `snapshot()`.
   */
  async recordServerStart(): Promise<void> {
    const { state } = this.#opts;
    const key = this.keys.serverStart();
    const existing = await state.get(key);
    if (existing !== null && int(existing) > 0) {
      this.#startMs = int(existing);
      await state.touch(key, SERVER_START_TTL_MS);
      return;
    }
    this.#startMs ??= this.#now();
    await state.set(key, String(this.#startMs), SERVER_START_TTL_MS);
  }

  /** A snapshot no older than `maxAgeMs` (default: the configured reuse time). */
  snapshot(maxAgeMs = this.#opts.settings.snapshotMaxAgeMs): Promise<StationSnapshot> {
    const now = this.#now();
    if (this.#cached !== undefined && now - this.#cached.atMs <= maxAgeMs) {
      return this.#cached.promise;
    }
    const promise = this.#read(now);
    this.#cached = { atMs: now, promise };
    // A failed read must not be served to the next caller.
    promise.catch(() => {
      if (this.#cached?.promise === promise) {
        this.#cached = undefined;
      }
    });
    return promise;
  }

  /** The live mount `name` from a fresh-enough snapshot, or undefined. */
  async mount(name: string): Promise<MountView | undefined> {
    const snap = await this.snapshot();
    return snap.mounts.find((m) => m.name === name);
  }

  /** Sets (or, with `undefined`, clears) the runtime fallback of `mount`. */
  async setFallback(mount: string, fallback: string | undefined): Promise<void> {
    const key = this.keys.fallback(mount);
    if (fallback === undefined) {
      await this.#opts.state.deleteKey(key);
    } else {
      await this.#opts.state.set(key, fallback);
    }
    this.#cached = undefined;
  }

  /** The number of edges that wrote a listener count recently (for gathering their replies). */
  async edgeCount(): Promise<number | undefined> {
    try {
      return (await this.#opts.state.scanKeys(this.keys.edgeClientsPrefix())).length;
    } catch {
      return undefined;
    }
  }

  async #read(now: number): Promise<StationSnapshot> {
    const { state, settings } = this.#opts;
    const k = this.keys;
    const infoKeys = await state.scanKeys(k.mountInfoPrefix());
    const mounts = await Promise.all(
      infoKeys.map(async (key): Promise<MountView | undefined> => {
        let name: string;
        try {
          name = k.mountFromInfoKey(key);
        } catch {
          return undefined;
        }
        const [info, listeners, peak, fallback] = await Promise.all([
          state.getHash(key),
          state.sumCounters(k.listenerCountPrefix(name)),
          state.get(k.listenerPeak(name)),
          state.get(k.fallback(name)),
        ]);
        // The hash may have expired between the scan and the read: the source just left.
        if (info === null) {
          return undefined;
        }
        return mountView(name, info, settings.mounts.get(name), {
          listeners: Math.max(0, listeners),
          peak: int(peak),
          runtimeFallback: fallback ?? undefined,
        });
      }),
    );
    const [listeners, peak, start] = await Promise.all([
      state.sumCounters(k.edgeClientsPrefix()),
      state.get(k.serverPeak()),
      this.#startMs === undefined ? state.get(k.serverStart()) : Promise.resolve(null),
    ]);
    if (this.#startMs === undefined && int(start) > 0) {
      this.#startMs = int(start);
    }
    const live = mounts.filter((m): m is MountView => m !== undefined);
    live.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const total = Math.max(0, listeners);
    return {
      atMs: now,
      serverStartMs: this.#startMs ?? now,
      mounts: live,
      listeners: total,
      peak: Math.max(int(peak), total),
    };
  }
}
