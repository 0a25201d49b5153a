/**
 * Rate limiting for repeated log lines (Redis errors in a heartbeat, bus errors): one line per
 * key per interval, with a count of what was suppressed. It only decides; callers log.
 */

/** Decides whether a repeated log line may be written now. */
export class LogLimiter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #last = new Map<string, { at: number; suppressed: number }>();

  /** At most one line per key every `intervalMs`, read on the injected clock `now`. */
  constructor(intervalMs: number, now: () => number) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /**
   * Returns the number of lines suppressed since the last allowed one (0 or more) when a line
   * may be written now, or undefined when it must be dropped.
   */
  allow(key: string): number | undefined {
    const now = this.#now();
    const entry = this.#last.get(key);
    if (entry !== undefined && now - entry.at < this.#intervalMs) {
      entry.suppressed += 1;
      return undefined;
    }
    // Keys are a small fixed set of call sites (and mounts), so the map stays small; the cap
    // is a guard against a caller that passes client input by mistake.
    if (this.#last.size > 1000) {
      this.#last.clear();
    }
    this.#last.set(key, { at: now, suppressed: 0 });
    return entry?.suppressed ?? 0;
  }
}
