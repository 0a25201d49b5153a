/** Unit tests of the admin.cgi query decoding (UTF-8 first, Latin-1 fallback). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rawQueryParam } from './admin-cgi.js';

test('query parameters decode as UTF-8, else Latin-1', { timeout: 5_000 }, () => {
  const t = '/admin.cgi?mode=updinfo&song=Caf%C3%A9+Au+Lait&latin=Caf%E9&empty=&bare';
  assert.equal(rawQueryParam(t, 'song'), 'Café Au Lait');
  assert.equal(rawQueryParam(t, 'latin'), 'Café');
  assert.equal(rawQueryParam(t, 'empty'), '');
  assert.equal(rawQueryParam(t, 'bare'), '');
  assert.equal(rawQueryParam(t, 'missing'), undefined);
  assert.equal(rawQueryParam('/admin.cgi', 'song'), undefined);
  assert.equal(rawQueryParam('/a?song=100%', 'song'), '100%');
});
