/** Unit test of the version source: it is the root package.json's version. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ICECAST_COMPATIBLE, PENGUINCAST_VERSION } from './version.js';

test('the version is the root package.json version', { timeout: 5_000 }, () => {
  const root = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
  ) as { name: string; version: string };
  assert.equal(root.name, 'penguincast-monorepo');
  assert.equal(PENGUINCAST_VERSION, root.version);
  assert.match(PENGUINCAST_VERSION, /^\d+\.\d+\.\d+/);
  assert.equal(ICECAST_COMPATIBLE, 'Icecast 2.4.4 compatible');
});
