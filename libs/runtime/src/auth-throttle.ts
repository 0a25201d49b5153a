/**
 * Slows down password guessing: after a few failures from one address within a minute, each
 * further refusal is delayed, doubling up to a cap. Memory is bounded: entries expire and the
 * map holds at most a fixed number of addresses. It computes delays; it never sleeps.
 */

/** Options of `AuthThrottle`. */
export interface AuthThrottleOptions {
  /** Failures allowed in a window before refusals are delayed; default 5. */
  freeFailures?: number;
  /** Window over which failures are counted, in milliseconds; default 60 000. */
  windowMs?: number;
  /** Delay of the first slowed refusal, in milliseconds; default 250. */
  baseDelayMs?: number;
  /** Longest delay, in milliseconds; default 4000. */
  maxDelayMs?: number;
  /** Addresses remembered at most; the oldest is forgotten first; default 10 000. */
  maxEntries?: number;
  /** The clock, in milliseconds. */
  now?: () => number;
}

interface Entry {
  failures: number;
  windowStart: number;
}

/** Counts authentication failures per client address. */
export class AuthThrottle {
  readonly #free: number;
  readonly #windowMs: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(opts: AuthThrottleOptions = {}) {
    this.#free = opts.freeFailures ?? 5;
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#baseMs = opts.baseDelayMs ?? 250;
    this.#maxMs = opts.maxDelayMs ?? 4_000;
    this.#maxEntries = opts.maxEntries ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Number of addresses currently remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** Records a failure from `ip` and returns how long to wait before answering it. */
  fail(ip: string): number {
    const now = this.#now();
    let entry = this.#entries.get(ip);
    if (entry === undefined || now - entry.windowStart >= this.#windowMs) {
      entry = { failures: 0, windowStart: now };
    }
    entry.failures += 1;
    // Re-inserting moves the address to the end, so the map's order is least recently failed
    // first and eviction drops the stalest address.
    this.#entries.delete(ip);
    this.#entries.set(ip, entry);
    this.#evict(now);
    const over = entry.failures - this.#free;
    if (over <= 0) {
      return 0;
    }
    return Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(over - 1, 16));
  }

  /** Forgets `ip` after it authenticated. */
  succeed(ip: string): void {
    this.#entries.delete(ip);
  }

  #evict(now: number): void {
    for (const [ip, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && now - entry.windowStart < this.#windowMs) {
        break;
      }
      this.#entries.delete(ip);
    }
  }
}
