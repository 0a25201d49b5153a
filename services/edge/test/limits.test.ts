/**
 * Listener limits: `Limits.Clients` over the cluster and a mount's `MaxListeners` answer
 * Icecast's 403 texts; each edge writes its counts to the state store and a second edge on the
 * same store sees the first one's listeners.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Keys, MemoryStateStore, type StateStore } from '@penguincast/bus';
import { listen, openListener, type ListenerHandle, waitFor } from '@penguincast/testkit';
import { fixture, startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const keys = new Keys();
const state = new MemoryStateStore();
/** The sums the second edge last read, by key prefix: its limit decisions use these. */
const otherSums = new Map<string, number>();
/** The shared store as the second edge sees it, noting each sum it reads. */
const otherState = new Proxy(state, {
  get(target, key) {
    if (key === 'sumCounters') {
      return async (prefix: string): Promise<number> => {
        const sum = await target.sumCounters(prefix);
        otherSums.set(prefix, sum);
        return sum;
      };
    }
    const value: unknown = Reflect.get(target, key, target);
    return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
  },
}) as StateStore;
let h: EdgeHarness;
let other: EdgeHarness;
let ingest: TestIngest;
const pubs: LiveSource[] = [];
const open: ListenerHandle[] = [];
const config = {
  Limits: { Clients: 3 },
  Mounts: [
    { Name: '/a.mp3', Password: 'p', MaxListeners: 1 },
    { Name: '/b.mp3', Password: 'p' },
  ],
};

before(async () => {
  h = await startEdge({ config, state, instanceId: 'edge-one' });
  other = await startEdge({ config, state: otherState, bus: h.bus, instanceId: 'edge-two' });
  ingest = await startTestIngest({ bus: h.bus, config });
  for (const mount of ['/a.mp3', '/b.mp3']) {
    const pub = new LiveSource({
      ingest,
      mount,
      file: fixture('mp3-128k-44100-stereo.mp3'),
      prerollMs: 500,
    });
    await pub.start();
    pubs.push(pub);
  }
  await h.bus.flush();
});

after(async () => {
  for (const l of open) {
    l.stop();
  }
  for (const p of pubs) {
    await p.stop();
  }
  await ingest.stop();
  await other.stop();
  await h.stop();
  await state.close();
});

async function connected(url: string): Promise<ListenerHandle> {
  const l = openListener(url, { durationMs: 20000 });
  open.push(l);
  assert.equal((await l.response).status, 200);
  return l;
}

test('MaxListeners and Clients answer Icecast 403 texts, across edges', T, async () => {
  await connected(h.url('/a.mp3'));
  const full = await listen(h.url('/a.mp3'));
  assert.equal(full.status, 403);
  assert.equal(full.statusText, 'Forbidden');
  assert.equal(full.audio.toString(), 'max listeners reached');

  // The other edge learns of the first one's listener from the state store.
  await waitFor(
    async () => (await state.get(keys.listenerCount('/a.mp3', 'edge-one'))) === '1',
    3000,
    'the per-edge count',
  );
  await waitFor(
    async () => {
      const r = await listen(other.url('/a.mp3'), { durationMs: 300 });
      return r.status === 403 && r.audio.toString() === 'max listeners reached';
    },
    3000,
    'the second edge to refuse /a.mp3',
  );

  await connected(h.url('/b.mp3'));
  await connected(other.url('/b.mp3'));
  await waitFor(
    async () => (await state.sumCounters(keys.edgeClientsPrefix())) === 3,
    3000,
    'the cluster count',
  );
  assert.equal(await state.get(keys.edgeClients('edge-one')), '2');
  assert.equal(await state.get(keys.edgeClients('edge-two')), '1');
  for (const edge of [h, other]) {
    await waitFor(
      async () => {
        const r = await listen(edge.url('/b.mp3'), { durationMs: 300 });
        return r.status === 403 && r.audio.toString() === 'Icecast connection limit reached';
      },
      3000,
      'the connection limit',
    );
  }
  assert.ok(Number(await state.get(keys.listenerPeak('/b.mp3'))) >= 2);
});

test('freed places can be taken again', T, async () => {
  for (const l of open.splice(0)) {
    l.stop();
  }
  await waitFor(() => h.edge.listenerCount() === 0 && other.edge.listenerCount() === 0);
  await waitFor(async () => (await state.sumCounters(keys.edgeClientsPrefix())) === 0, 3000);
  // The second edge decides from the sums it last read, so it must have read the freed places.
  await waitFor(
    () =>
      otherSums.get(keys.edgeClientsPrefix()) === 0 &&
      otherSums.get(keys.listenerCountPrefix('/a.mp3')) === 0,
    3000,
    'the second edge to read the freed places',
  );
  await connected(other.url('/a.mp3'));
});
