/**
 * What each mount is playing for a listener who joins now (the title at its burst start) and
 * its newest title, asked from the holding ingest with a titles request (no audio) and reused
 * for a moment so page loads do not each cost a request. Without an answer, the mount info's
 * title stands in.
 */
import type { AdminCommands, MountTitles } from './commands.js';
import { burstSizeOf, type AdminConfig } from './config.js';
import type { MountView } from './mount-view.js';

/** How long one mount's answer is reused. */
const REUSE_MS = 1000;

/** Options of {@link NowPlaying}. */
export interface NowPlayingOptions {
  settings: AdminConfig;
  commands: AdminCommands;
  /** The clock; `Date.now` by default. */
  now?: () => number;
}

/** Cached titles per mount. */
export class NowPlaying {
  readonly #o: NowPlayingOptions;
  readonly #now: () => number;
  readonly #cache = new Map<
    string,
    { atMs: number; session: string; promise: Promise<MountTitles> }
  >();

  constructor(opts: NowPlayingOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** The titles of one live mount. */
  titles(m: MountView): Promise<MountTitles> {
    const now = this.#now();
    const key = `${m.instanceId}:${m.streamStartMs}`;
    const hit = this.#cache.get(m.name);
    if (hit !== undefined && hit.session === key && now - hit.atMs <= REUSE_MS) {
      return hit.promise;
    }
    const fallback: MountTitles = { atJoin: m.title, latest: m.title };
    const promise = this.#o.commands
      .mountTitles(m.name, burstSizeOf(this.#o.settings, m.name))
      .then((t) => t ?? fallback)
      .catch(() => fallback);
    this.#cache.set(m.name, { atMs: now, session: key, promise });
    // Entries of mounts that went away are dropped once the map grows past the live ones.
    if (this.#cache.size > 256) {
      for (const [name, entry] of this.#cache) {
        if (now - entry.atMs > REUSE_MS) {
          this.#cache.delete(name);
        }
      }
    }
    return promise;
  }

  /** The titles of several mounts, asked in parallel, in the same order. */
  all(mounts: readonly MountView[]): Promise<MountTitles[]> {
    return Promise.all(mounts.map((m) => this.titles(m)));
  }
}
