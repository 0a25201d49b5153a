/**
 * An edge started while a source is live, that has buffered more than `BurstSize` of its audio
 * before its first listener comes: the listener still gets the station headers (from the
 * announcement it missed), the title on air in its first metadata block, and for Ogg the codec
 * header pages first, so the stream decodes. All of these come with the burst reply. A burst
 * request that ingest's answer never reaches is retried a few times at most.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { MemoryBus, Subjects, type Bus } from '@penguincast/bus';
import { decodeCheck, makeTestAudio, openListener, sleep, waitFor } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

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
let ingest: TestIngest;
let mp3: LiveSource;
let ogg: LiveSource;
let quiet: LiveSource | undefined;
const edges: EdgeHarness[] = [];

/**
 * The shared bus as ingest sees it, except that its answer to /quiet.mp3's burst requests never
 * reaches any edge: its subscription to that subject is swallowed, while it publishes the
 * mount's announcements, audio and titles as usual.
 */
const ingestBus = new Proxy(bus, {
  get(target, key) {
    if (key === 'subscribe') {
      const subscribe: Bus['subscribe'] = (subject, callback, opts) =>
        subject === subjects.burst('/quiet.mp3')
          ? { unsubscribe: () => undefined }
          : target.subscribe(subject, callback, opts);
      return subscribe;
    }
    const value: unknown = Reflect.get(target, key, target);
    return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
  },
}) as Bus;

before(async () => {
  // One page per chunk for the Ogg mount, as in ogg.test.ts; MP3 chunks stay whole frames.
  ingest = await startTestIngest({ bus: ingestBus, config, maxChunkBytes: 1 });
  mp3 = new LiveSource({
    ingest,
    mount: '/late.mp3',
    file: readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 })),
    prerollMs: 2000,
    initialTitle: 'Already On Air',
    info: { 'ice-name': 'Late Station' },
  });
  ogg = new LiveSource({
    ingest,
    mount: '/late.ogg',
    file: readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 20 })),
    contentType: 'audio/ogg',
    prerollMs: 2000,
    initialTitle: 'Ogg On Air',
    info: { 'ice-name': 'Late Ogg' },
  });
  // The sources go live before any edge exists: every edge misses their announcements.
  await mp3.start();
  await ogg.start();
  await bus.flush();
});

after(async () => {
  await mp3.stop();
  await ogg.stop();
  await quiet?.stop();
  await ingest.stop();
  for (const e of edges) {
    await e.stop();
  }
  await bus.close();
});

/** Starts an edge on the shared bus and lets it buffer well over a burst of live audio. */
async function lateEdge(): Promise<EdgeHarness> {
  const edge = await startEdge({ bus, config });
  edges.push(edge);
  // Live chunks keep coming on the bus: wait for more than two bursts' worth of either stream.
  const from = [mp3.position, ogg.position];
  await waitFor(
    () => mp3.position - from[0]! > 2 * BURST && ogg.position - from[1]! > 2 * BURST,
    10_000,
    'two bursts of live audio',
  );
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
  const silent = new LiveSource({
    ingest,
    mount: '/quiet.mp3',
    file: readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 })),
    info: { 'ice-name': 'Quiet' },
  });
  quiet = silent;
  await silent.start();
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
    await silent.down();
  }
});
