/**
 * Waiting in tests: `waitFor` polls a condition until it holds, so a test waits for the event
 * it needs instead of for a fixed time; `sleep` is only for tests whose subject is time itself.
 */

/** A value that is not `false`, `0`, `''`, `null` or `undefined`. */
export type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** How long to wait before failing, in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** What is awaited, for the failure message. Default `condition`. */
  what?: string;
  /** Pause between two checks, in milliseconds. Default 10; checks that do I/O want more. */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a truthy value and resolves with that value; rejects once
 * `timeoutMs` has passed. A check that throws counts as not yet: the last error is named in the
 * failure (and kept as its `cause`), so a check may use assertions or requests that fail until
 * the awaited state is reached. The check always runs at least once, even after the deadline.
 *
 * `waitFor(check, 3000, 'title')` and `waitFor(check, { timeoutMs: 3000, what: 'title' })` are
 * the same call.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeout: number | WaitForOptions = {},
  what?: string,
): Promise<Truthy<T>> {
  const opts: WaitForOptions = typeof timeout === 'number' ? { timeoutMs: timeout } : timeout;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const intervalMs = opts.intervalMs ?? 10;
  const label = what ?? opts.what ?? 'condition';
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value as Truthy<T>;
      }
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const why =
        last === undefined ? '' : `: ${last instanceof Error ? last.message : String(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}${why}`, {
        ...(last === undefined ? {} : { cause: last }),
      });
    }
    await sleep(intervalMs);
  }
}

/**
 * Resolves after `ms` milliseconds. Use it only where the passing of time is what a test
 * checks (say, that nothing arrives for two seconds); to wait for something to happen, use
 * {@link waitFor} on that something.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
