/** Unit tests of client-address resolution from trusted X-Forwarded-For headers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderMap } from '@penguincast/icy';
import { TrustedProxies } from '@penguincast/runtime';
import { clientAddress, isLoopback, normaliseAddress, proxiedAddress } from './forwarded.js';

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

test('trusted proxies may be CIDR ranges of either family', { timeout: 5_000 }, () => {
  const ranges = new TrustedProxies(['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8'], {
    loopback: true,
  });
  assert.equal(clientAddress('10.20.30.40', xff('203.0.113.7'), ranges), '203.0.113.7');
  assert.equal(clientAddress('::ffff:172.16.9.9', xff('203.0.113.7'), ranges), '203.0.113.7');
  assert.equal(clientAddress('fd00::7', xff('2001:db8::7'), ranges), '2001:db8::7');
  assert.equal(clientAddress('127.0.0.1', xff('203.0.113.7'), ranges), '203.0.113.7');
  assert.equal(clientAddress('192.168.1.1', xff('203.0.113.7'), ranges), '192.168.1.1');
  assert.equal(clientAddress('10.20.30.40', xff('203.0.113.7'), ['10.0.0.0/8']), '203.0.113.7');
});

test('a PROXY line is believed from loopback and trusted proxies only', { timeout: 5_000 }, () => {
  const line = { sourceAddress: '198.51.100.4', sourcePort: 5000 };
  assert.deepEqual(proxiedAddress('127.0.0.1', line, []), { ip: '198.51.100.4', ignored: false });
  assert.deepEqual(proxiedAddress('10.1.2.3', line, ['10.0.0.0/8']), {
    ip: '198.51.100.4',
    ignored: false,
  });
  assert.deepEqual(proxiedAddress('::ffff:192.0.2.9', line, ['10.0.0.0/8']), {
    ip: '192.0.2.9',
    ignored: true,
  });
  assert.deepEqual(proxiedAddress('10.1.2.3', {}, ['10.0.0.0/8']), {
    ip: '10.1.2.3',
    ignored: false,
  });
  assert.deepEqual(proxiedAddress('192.0.2.9', undefined, []), { ip: '192.0.2.9', ignored: false });
});
