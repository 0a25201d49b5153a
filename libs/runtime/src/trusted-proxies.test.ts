/**
 * Unit tests of the trusted-proxy matcher: single addresses, IPv4 and IPv6 CIDR ranges, mapped
 * IPv4, loopback only when asked for, and refusal of entries the config would refuse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalisePeerAddress } from '@penguincast/icy';
import { TrustedProxies, isLoopbackAddress, trustedProxies } from './trusted-proxies.js';

const T = { timeout: 5_000 };

test('exact addresses and CIDR ranges of both families match', T, () => {
  const t = new TrustedProxies([
    '192.0.2.7',
    '10.0.0.0/8',
    '172.16.0.0/12',
    'fd00::/8',
    '2001:db8::5',
  ]);
  for (const ip of [
    '192.0.2.7',
    '10.0.0.1',
    '10.255.255.254',
    '::ffff:10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    'fd12:3456::1',
    'FD00::1',
    '2001:db8::5',
    '[2001:db8::5]',
  ]) {
    assert.equal(t.has(ip), true, ip);
  }
  for (const ip of [
    '192.0.2.8',
    '11.0.0.1',
    '172.32.0.1',
    '172.15.255.255',
    'fe80::1',
    '2001:db8::6',
    '127.0.0.1',
    '::1',
    '',
    undefined,
    'not-an-ip',
  ]) {
    assert.equal(t.has(ip), false, String(ip));
  }
});

test('loopback is trusted only when asked for; an empty list trusts nobody else', T, () => {
  const withLoopback = new TrustedProxies([], { loopback: true });
  assert.equal(withLoopback.has('127.0.0.1'), true);
  assert.equal(withLoopback.has('127.9.9.9'), true);
  assert.equal(withLoopback.has('::ffff:127.0.0.1'), true);
  assert.equal(withLoopback.has('::1'), true);
  assert.equal(withLoopback.has('10.0.0.1'), false);
  assert.equal(new TrustedProxies([]).has('127.0.0.1'), false);
  assert.equal(new TrustedProxies(['0.0.0.0/0']).has('203.0.113.9'), true);
  assert.equal(new TrustedProxies(['0.0.0.0/0']).has('2001:db8::1'), false);
});

test('entries the config refuses throw, lists become matchers, addresses normalise', T, () => {
  assert.throws(() => new TrustedProxies(['proxy.local']), /TrustedProxies: "proxy\.local"/);
  assert.throws(() => new TrustedProxies(['10.0.0.0/40']), /prefix length/);
  const m = new TrustedProxies(['10.0.0.1']);
  assert.equal(trustedProxies(m), m);
  assert.equal(trustedProxies(['10.0.0.0/24']).has('10.0.0.99'), true);
  assert.equal(normalisePeerAddress('::FFFF:192.0.2.1'), '192.0.2.1');
  assert.equal(normalisePeerAddress('[2001:DB8::1]'), '2001:db8::1');
  assert.equal(normalisePeerAddress(undefined), '');
  assert.equal(isLoopbackAddress('128.0.0.1'), false);
});
