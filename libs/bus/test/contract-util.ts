/**
 * Helpers shared by the contract suites: the per-test timeout, unique prefixes and polling.
 */

/** Each contract test's time limit. */
export const T = { timeout: 20_000 };

let counter = 0;
/** A subject prefix no other test uses (nats.js tests use `createInbox()` the same way). */
export function uniquePrefix(): string {
  counter += 1;
  return `t${process.pid}x${Date.now().toString(36)}x${counter}`;
}

/** Waits until `cond()` holds, polling every 5 ms, or fails after `ms`. */
export async function waitFor(cond: () => boolean, ms = 5_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}
