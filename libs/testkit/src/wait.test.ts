/** Unit tests of `waitFor`: its result, its deadline, its failure message and thrown checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, waitFor } from './wait.js';

const T = { timeout: 10_000 };

test('waitFor resolves with the first truthy value of a sync or async check', T, async () => {
  let n = 0;
  assert.equal(await waitFor(() => (++n >= 3 ? `after ${n}` : false)), 'after 3');
  let m = 0;
  assert.equal(await waitFor(async () => (++m >= 2 ? m : 0)), 2);
});

test('waitFor keeps polling while the check throws, and names the last error', T, async () => {
  let n = 0;
  const v = await waitFor(() => {
    n += 1;
    assert.ok(n >= 3, 'not yet');
    return n;
  });
  assert.equal(v, 3);
  const err = await waitFor(
    () => {
      throw new Error('still closed');
    },
    { timeoutMs: 50, what: 'the door' },
  ).catch((e: unknown) => e as Error);
  assert.ok(err instanceof Error);
  assert.match(err.message, /timed out after 50 ms waiting for the door: still closed/);
  assert.equal((err.cause as Error).message, 'still closed');
});

test('waitFor fails after its timeout with the positional form too', T, async () => {
  const started = Date.now();
  await assert.rejects(
    waitFor(() => false, 60, 'nothing'),
    /waiting for nothing$/,
  );
  assert.ok(Date.now() - started >= 60);
});

test('waitFor checks once more at the deadline and honours its interval', T, async () => {
  let calls = 0;
  await assert.rejects(
    waitFor(
      () => {
        calls += 1;
        return false;
      },
      { timeoutMs: 100, intervalMs: 40 },
    ),
  );
  // Checks at about 0, 40, 80 and 120 ms: never one per millisecond.
  assert.ok(calls >= 2 && calls <= 5, `${calls} calls`);
  assert.equal(await waitFor(() => 'now', { timeoutMs: 0 }), 'now');
});

test('sleep waits at least the given time', T, async () => {
  const started = Date.now();
  await sleep(30);
  assert.ok(Date.now() - started >= 29);
});
