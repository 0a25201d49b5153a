/** Unit tests of the client-IP rules: peers, mapped IPv6 and X-Forwarded-For from trusted proxies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientIp, normaliseIp, trustedSet } from './client-ip.js';

const trusted = trustedSet(['10.0.0.1', '::ffff:10.0.0.2']);

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
