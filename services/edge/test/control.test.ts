/**
 * Admin commands over the bus: `list-clients` (every edge replies), `move-clients` (listeners
 * keep their ICY framing and land on a frame boundary of the destination) and `kill-client`
 * (only the holder replies).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  decodeControlReply,
  encodeControlCommand,
  type ControlCommand,
  type ControlReply,
} from '@penguincast/bus';
import {
  makeTestAudio,
  mp3check,
  openListener,
  type ListenerHandle,
  sleep,
  waitFor,
} from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

let h: EdgeHarness;
let ingest: TestIngest;
let a: LiveSource;
let b: LiveSource;
let listeners: ListenerHandle[] = [];

before(async () => {
  const config = {
    Mounts: [
      { Name: '/a.mp3', Password: 'p', MetaInt: 4096 },
      { Name: '/b.mp3', Password: 'p', MetaInt: 4096 },
    ],
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  a = new LiveSource({
    ingest,
    mount: '/a.mp3',
    file,
    prerollMs: 1000,
    initialTitle: 'On A',
  });
  const other = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20, frequency: 660 }));
  b = new LiveSource({
    ingest,
    mount: '/b.mp3',
    file: other,
    prerollMs: 1000,
    initialTitle: 'On B',
  });
  await a.start();
  await b.start();
  await h.bus.flush();
});

after(async () => {
  for (const l of listeners) {
    l.stop();
  }
  await a.stop();
  await b.stop();
  await ingest.stop();
  await h.stop();
});

async function command(cmd: ControlCommand): Promise<ControlReply[]> {
  const replies = await h.bus.requestMany(h.subjects.ctl(cmd.type), encodeControlCommand(cmd), {
    timeoutMs: 300,
  });
  return replies.map((m) => decodeControlReply(m.data));
}

test('list-clients, move-clients and kill-client over the bus', T, async () => {
  listeners = [0, 1].map(() =>
    openListener(h.url('/a.mp3'), { metadata: true, durationMs: 15000, userAgent: 'Player/1' }),
  );
  await waitFor(() => listeners.every((l) => l.audioBytes > 0));

  const [list] = await command({ type: 'list-clients', mount: '/a.mp3' });
  assert.ok(list?.type === 'list-clients');
  assert.equal(list.instanceId, h.instanceId);
  assert.equal(list.clients.length, 2);
  assert.equal(list.clients[0]?.ip, '127.0.0.1');
  assert.equal(list.clients[0]?.userAgent, 'Player/1');
  assert.match(list.clients[0]?.id ?? '', /^\d+$/);

  const [moved] = await command({ type: 'move-clients', from: '/a.mp3', to: '/b.mp3' });
  assert.deepEqual(moved, { instanceId: h.instanceId, type: 'move-clients', moved: 2 });
  assert.equal(h.edge.listenerCount('/b.mp3'), 2);
  await sleep(1000);

  const victim = list.clients[0]?.id ?? '';
  const [killed] = await command({ type: 'kill-client', mount: '/b.mp3', clientId: victim });
  assert.deepEqual(killed, { instanceId: h.instanceId, type: 'kill-client', killed: true });
  assert.deepEqual(await command({ type: 'kill-client', mount: '/b.mp3', clientId: '12345' }), []);
  await waitFor(() => h.edge.listenerCount('/b.mp3') === 1);

  for (const l of listeners) {
    l.stop();
  }
  const bAudio = b.audio();
  for (const l of listeners) {
    const r = await l.done;
    assert.deepEqual(r.framingErrors, []);
    const check = await mp3check(r.audio);
    assert.ok(check.ok, check.output);
    // After the move the audio continues with /b.mp3 from one of its chunk boundaries.
    const titles = r.titles.map((t) => t.title);
    assert.deepEqual(titles.slice(0, 2), ['On A', 'On B']);
    const movedAt = r.titles[1]?.audioOffset ?? 0;
    const tail = r.audio.subarray(movedAt, movedAt + 2048);
    const inB = bAudio.indexOf(tail);
    assert.ok(inB >= 0, 'the audio after the move is /b.mp3');
  }
  const [after] = await command({ type: 'list-clients', mount: '/b.mp3' });
  assert.ok(after?.type === 'list-clients');
  assert.equal(after.clients.length, 0);
});
