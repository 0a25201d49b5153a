/** Unit tests of raw query reading: legacy charsets, `artist - title`, and missing values. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawQueryParam, titleFromQuery } from './raw-query.js';

test('titles decode as UTF-8, as the named charset, or as Latin-1', () => {
  assert.equal(titleFromQuery('/admin/metadata?song=Caf%C3%A9+au+lait'), 'Café au lait');
  assert.equal(titleFromQuery('/admin/metadata?song=Caf%E9'), 'Café');
  assert.equal(titleFromQuery('/m?song=%C0%E0&charset=windows-1251', 'windows-1251'), 'Аа');
  assert.equal(titleFromQuery('/m?artist=A&title=B'), 'A - B');
  assert.equal(titleFromQuery('/m?title=B'), 'B');
  assert.equal(titleFromQuery('/m?mode=updinfo'), '');
  assert.equal(rawQueryParam('/m?a=1&b=2#c', 'b'), '2');
  assert.equal(rawQueryParam('/m', 'b'), undefined);
  assert.equal(titleFromQuery(`/m?song=${'x'.repeat(5000)}`).length, 4096);
});
