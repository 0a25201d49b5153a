/**
 * Unit tests of IP address text: `ipVersion` answers exactly as Node's `net.isIP` (checked
 * against it on golden vectors and random strings), and peer addresses normalise to one spelling.
 */
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { ipVersion, normalisePeerAddress } from './ip-address.js';

const T = { timeout: 10_000 };

test('ipVersion tells IPv4 from IPv6 from anything else, as net.isIP does', T, () => {
  const golden: Array<[string, 0 | 4 | 6]> = [
    ['127.0.0.1', 4],
    ['255.255.255.255', 4],
    ['256.0.0.1', 0],
    ['1.2.3.04', 0],
    ['1.2.3', 0],
    ['::', 6],
    ['::1', 6],
    ['2001:db8::9', 6],
    ['2001:DB8:0:0:0:0:0:1', 6],
    ['::ffff:10.0.0.1', 6],
    ['fe80::1%eth0', 6],
    ['1::2::3', 0],
    ['[::1]', 0],
    ['', 0],
    ['localhost', 0],
  ];
  for (const [address, version] of golden) {
    assert.equal(ipVersion(address), version, address);
    assert.equal(isIP(address), version, `net.isIP ${address}`);
  }
  const v4 = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300)).map((p) => p.join('.'));
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), maxLength: 5 });
  const v6 = fc.array(fc.oneof(hex, v4), { minLength: 1, maxLength: 9 }).map((p) => p.join(':'));
  const noise = fc.stringMatching(/^[0-9a-fA-F:.%]{0,20}$/);
  fc.assert(
    fc.property(fc.oneof(v4, v6, noise), (address) => ipVersion(address) === isIP(address)),
    { numRuns: 2000 },
  );
});

test('peer addresses normalise to one spelling', T, () => {
  assert.equal(normalisePeerAddress('::FFFF:192.0.2.1'), '192.0.2.1');
  assert.equal(normalisePeerAddress('[2001:DB8::1]'), '2001:db8::1');
  assert.equal(normalisePeerAddress(' 10.0.0.1 '), '10.0.0.1');
  assert.equal(normalisePeerAddress(undefined), '');
});
