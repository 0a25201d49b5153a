/** Unit tests of source, SHOUTcast and title-update credential checks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStationConfig } from '@penguincast/config';
import {
  checkSourceCredentials,
  checkSourcePassword,
  checkTitleUpdatePassword,
  shoutcastMountForPassword,
} from './auth.js';
import { parseConfig } from './config.js';

const cfg = (sourcePassword?: string) =>
  parseConfig(
    parseStationConfig({
      Auth: { AdminPassword: 'adm', ...(sourcePassword ? { SourcePassword: sourcePassword } : {}) },
      Mounts: [
        { Name: 'a', Password: 'pa' },
        { Name: '/b', User: 'bob', Password: 'pb' },
      ],
    }),
  );

test('mount credentials, the source password, and refusals', { timeout: 5_000 }, () => {
  const c = cfg('spw');
  assert.equal(checkSourceCredentials(c, '/a', { user: 'source', password: 'pa' }), 'source');
  assert.equal(checkSourceCredentials(c, '/b', { user: 'bob', password: 'pb' }), 'bob');
  assert.equal(checkSourceCredentials(c, '/b', { user: 'source', password: 'pb' }), undefined);
  assert.equal(checkSourceCredentials(c, '/a', { user: 'source', password: 'spw' }), undefined);
  assert.equal(checkSourceCredentials(c, '/x', { user: 'source', password: 'spw' }), 'source');
  assert.equal(checkSourceCredentials(c, '/x', undefined), undefined);
  assert.equal(checkSourceCredentials(cfg(), '/x', { user: 'source', password: '' }), undefined);
  assert.ok(checkSourcePassword(c, '/b', 'pb'));
  assert.ok(!checkSourcePassword(cfg(), '/x', 'anything'));
});

test('SHOUTcast mounts by password and title-update passwords', { timeout: 5_000 }, () => {
  const c = cfg();
  assert.equal(shoutcastMountForPassword(c, 'pb'), '/b');
  assert.equal(shoutcastMountForPassword(c, 'nope'), '/a');
  assert.ok(checkTitleUpdatePassword(c, '/a', 'pa'));
  assert.ok(checkTitleUpdatePassword(c, '/a', 'adm'));
  assert.ok(checkTitleUpdatePassword(c, '/a', 'adm', 'admin'));
  assert.ok(!checkTitleUpdatePassword(c, '/a', 'adm', 'someone'));
  assert.ok(!checkTitleUpdatePassword(c, '/a', 'pb'));
});
