/**
 * Listener moves mid-chunk: with a write budget far below a chunk, a listener is almost always
 * stopped inside one when it is moved. It must finish that chunk's frames before the other
 * mount's audio starts, so its recording stays clean MP3 and its ICY framing stays valid across
 * every move, both ways.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { encodeControlCommand } from '@penguincast/bus';
import { makeTestAudio, mp3check, openListener, sleep, waitFor } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

let h: EdgeHarness;
let ingest: TestIngest;
const pubs: LiveSource[] = [];

before(async () => {
  const config = {
    Mounts: [
      { Name: '/a.mp3', Password: 'p', MetaInt: 1000 },
      { Name: '/b.mp3', Password: 'p', MetaInt: 1000 },
    ],
  };
  h = await startEdge({
    config,
    // 700 bytes per pass and 4 passes a second: the listener lags, stopped inside chunks.
    settings: { maxBytesPerTurn: 700 },
  });
  ingest = await startTestIngest({ bus: h.bus, config });
  for (const [mount, frequency] of [
    ['/a.mp3', 440],
    ['/b.mp3', 660],
  ] as const) {
    const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20, frequency }));
    const pub = new LiveSource({ ingest, mount, file, prerollMs: 1000 });
    await pub.start();
    pubs.push(pub);
  }
  await h.bus.flush();
});

after(async () => {
  for (const p of pubs) {
    await p.stop();
  }
  await ingest.stop();
  await h.stop();
});

test('moves inside a chunk finish its frames first: clean audio, valid ICY', T, async () => {
  const listener = openListener(h.url('/a.mp3'), { metadata: true, durationMs: 15_000 });
  await waitFor(() => listener.audioBytes > 2000, 5000, 'first audio');
  const mounts = ['/b.mp3', '/a.mp3'];
  for (let i = 0; i < 6; i++) {
    const to = mounts[i % 2]!;
    const from = mounts[(i + 1) % 2]!;
    h.bus.publish(
      h.subjects.ctl('move-clients'),
      encodeControlCommand({ type: 'move-clients', from, to }),
    );
    await waitFor(() => h.edge.listenerCount(to) === 1, 3000, `move to ${to}`);
    await sleep(600 + i * 37);
  }
  listener.stop();
  const r = await listener.done;
  assert.deepEqual(r.framingErrors, []);
  assert.ok(r.audio.length > 10_000, `only ${r.audio.length} bytes`);
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
});
