/**
 * Two ingest instances sharing one real nats-server and redis-server: one source per mount
 * across both, a crashed holder frees its mount within the lease TTL, the same encoder
 * reconnecting to the other instance takes its mount back, and title updates reach the holder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Keys, connectNatsBus, connectRedisStateStore } from '@penguincast/bus';
import {
  makeTestAudio,
  rawClient,
  startNats,
  startRedis,
  waitFor,
  type RestartableServerHandle,
} from '@penguincast/testkit';
import {
  bodyOf,
  loopingSource,
  sourceHead,
  startIngest,
  statusLine,
  testStation,
  type LoopingSource,
  type TestIngest,
} from './harness.js';

const TIMING = { leaseTtlMs: 1_500, leaseRenewMs: 400, infoRefreshMs: 400, infoTtlMs: 3_000 };
const station = testStation({ Cluster: { SubjectPrefix: 'ingclu', KeyPrefix: 'ingclu' } });
const keys = new Keys('ingclu');

let nats: RestartableServerHandle;
let redis: RestartableServerHandle;
let mp3: Buffer;
const instances: TestIngest[] = [];
const sources: LoopingSource[] = [];

async function instance(id: string): Promise<TestIngest> {
  const bus = await connectNatsBus({ servers: nats.url, name: id });
  const state = await connectRedisStateStore({ url: redis.url });
  const ing = await startIngest({ station, bus, state, timing: TIMING, instanceId: id });
  instances.push(ing);
  return ing;
}

/** Stops an instance and closes the adapters it was given (idempotent). */
async function shutdown(ing: TestIngest): Promise<void> {
  await ing.stop();
  await ing.bus.close();
  await ing.state.close();
}

before(async () => {
  [nats, redis] = await Promise.all([startNats(), startRedis()]);
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 2 }));
});

after(async () => {
  for (const s of sources) {
    s.stop();
  }
  for (const ing of instances) {
    await shutdown(ing);
  }
  await Promise.all([nats.stop(), redis.stop()]);
});

async function start(ing: TestIngest, mount: string, localAddress?: string) {
  const since = ing.rec.sources.length;
  const src = await loopingSource(
    ing.port,
    sourceHead(mount, { password: 'livepw' }),
    mp3,
    localAddress ? { localAddress } : {},
  );
  sources.push(src);
  const head = await src.client.waitFor(/\r\n\r\n/);
  return { src, head, since };
}

test(
  'one source per mount across instances; a crashed holder frees it',
  {
    timeout: 30_000,
  },
  async () => {
    const a = await instance('ing-a');
    const b = await instance('ing-b');

    const first = await start(a, '/live.mp3');
    assert.equal(first.head, 'HTTP/1.0 200 OK\r\n\r\n');
    const up = await waitFor(
      () => b.rec.sources.find((s) => s.state === 'up' && s.instanceId === 'ing-a'),
      5_000,
      'announcement over NATS',
    );
    await waitFor(() => b.rec.chunksOf(up.session).length > 5, 5_000, 'audio over NATS');

    // Another encoder, from another address, on the other instance: refused.
    const other = await rawClient(
      b.port,
      sourceHead('/live.mp3', { password: 'livepw' }),
      '127.0.0.2',
    );
    const refused = await other.closed;
    assert.equal(statusLine(refused), 'HTTP/1.0 403 Forbidden');
    assert.equal(bodyOf(refused), 'Mountpoint in use');

    // A title update sent to b reaches the source on a through a control request.
    const cgi = await rawClient(
      b.port,
      'GET /admin.cgi?mode=updinfo&pass=livepw&mount=/live.mp3&song=Remote%20Title HTTP/1.0\r\n\r\n',
    );
    assert.equal(statusLine(await cgi.closed), 'HTTP/1.0 200 OK');
    const title = await waitFor(() => b.rec.titles.find((t) => t.title === 'Remote Title'), 3_000);
    assert.equal(title.session, up.session);

    // Crash a: its store and bus go away first, so nothing is released; then its socket dies.
    await a.state.close();
    await a.bus.close();
    const crashedAt = Date.now();
    first.src.stop();

    // Another encoder retries every 200 ms until b lets it take the mount.
    const taken = await waitFor(
      async () => {
        const retry = await rawClient(
          b.port,
          sourceHead('/live.mp3', { password: 'livepw' }),
          '127.0.0.2',
        );
        const head = await retry.waitFor(/\r\n\r\n/);
        if (head.startsWith('HTTP/1.0 200 OK')) {
          sources.push({ client: retry, pause: () => {}, stop: () => retry.destroy() });
          return head;
        }
        await retry.closed;
        return undefined;
      },
      { timeoutMs: TIMING.leaseTtlMs + 2_000, intervalMs: 200, what: 'the mount freed' },
    );
    const waited = Date.now() - crashedAt;
    assert.ok(taken, 'the mount was freed');
    assert.ok(waited <= TIMING.leaseTtlMs + 1_000, `freed after ${waited} ms`);
    for (const s of sources.splice(0)) {
      s.stop();
    }
    await waitFor(() => b.app.liveSources === 0, 5_000, 'b idle');
  },
);

test(
  'the same encoder reconnecting to another instance takes its mount back',
  {
    timeout: 20_000,
  },
  async () => {
    const c = await instance('ing-c');
    const d = await instance('ing-d');
    const first = await start(c, '/live.mp3');
    assert.equal(first.head, 'HTTP/1.0 200 OK\r\n\r\n');
    const up = await waitFor(
      () => d.rec.sources.find((s) => s.state === 'up' && s.instanceId === 'ing-c'),
      5_000,
    );
    // Wait until the mount info heartbeat has recorded this session's source address.
    await waitFor(
      async () => {
        const info = await d.state.getHash(keys.mountInfo('/live.mp3'));
        return info?.['session'] === up.session && info['source_ip'] !== undefined;
      },
      5_000,
      "the source's address in the mount info",
    );
    const t0 = Date.now();
    const second = await start(d, '/live.mp3');
    assert.equal(second.head, 'HTTP/1.0 200 OK\r\n\r\n');
    assert.ok(Date.now() - t0 < 1_500, 'taken over at once');
    const down = await waitFor(
      () => d.rec.sources.find((s) => s.session === up.session && s.state === 'down'),
      3_000,
      'old source down',
    );
    assert.equal(down.reason, 'killed');
    await first.src.client.closed;
    const fresh = await waitFor(
      () => c.rec.sources.find((s) => s.state === 'up' && s.instanceId === 'ing-d'),
      3_000,
    );
    await waitFor(() => c.rec.chunksOf(fresh.session).length > 3, 5_000, 'new audio');
    for (const s of sources.splice(0)) {
      s.stop();
    }
  },
);
