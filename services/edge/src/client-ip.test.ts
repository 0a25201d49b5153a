/** Unit tests of the client-IP rules: peers, mapped IPv6 and X-Forwarded-For from trusted proxies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrustedProxies } from '@penguincast/runtime';
import { clientIp, normaliseIp } from './client-ip.js';

const trusted = new TrustedProxies(['10.0.0.1', '::ffff:10.0.0.2']);

test('a plain peer is the client', { timeout: 1000 }, () => {
  assert.equal(clientIp('::ffff:192.0.2.7', ['203.0.113.9'], trusted), '192.0.2.7');
  assert.equal(normaliseIp('[2001:DB8::1]'), '2001:db8::1');
});

test('a trusted peer passes on the nearest untrusted hop', { timeout: 1000 }, () => {
  assert.equal(clientIp('10.0.0.1', ['203.0.113.9'], trusted), '203.0.113.9');
  assert.equal(
    clientIp('10.0.0.1', ['198.51.100.1, 203.0.113.9, 10.0.0.2'], trusted),
    '203.0.113.9',
  );
  assert.equal(clientIp('10.0.0.1', ['198.51.100.1', '203.0.113.9'], trusted), '203.0.113.9');
});

test('garbage in the chain stops at the last believable address', { timeout: 1000 }, () => {
  assert.equal(clientIp('10.0.0.1', ['not-an-ip'], trusted), '10.0.0.1');
  assert.equal(clientIp('10.0.0.1', [''], trusted), '10.0.0.1');
  assert.equal(clientIp('10.0.0.1', ['10.0.0.2'], trusted), '10.0.0.2');
  assert.equal(clientIp(undefined, [], trusted), '');
});

test('trusted proxies may be CIDR ranges of either family', { timeout: 1000 }, () => {
  const ranges = new TrustedProxies(['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8']);
  assert.equal(clientIp('10.9.8.7', ['203.0.113.9'], ranges), '203.0.113.9');
  assert.equal(clientIp('::ffff:172.20.0.3', ['203.0.113.9'], ranges), '203.0.113.9');
  assert.equal(clientIp('fd12::3', ['2001:db8::9'], ranges), '2001:db8::9');
  // A hop inside a range is one of our proxies too; the walk goes on past it.
  assert.equal(clientIp('10.0.0.1', ['198.51.100.1, 172.16.5.5'], ranges), '198.51.100.1');
  assert.equal(clientIp('172.32.0.1', ['203.0.113.9'], ranges), '172.32.0.1');
  assert.equal(clientIp('fe80::1', ['203.0.113.9'], ranges), 'fe80::1');
  // Plain lists work as well, for one-off calls.
  assert.equal(clientIp('10.1.1.1', ['203.0.113.9'], ['10.0.0.0/8']), '203.0.113.9');
});
