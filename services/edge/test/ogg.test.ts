/**
 * Ogg Vorbis through the edge: a listener joining mid-stream gets the codec header pages first,
 * then pages from a page boundary, and ffmpeg decodes the result without an error; an edge that
 * missed the session's start takes the header pages from the burst reply.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { decodeCheck, makeTestAudio, openListener } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const config = { Mounts: [{ Name: '/radio.ogg', Password: 'p', BurstSize: 16384 }] };
let h: EdgeHarness;
let ingest: TestIngest;
let pub: LiveSource;

before(async () => {
  const file = readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 20 }));
  h = await startEdge({ config });
  // One page per chunk: Vorbis pages are a few KiB, so the burst has boundaries to start on.
  ingest = await startTestIngest({ bus: h.bus, config, maxChunkBytes: 1 });
  pub = new LiveSource({
    ingest,
    mount: '/radio.ogg',
    file,
    contentType: 'audio/ogg',
    prerollMs: 4000,
  });
  await pub.start();
  await h.bus.flush();
});

after(async () => {
  await pub.stop();
  await ingest.stop();
  await h.stop();
});

async function checkListener(edge: EdgeHarness): Promise<void> {
  const r = await openListener(edge.url('/radio.ogg'), { durationMs: 1500 }).done;
  assert.equal(r.headers['content-type'], 'audio/ogg');
  const pages = pub.headerPages;
  assert.ok(pages.length > 0);
  assert.ok(r.audio.subarray(0, pages.length).equals(pages), 'header pages first');
  const rest = r.audio.subarray(pages.length);
  const start = pub.audio().indexOf(rest.subarray(0, 2048));
  assert.ok(start > pages.length, 'then audio from mid-stream');
  assert.ok(pub.chunkStarts().has(start), 'on a page boundary');
  const check = await decodeCheck(r.audio, 'ogg');
  assert.ok(check.ok, check.errors.join('\n'));
}

test('a listener joining mid-stream gets the header pages, then clean pages', T, async () => {
  await checkListener(h);
});

test('an edge that missed the start takes the header pages from the burst reply', T, async () => {
  const fresh = await startEdge({ bus: h.bus, config });
  try {
    await checkListener(fresh);
  } finally {
    await fresh.stop();
  }
});
