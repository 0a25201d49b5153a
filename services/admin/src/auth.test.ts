/** Unit tests of admin credentials, the failure throttle and the client address behind proxies. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStationConfig } from '@penguincast/config';
import { basicAuthHeader } from '@penguincast/icy';
import { AuthThrottle } from '@penguincast/runtime';
import { checkCredentials, clientAddress } from './auth.js';
import { parseConfig } from './config.js';

const cfg = parseConfig(
  parseStationConfig({
    Auth: { AdminUser: 'boss', AdminPassword: 'pw', SourcePassword: 'any' },
    Mounts: [{ Name: '/live', User: 'dj', Password: 'livepw' }],
  }),
);

test('admin credentials pass every scope; source credentials only their own mount metadata', () => {
  const admin = basicAuthHeader('boss', 'pw');
  assert.deepEqual(checkCredentials(cfg, admin, 'admin', undefined), {
    ok: true,
    role: 'admin',
    user: 'boss',
  });
  const dj = basicAuthHeader('dj', 'livepw');
  assert.equal(checkCredentials(cfg, dj, 'admin', '/live').ok, false);
  assert.equal(checkCredentials(cfg, dj, 'mount', '/live').ok, true);
  assert.equal(checkCredentials(cfg, dj, 'mount', '/other').ok, false);
  // Unlisted mounts use user `source` with Auth.SourcePassword.
  assert.equal(checkCredentials(cfg, basicAuthHeader('source', 'any'), 'mount', '/other').ok, true);
  assert.equal(checkCredentials(cfg, basicAuthHeader('source', 'any'), 'mount', '/live').ok, false);
  assert.deepEqual(checkCredentials(cfg, undefined, 'admin', undefined), {
    ok: false,
    supplied: false,
  });
  assert.deepEqual(checkCredentials(cfg, 'Basic !!', 'admin', undefined), {
    ok: false,
    supplied: true,
  });
});

test('the throttle delays after five failures, doubling to a cap, and forgets on success', () => {
  let now = 0;
  const t = new AuthThrottle({ now: () => now });
  const delays = Array.from({ length: 10 }, () => t.fail('1.2.3.4'));
  assert.deepEqual(delays, [0, 0, 0, 0, 0, 250, 500, 1000, 2000, 4000]);
  assert.equal(t.fail('5.6.7.8'), 0);
  t.succeed('1.2.3.4');
  assert.equal(t.fail('1.2.3.4'), 0);
  now = 120_000;
  for (let i = 0; i < 5; i++) {
    t.fail('9.9.9.9');
  }
  now += 60_000;
  assert.equal(t.fail('9.9.9.9'), 0, 'the window expired');
});

test('X-Forwarded-For is believed from loopback and trusted proxies only', () => {
  assert.equal(clientAddress('::ffff:127.0.0.1', '6.6.6.6, 10.0.0.9', []), '10.0.0.9');
  assert.equal(clientAddress('203.0.113.5', '10.0.0.9', []), '203.0.113.5');
  assert.equal(clientAddress('10.1.1.1', '198.51.100.7', ['10.1.1.1']), '198.51.100.7');
  assert.equal(clientAddress('127.0.0.1', 'not-an-ip', []), '127.0.0.1');
});

test('trusted proxies may be CIDR ranges of either family', () => {
  const ranges = ['10.0.0.0/8', '172.16.0.0/12', 'fd00::/8'];
  assert.equal(clientAddress('10.200.0.7', '198.51.100.7', ranges), '198.51.100.7');
  assert.equal(clientAddress('::ffff:172.31.0.2', '198.51.100.7', ranges), '198.51.100.7');
  assert.equal(clientAddress('fd00:1::2', '2001:db8::7', ranges), '2001:db8::7');
  assert.equal(clientAddress('172.32.0.2', '198.51.100.7', ranges), '172.32.0.2');
  assert.equal(clientAddress('fe80::2', '198.51.100.7', ranges), 'fe80::2');
});
