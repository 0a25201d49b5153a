/**
 * Runtime fallbacks set through the admin: a `set-fallback` command gives a mount without a
 * configured fallback one, so its listeners move there when its source drops; an edge starting
 * later reads the stored ones from the state store in the background.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Keys, MemoryBus, MemoryStateStore, encodeControlCommand } from '@penguincast/bus';
import { makeTestAudio, mp3check, openListener, sleep, waitFor } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const bus = new MemoryBus();
let ingest: TestIngest;
const pubs: LiveSource[] = [];
const edges: EdgeHarness[] = [];
const stores: MemoryStateStore[] = [];
let file: Buffer;

const config = {
  Limits: { SourceGracePeriod: 1 },
  Mounts: [
    { Name: '/a.mp3', Password: 'p' },
    { Name: '/b.mp3', Password: 'p' },
    { Name: '/c.mp3', Password: 'p' },
  ],
};

before(async () => {
  file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  ingest = await startTestIngest({ bus, config });
});

after(async () => {
  for (const p of pubs) {
    await p.stop();
  }
  await ingest.stop();
  for (const h of edges) {
    await h.stop();
  }
  for (const s of stores) {
    await s.close();
  }
  await bus.close();
});

async function liveSource(mount: string): Promise<LiveSource> {
  const pub = new LiveSource({ ingest, mount, file, prerollMs: 1500 });
  pubs.push(pub);
  await pub.start();
  return pub;
}

test('a set-fallback command moves listeners when the source drops', T, async () => {
  const h = await startEdge({ bus, config });
  edges.push(h);
  const a = await liveSource('/a.mp3');
  const b = await liveSource('/b.mp3');
  await bus.flush();
  const listener = openListener(h.url('/a.mp3'), { durationMs: 10_000 });
  await waitFor(() => listener.audioBytes > 0, 3000, 'first audio');
  bus.publish(
    h.subjects.ctl('set-fallback'),
    encodeControlCommand({ type: 'set-fallback', mount: '/a.mp3', fallback: '/b.mp3' }),
  );
  await waitFor(
    () => h.lines.some((l) => l['msg'] === 'runtime fallback applied'),
    3000,
    'the command applied',
  );
  await a.down();
  await waitFor(() => h.edge.listenerCount('/b.mp3') === 1, 4000, 'the move to the fallback');
  assert.equal(h.edge.listenerCount('/a.mp3'), 0);
  const before = listener.audioBytes;
  await sleep(500);
  assert.ok(listener.audioBytes > before, 'audio keeps flowing from the fallback');
  listener.stop();
  const r = await listener.done;
  assert.equal(r.endReason, 'stopped', 'the listener was never disconnected');
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
  await b.down();
});

test('a clearing command restores the configured behaviour', T, async () => {
  const h = await startEdge({ bus, config });
  edges.push(h);
  const set = (fallback: string | null): void =>
    bus.publish(
      h.subjects.ctl('set-fallback'),
      encodeControlCommand({ type: 'set-fallback', mount: '/a.mp3', fallback }),
    );
  set('/b.mp3');
  set(null);
  await waitFor(
    () => h.lines.filter((l) => l['msg'] === 'runtime fallback applied').length === 2,
    3000,
    'both commands applied',
  );
  const a = await liveSource('/a.mp3');
  const b = await liveSource('/b.mp3');
  await bus.flush();
  const listener = openListener(h.url('/a.mp3'), { durationMs: 10_000 });
  await waitFor(() => listener.audioBytes > 0, 3000, 'first audio');
  await a.down();
  const r = await listener.done;
  assert.notEqual(r.endReason, 'stopped', 'the listener was ended, not moved');
  assert.equal(h.edge.listenerCount('/b.mp3'), 0);
  await b.down();
});

test('an edge starting later loads the stored runtime fallbacks', T, async () => {
  const state = new MemoryStateStore();
  stores.push(state);
  await state.set(new Keys().fallback('/c.mp3'), '/b.mp3');
  const h = await startEdge({ bus, state, config });
  edges.push(h);
  await waitFor(
    () => h.lines.some((l) => l['msg'] === 'runtime fallbacks loaded'),
    3000,
    'the stored fallbacks loaded',
  );
  const c = await liveSource('/c.mp3');
  const b = await liveSource('/b.mp3');
  await bus.flush();
  const listener = openListener(h.url('/c.mp3'), { durationMs: 10_000 });
  await waitFor(() => listener.audioBytes > 0, 3000, 'first audio');
  await c.down();
  await waitFor(() => h.edge.listenerCount('/b.mp3') === 1, 4000, 'the move to the fallback');
  listener.stop();
  const r = await listener.done;
  assert.equal(r.endReason, 'stopped');
  await b.down();
});
