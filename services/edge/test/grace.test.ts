/**
 * The close cascade: a source that goes down and returns within the grace period keeps its
 * listeners, which continue with the new session from its first frame; one that does not return
 * ends them; a mount that goes silent ends them after the empty-buffer idle timeout; and a
 * configured fallback takes the listeners instead of ending them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { MemoryBus } from '@penguincast/bus';
import {
  listen,
  makeTestAudio,
  mp3check,
  openListener,
  sleep,
  waitFor,
} from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const bus = new MemoryBus();
let file: Buffer;
let h: EdgeHarness;
let ingest: TestIngest;
const pubs: LiveSource[] = [];

before(async () => {
  file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  const config = {
    Limits: { SourceGracePeriod: 1, EmptyBufferIdleTimeOut: 1 },
    Mounts: [
      { Name: '/live.mp3', Password: 'p', MetaInt: 8192, BurstSize: 16384 },
      { Name: '/gone.mp3', Password: 'p' },
      { Name: '/quiet.mp3', Password: 'p' },
      { Name: '/main.mp3', Password: 'p', Fallback: '/backup.mp3' },
      { Name: '/backup.mp3', Password: 'p' },
    ],
  };
  h = await startEdge({ bus, config });
  ingest = await startTestIngest({ bus, config });
});

after(async () => {
  for (const p of pubs) {
    await p.stop();
  }
  await ingest.stop();
  await h.stop();
  await bus.close();
});

function liveSource(mount: string, initialTitle?: string): LiveSource {
  const pub = new LiveSource({
    ingest,
    mount,
    file,
    prerollMs: 1500,
    ...(initialTitle === undefined ? {} : { initialTitle }),
  });
  pubs.push(pub);
  return pub;
}

test('a new session within the grace period keeps the listeners going', T, async () => {
  const pub = liveSource('/live.mp3', 'Session one');
  await pub.start();
  await bus.flush();
  const listener = openListener(h.url('/live.mp3'), { metadata: true, durationMs: 10000 });
  await waitFor(() => listener.audioBytes > 0, 5000, 'first audio');
  const oldSession = pub.session;
  await pub.down();
  await sleep(400);
  await pub.start(0);
  await pub.setTitle('Session two');
  await sleep(1800);
  assert.equal(h.edge.listenerCount('/live.mp3'), 1, 'the listener stayed');
  await pub.down();
  const r = await listener.done;
  assert.equal(r.endReason, 'closed', 'ended after the second grace period');
  assert.deepEqual(r.framingErrors, []);
  const old = pub.audio(oldSession);
  const start = old.indexOf(r.audio.subarray(0, 4096));
  assert.ok(start >= 0);
  const oldPart = old.subarray(start);
  assert.ok(r.audio.subarray(0, oldPart.length).equals(oldPart), 'the old session up to its end');
  const newPart = r.audio.subarray(oldPart.length);
  const fresh = pub.audio();
  assert.ok(newPart.length > 16000, `only ${newPart.length} bytes of the new session`);
  assert.ok(
    fresh.subarray(0, newPart.length).equals(newPart),
    'the new session from its first byte',
  );
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
  const two = r.titles.find((t) => t.title === 'Session two');
  assert.ok(two && two.audioOffset >= oldPart.length, JSON.stringify(r.titles));
  assert.equal(r.titles[0]?.title, 'Session one');
});

test('without a new source the listeners end after the grace period', T, async () => {
  const pub = liveSource('/gone.mp3');
  await pub.start();
  await bus.flush();
  const listener = openListener(h.url('/gone.mp3'), { durationMs: 10000 });
  await waitFor(() => listener.audioBytes > 0);
  const downAt = Date.now();
  await pub.down();
  await sleep(500);
  assert.equal(h.edge.listenerCount('/gone.mp3'), 1, 'still waiting within the grace period');
  const r = await listener.done;
  assert.equal(r.endReason, 'closed');
  assert.ok(Date.now() - downAt >= 900, 'not before the grace period');
  assert.equal((await listen(h.url('/gone.mp3'))).status, 404);
});

test('a silent mount ends its listeners after EmptyBufferIdleTimeOut', T, async () => {
  const pub = liveSource('/quiet.mp3');
  await pub.start();
  await bus.flush();
  const listener = openListener(h.url('/quiet.mp3'), { durationMs: 10000 });
  await waitFor(() => listener.audioBytes > 0);
  await pub.pause();
  const r = await listener.done;
  assert.equal(r.endReason, 'closed');
});

test('listeners move to the fallback and back when the source returns', T, async () => {
  const main = liveSource('/main.mp3');
  const backup = liveSource('/backup.mp3');
  await main.start();
  await backup.start();
  await bus.flush();
  const listener = openListener(h.url('/main.mp3'), { durationMs: 10000 });
  await waitFor(() => listener.audioBytes > 0);
  await main.down();
  await waitFor(() => h.edge.listenerCount('/backup.mp3') === 1, 3000, 'the move to the fallback');
  // A new listener of the sourceless mount is served the fallback at once.
  const second = await listen(h.url('/main.mp3'), { durationMs: 300 });
  assert.equal(second.status, 200);
  await main.start(0);
  await waitFor(() => h.edge.listenerCount('/main.mp3') === 1, 3000, 'the move back');
  await sleep(300);
  listener.stop();
  const r = await listener.done;
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
});
