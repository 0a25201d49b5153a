/**
 * Helpers shared by the contract suites: the per-test timeout and unique prefixes.
 */

/** Each contract test's time limit. */
export const T = { timeout: 20_000 };

let counter = 0;
/** A subject prefix no other test uses (nats.js tests use `createInbox()` the same way). */
export function uniquePrefix(): string {
  counter += 1;
  return `t${process.pid}x${Date.now().toString(36)}x${counter}`;
}
