/** Unit tests of client-address resolution from trusted X-Forwarded-For headers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderMap } from '@penguincast/icy';
import { clientAddress, isLoopback, normaliseAddress } from './forwarded.js';

const xff = (v: string) => new HeaderMap([['X-Forwarded-For', v]]);

test(
  'X-Forwarded-For is believed only from loopback or trusted proxies',
  { timeout: 5_000 },
  () => {
    assert.equal(clientAddress('127.0.0.1', xff('203.0.113.7'), []), '203.0.113.7');
    assert.equal(clientAddress('::ffff:127.0.0.1', xff('1.1.1.1, 203.0.113.7'), []), '203.0.113.7');
    assert.equal(clientAddress('10.0.0.5', xff('203.0.113.7'), []), '10.0.0.5');
    assert.equal(clientAddress('10.0.0.5', xff('203.0.113.7'), ['10.0.0.5']), '203.0.113.7');
    assert.equal(clientAddress('127.0.0.1', xff('not-an-ip'), []), '127.0.0.1');
    assert.equal(clientAddress('127.0.0.1', new HeaderMap(), []), '127.0.0.1');
  },
);

test('addresses are normalised', { timeout: 5_000 }, () => {
  assert.equal(normaliseAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.ok(isLoopback('::1'));
  assert.ok(isLoopback('127.0.0.2'));
  assert.ok(!isLoopback('128.0.0.1'));
});
