/** Unit tests of header-page bookkeeping across a chained stream's links. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderPages } from './header-pages.js';

const T = { timeout: 1000 };
const ONE = Buffer.from('link-one-pages');
const TWO = Buffer.from('link-two-pages');

test('announced pages of the next link wait for its first chunk', T, () => {
  const p = new HeaderPages();
  p.announce('s', [ONE], false);
  assert.deepEqual(p.get('s'), ONE);
  p.announce('s', [TWO], true);
  assert.deepEqual(p.get('s'), ONE, 'the link on air keeps its pages');
  p.linkStarted('s', Buffer.concat([TWO, Buffer.from('audio')]));
  assert.deepEqual(p.get('s'), TWO);
  assert.equal(p.isDue('s'), false);
});

test('a link whose chunk came before its pages is due until they come', T, () => {
  const p = new HeaderPages();
  p.announce('s', [ONE], false);
  p.linkStarted('s', TWO.subarray(0, 6));
  assert.equal(p.isDue('s'), true);
  assert.deepEqual(p.preamble('s', true), { preamble: ONE });
  p.announce('s', [TWO], true);
  assert.equal(p.isDue('s'), false);
  assert.deepEqual(p.get('s'), TWO);
});

test('two links in the first result: due at the first, known at the second', T, () => {
  const p = new HeaderPages();
  // Ingest announced only the newer set, before either link's audio.
  p.announce('s', [TWO], false);
  p.linkStarted('s', ONE);
  assert.equal(p.isDue('s'), true);
  p.linkStarted('s', TWO);
  assert.equal(p.isDue('s'), false);
  // A burst reply's pages always describe what follows them.
  p.linkStarted('s', ONE);
  p.remember('s', [ONE]);
  assert.equal(p.isDue('s'), false);
  assert.deepEqual(p.preamble('s', false), {});
});
