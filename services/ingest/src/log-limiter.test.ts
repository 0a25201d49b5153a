/** Unit tests of the log rate limiter and of lease owner strings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogLimiter } from './log-limiter.js';
import { leaseOwner, parseLeaseOwner } from './lease.js';

test('one line per key per interval, with the suppressed count', { timeout: 5_000 }, () => {
  let now = 0;
  const l = new LogLimiter(1_000, () => now);
  assert.equal(l.allow('redis'), 0);
  assert.equal(l.allow('redis'), undefined);
  assert.equal(l.allow('redis'), undefined);
  assert.equal(l.allow('bus'), 0, 'keys are independent');
  now = 1_000;
  assert.equal(l.allow('redis'), 2);
});

test('lease owners round-trip', { timeout: 5_000 }, () => {
  const owner = leaseOwner('host-12', 'abcd');
  assert.deepEqual(parseLeaseOwner(owner), { instanceId: 'host-12', sessionId: 'abcd' });
  assert.deepEqual(parseLeaseOwner('odd'), { instanceId: 'odd', sessionId: '' });
});
