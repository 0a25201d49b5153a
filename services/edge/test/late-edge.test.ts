/**
 * An edge started while a source is live, that has buffered more than `BurstSize` of its audio
 * before its first listener comes: the listener still gets the station headers (from the
 * announcement it missed), the title on air in its first metadata block, and for Ogg the codec
 * header pages first, so the stream decodes. All of these come with the burst reply.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { MemoryBus, Subjects } from '@penguincast/bus';
import { decodeCheck, makeTestAudio, openListener } from '@penguincast/testkit';
import { sleep, startEdge, T, waitFor, type EdgeHarness } from './harness.js';
import { Publisher } from './publisher.js';

const BURST = 8192;
const METAINT = 4096;
const config = {
  Mounts: [
    { Name: '/late.mp3', Password: 'p', BurstSize: BURST, MetaInt: METAINT },
    { Name: '/late.ogg', Password: 'p', BurstSize: BURST, MetaInt: METAINT },
  ],
};
const bus = new MemoryBus();
const subjects = new Subjects('pc');
let mp3: Publisher;
let ogg: Publisher;
const edges: EdgeHarness[] = [];

before(async () => {
  mp3 = new Publisher({
    bus,
    subjects,
    mount: '/late.mp3',
    file: readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 })),
    prerollMs: 2000,
    initialTitle: 'Already On Air',
    info: { 'ice-name': 'Late Station' },
  });
  ogg = new Publisher({
    bus,
    subjects,
    mount: '/late.ogg',
    file: readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 20 })),
    contentType: 'audio/ogg',
    framesPerChunk: 1,
    prerollMs: 2000,
    initialTitle: 'Ogg On Air',
    info: { 'ice-name': 'Late Ogg' },
  });
  // The sources go live before any edge exists: every edge misses their announcements.
  mp3.start();
  ogg.start();
  await bus.flush();
});

after(async () => {
  mp3.down();
  ogg.down();
  for (const e of edges) {
    await e.stop();
  }
  await bus.close();
});

/** Starts an edge on the shared bus and lets it buffer well over a burst of live audio. */
async function lateEdge(): Promise<EdgeHarness> {
  const edge = await startEdge({ bus, config });
  edges.push(edge);
  // Live chunks keep coming on the bus: 2 s is several bursts' worth of either stream.
  await sleep(2000);
  return edge;
}

test('an MP3 listener of a late edge gets icy-name and the title on air at once', T, async () => {
  const edge = await lateEdge();
  const r = await openListener(edge.url('/late.mp3'), { metadata: true, durationMs: 1500 }).done;
  assert.equal(r.status, 200);
  assert.equal(r.headers['icy-name'], 'Late Station');
  assert.deepEqual(r.framingErrors, []);
  assert.equal(r.titles[0]?.title, 'Already On Air');
  assert.equal(r.titles[0]?.audioOffset, METAINT, 'in the very first metadata block');
});

test('an Ogg listener of a late edge gets the header pages and decodes cleanly', T, async () => {
  const edge = await lateEdge();
  const r = await openListener(edge.url('/late.ogg'), { metadata: true, durationMs: 2000 }).done;
  assert.equal(r.status, 200);
  assert.equal(r.headers['icy-name'], 'Late Ogg');
  assert.deepEqual(r.framingErrors, []);
  assert.equal(r.titles[0]?.title, 'Ogg On Air');
  assert.ok(r.audio.subarray(0, ogg.headerPages.length).equals(ogg.headerPages), 'pages first');
  const check = await decodeCheck(r.audio, 'ogg');
  assert.ok(check.ok, check.errors.join('\n'));
});

test('a burst request that gets no answer is retried later, a few times at most', T, async () => {
  const silent = new Publisher({
    bus,
    subjects,
    mount: '/quiet.mp3',
    file: readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 })),
    answerBursts: false,
    info: { 'ice-name': 'Quiet' },
  });
  silent.start();
  try {
    const edge = await startEdge({ bus, config });
    edges.push(edge);
    let requests = 0;
    const sub = bus.subscribe(subjects.burst('/quiet.mp3'), () => (requests += 1));
    try {
      await sleep(500);
      // Every listener is served from what the edge holds; asking stops after a few tries.
      for (let i = 0; i < 8; i++) {
        const r = await openListener(edge.url('/quiet.mp3'), { maxBytes: 4000, durationMs: 3000 })
          .done;
        assert.equal(r.status, 200);
        await sleep(400);
      }
      await waitFor(() => requests >= 2, 5000, 'a retried burst request');
      assert.ok(requests <= 3, `${requests} burst requests`);
    } finally {
      sub.unsubscribe();
    }
  } finally {
    silent.down();
  }
});
