/** Unit tests of the failed-authentication throttle: growing delays, windows, bounded memory. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthThrottle } from './auth-throttle.js';

test('delays grow after five failures and reset with the window', { timeout: 5_000 }, () => {
  let now = 0;
  const t = new AuthThrottle({ now: () => now });
  const delays = Array.from({ length: 12 }, () => t.fail('1.2.3.4'));
  assert.deepEqual(delays, [0, 0, 0, 0, 0, 250, 500, 1000, 2000, 4000, 4000, 4000]);
  assert.equal(t.fail('5.6.7.8'), 0, 'other addresses are not affected');
  now += 60_000;
  assert.equal(t.fail('1.2.3.4'), 0, 'a new window starts clean');
  t.succeed('5.6.7.8');
});

test('memory is bounded', { timeout: 5_000 }, () => {
  let now = 0;
  const t = new AuthThrottle({ now: () => now, maxEntries: 100 });
  for (let i = 0; i < 1000; i++) {
    t.fail(`10.0.${i >> 8}.${i & 0xff}`);
  }
  assert.equal(t.size, 100);
  now += 61_000;
  t.fail('1.1.1.1');
  assert.equal(t.size, 1, 'expired entries are dropped');
});
