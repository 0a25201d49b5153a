/**
 * Burst on connect and ICY framing against a real ingest fed by a real PUT source: the burst starts on a frame
 * boundary, listeners receive every published byte in order and clean MP3 from their first
 * byte, the strict ICY parser finds no framing error, and each title reaches a listener exactly
 * at the stream position it was published for. A fresh edge gets its burst from ingest at once.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  makeTestAudio,
  mp3check,
  openListener,
  type ListenResult,
  sleep,
} from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const METAINT = 8192;
const BURST = 32768;
let h: EdgeHarness;
let ingest: TestIngest;
let pub: LiveSource;

before(async () => {
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  const config = {
    Mounts: [{ Name: '/live.mp3', Password: 'p', MetaInt: METAINT, BurstSize: BURST }],
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  pub = new LiveSource({
    ingest,
    mount: '/live.mp3',
    file,
    prerollMs: 4000,
    initialTitle: 'Before',
    info: { 'ice-name': 'Burst Test' },
  });
  await pub.start();
  await h.bus.flush();
});

after(async () => {
  await pub.stop();
  await ingest.stop();
  await h.stop();
});

/** Where the listener's audio starts in the published stream, checked byte for byte. */
function startOf(r: ListenResult): number {
  const published = pub.audio();
  const start = published.indexOf(r.audio.subarray(0, 4096));
  assert.ok(start >= 0, 'the listener audio is not in the published stream');
  assert.ok(
    published.subarray(start, start + r.audio.length).equals(r.audio),
    'the listener audio differs from the published audio',
  );
  return start;
}

/** The audio offset of the first block that is due at or after stream position `pos`. */
function blockAfter(pos: number, start: number): number {
  return Math.ceil((pos - start) / METAINT) * METAINT;
}

test(
  'the burst starts on a frame boundary and the audio is clean from its first byte',
  T,
  async () => {
    // The source holds still until the burst is out, so the head read here is the head the
    // burst is cut from; a chunk published in between would move the burst on by one chunk.
    await pub.pause();
    const headBefore = pub.position;
    const r = await openListener(h.url('/live.mp3'), {
      metadata: true,
      durationMs: 1500,
      onAudio: () => pub.resume(),
    }).done;
    assert.equal(r.status, 200);
    assert.deepEqual(r.framingErrors, []);
    const start = startOf(r);
    assert.ok(pub.frameStarts().has(start), `burst start ${start} is not a frame boundary`);
    assert.ok(start >= headBefore - BURST, `burst reaches back ${headBefore - start} bytes`);
    assert.ok(start <= headBefore - BURST + 2000, `burst only reaches back ${headBefore - start}`);
    const check = await mp3check(r.audio);
    assert.ok(check.ok, check.output);
    assert.equal(r.titles[0]?.title, 'Before');
    assert.equal(r.titles[0]?.audioOffset, METAINT);
  },
);

test('a title reaches each listener at its stream position, not when it was sent', T, async () => {
  const early = openListener(h.url('/live.mp3'), { metadata: true, durationMs: 4000 });
  await sleep(500);
  const pos = await pub.setTitle('After');
  // This one joins after the change; its burst still starts under the old title.
  const late = openListener(h.url('/live.mp3'), { metadata: true, durationMs: 3500 });
  for (const r of [await early.done, await late.done]) {
    assert.deepEqual(r.framingErrors, []);
    const start = startOf(r);
    assert.ok(start < pos, 'the burst should start before the title change');
    const after = r.titles.find((t) => t.title === 'After');
    assert.ok(after, `no "After" block; titles ${JSON.stringify(r.titles)}`);
    assert.equal(after.audioOffset, blockAfter(pos, start));
    assert.equal(r.titles[0]?.title, 'Before');
    const check = await mp3check(r.audio);
    assert.ok(check.ok, check.output);
  }
});

test('a listener without metadata gets plain MP3 from its first byte', T, async () => {
  const r = await openListener(h.url('/live.mp3'), { durationMs: 1000 }).done;
  assert.equal(r.headers['icy-metaint'], undefined);
  startOf(r);
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
});

test('a fresh edge serves a full burst at once from the ingest', T, async () => {
  const fresh = await startEdge({
    bus: h.bus,
    config: {
      Mounts: [{ Name: '/live.mp3', Password: 'p', MetaInt: METAINT, BurstSize: BURST }],
    },
  });
  try {
    // As above: the head read here must be the one the ingest cuts the burst from.
    await pub.pause();
    const headBefore = pub.position;
    const r = await openListener(fresh.url('/live.mp3'), { durationMs: 300 }).done;
    // It missed the source's announcement; the burst reply carries it.
    assert.equal(r.headers['icy-name'], 'Burst Test');
    const start = startOf(r);
    assert.ok(pub.frameStarts().has(start));
    assert.ok(r.audio.length >= BURST - 2000, `only ${r.audio.length} bytes in 300 ms`);
    assert.ok(start <= headBefore - BURST + 2000);
    const check = await mp3check(r.audio);
    assert.ok(check.ok, check.output);
  } finally {
    pub.resume();
    await fresh.stop();
  }
});
