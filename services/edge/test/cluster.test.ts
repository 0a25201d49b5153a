/**
 * Two edges on a real nats-server and redis-server (spawned on loopback by the test kit), fed by
 * one real ingest on its own NATS connection, fed by a PUT source: both serve clean audio, the cluster-wide client
 * limit is enforced through Redis, and `list-clients` gathers a reply from each edge.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  Keys,
  Subjects,
  connectNatsBus,
  connectRedisStateStore,
  decodeControlReply,
  encodeControlCommand,
  type NatsBus,
  type RedisStateStore,
} from '@penguincast/bus';
import {
  listen,
  makeTestAudio,
  mp3check,
  openListener,
  startNats,
  startRedis,
  type ListenerHandle,
  type RestartableServerHandle,
  waitFor,
} from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const PREFIX = `edge${process.pid}`;
let nats: RestartableServerHandle | undefined;
let redis: RestartableServerHandle | undefined;
const buses: NatsBus[] = [];
const stores: RedisStateStore[] = [];
const edges: EdgeHarness[] = [];
let ingest: TestIngest | undefined;
let pub: LiveSource | undefined;
const open: ListenerHandle[] = [];

before(async () => {
  const [n, r] = await Promise.allSettled([startNats(), startRedis()]);
  nats = n.status === 'fulfilled' ? n.value : undefined;
  redis = r.status === 'fulfilled' ? r.value : undefined;
  for (const res of [n, r]) {
    if (res.status === 'rejected') {
      throw res.reason;
    }
  }
  const config = {
    Limits: { Clients: 2 },
    Mounts: [{ Name: '/live.mp3', Password: 'p' }],
    Cluster: { SubjectPrefix: PREFIX, KeyPrefix: PREFIX },
  };
  for (const id of ['edge-a', 'edge-b']) {
    const bus = await connectNatsBus({ servers: nats!.url, name: id });
    const state = await connectRedisStateStore({ url: redis!.url });
    buses.push(bus);
    stores.push(state);
    edges.push(await startEdge({ config, bus, state, instanceId: id }));
  }
  const pubBus = await connectNatsBus({ servers: nats!.url, name: 'ingest' });
  buses.push(pubBus);
  ingest = await startTestIngest({ bus: pubBus, config });
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  pub = new LiveSource({ ingest, mount: '/live.mp3', file, prerollMs: 2000 });
  await pub.start();
  await pubBus.flush();
});

after(async () => {
  for (const l of open) {
    l.stop();
  }
  await pub?.stop();
  await ingest?.stop();
  for (const e of edges) {
    await e.stop();
  }
  for (const b of buses) {
    await b.close();
  }
  for (const s of stores) {
    await s.close();
  }
  await Promise.all([nats?.stop(), redis?.stop()]);
});

test('two edges serve one mount and share the client limit through Redis', T, async () => {
  const [a, b] = edges as [EdgeHarness, EdgeHarness];
  for (const edge of [a, b]) {
    const l = openListener(edge.url('/live.mp3'), { durationMs: 20000 });
    open.push(l);
    assert.equal((await l.response).status, 200);
  }
  await waitFor(() => open.every((l) => l.audioBytes > 40000), 5000, 'audio on both edges');
  const keys = new Keys(PREFIX);
  await waitFor(
    async () => (await stores[0]!.sumCounters(keys.edgeClientsPrefix())) === 2,
    5000,
    'both counts in Redis',
  );
  for (const edge of [a, b]) {
    await waitFor(
      async () => {
        const r = await listen(edge.url('/live.mp3'), { durationMs: 300 });
        return r.status === 403 && r.audio.toString() === 'Icecast connection limit reached';
      },
      5000,
      'the cluster limit on each edge',
    );
  }
  const replies = await buses[2]!.requestMany(
    new Subjects(PREFIX).ctl('list-clients'),
    encodeControlCommand({ type: 'list-clients', mount: '/live.mp3' }),
    { timeoutMs: 500 },
  );
  const byEdge = replies.map((m) => decodeControlReply(m.data));
  assert.deepEqual(byEdge.map((r) => r.instanceId).sort(), ['edge-a', 'edge-b']);
  for (const r of byEdge) {
    assert.ok(r.type === 'list-clients' && r.clients.length === 1);
  }
  for (const l of open.splice(0)) {
    l.stop();
    const result = await l.done;
    const check = await mp3check(result.audio);
    assert.ok(check.ok, check.output);
    assert.ok(pub!.audio().indexOf(result.audio.subarray(0, 4096)) >= 0);
  }
});
