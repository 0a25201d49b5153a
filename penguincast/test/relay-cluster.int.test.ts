/**
 * One PenguinCast relaying another over HTTP: the upstream is a `penguincast` station fed by
 * ffmpeg; the downstream is a cluster of its own (nats-server, redis-server, an ingest and an
 * edge process) whose mount relays the upstream on demand. Nothing is pulled until a listener
 * asks; that listener is held until the relay's audio arrives, then gets clean MP3 and the
 * upstream's titles at their positions.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  freePortPair,
  mp3check,
  openListener,
  startFfmpegSource,
  startNats,
  startRedis,
  type FfmpegSourceHandle,
  type RestartableServerHandle,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from './harness.js';
import { logLines } from './icecast.js';

const METAINT = 8192;
let nats: RestartableServerHandle | undefined;
let redis: RestartableServerHandle | undefined;
let source: FfmpegSourceHandle | undefined;
let upstream: ServiceProcess | undefined;
let ingest: ServiceProcess | undefined;
let edge: ServiceProcess | undefined;
let upPort = 0;
let edgePort = 0;

async function upstreamTitle(title: string): Promise<void> {
  const q = new URLSearchParams({
    mode: 'updinfo',
    mount: '/live.mp3',
    pass: 'hackme',
    song: title,
  });
  const res = await fetch(`http://127.0.0.1:${upPort}/admin.cgi?${q.toString()}`);
  assert.equal(res.status, 200, await res.text());
}

before(async () => {
  upPort = await freePortPair();
  const up = writeConfig({
    Host: '127.0.0.1',
    Socket: { Port: upPort },
    Auth: { AdminPassword: 'adminpw' },
    Mounts: [{ Name: '/live.mp3', Password: 'hackme' }],
  });
  upstream = startService(undefined, up.path, { PENGUINCAST_LOG_DIR: join(up.dir, 'log') });
  nats = await startNats();
  redis = await startRedis();
  await waitForHttp(`http://127.0.0.1:${upPort}/healthz`, 30_000, 200);
  source = startFfmpegSource({
    url: `icecast://source:hackme@127.0.0.1:${upPort}/live.mp3`,
    codec: 'mp3',
    bitrate: 128,
    iceName: 'Upstream station',
  });
  await waitForHttp(`http://127.0.0.1:${upPort}/live.mp3`, 20_000, 200);
  await upstreamTitle('Cluster A title 1');

  const ingestPort = await freePortPair();
  edgePort = await freePortPair();
  const down = writeConfig({
    Host: '127.0.0.1',
    Limits: { Sources: 3 },
    Auth: { AdminPassword: 'adminpw' },
    Mounts: [
      {
        Name: '/relayed.mp3',
        Password: 'relaypw',
        MetaInt: METAINT,
        Relay: { Url: `http://127.0.0.1:${upPort}/live.mp3`, OnDemand: true },
      },
    ],
  });
  const common = {
    PENGUINCAST_NATS_URL: nats.url,
    PENGUINCAST_REDIS_URL: redis.url,
    PENGUINCAST_SUBJECT_PREFIX: 'clusterb',
    PENGUINCAST_INGEST_PORT: String(ingestPort),
    PENGUINCAST_INGEST_URL: `http://127.0.0.1:${ingestPort}`,
    PENGUINCAST_LOG_DIR: join(down.dir, 'log'),
  };
  ingest = startService('ingest', down.path, common);
  edge = startService('edge', down.path, { ...common, PENGUINCAST_PORT: String(edgePort) });
  await Promise.all(
    [ingestPort, edgePort].map((p) => waitForHttp(`http://127.0.0.1:${p}/healthz`, 30_000, 200)),
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${ingest?.output()}\n${edge?.output()}`);
  });
});

after(async () => {
  await Promise.all([edge?.stop(), ingest?.stop()]);
  await source?.stop();
  await upstream?.stop();
  await nats?.stop();
  await redis?.stop();
});

test(
  'an on-demand relay between two PenguinCast clusters: pulled for a listener, clean, titled',
  { timeout: 60_000 },
  async () => {
    // Give the relay time to misbehave: nothing may be pulled before anyone listens.
    await new Promise((r) => setTimeout(r, 1_500));
    const pulled = (): boolean =>
      logLines(ingest!.output()).some((l) => l['msg'] === 'relay connecting');
    assert.equal(pulled(), false, 'no pull before the first listener');
    const asked = Date.now();
    const listener = openListener(`http://127.0.0.1:${edgePort}/relayed.mp3`, {
      metadata: true,
      durationMs: 10_000,
    });
    const head = await listener.response;
    const heldMs = Date.now() - asked;
    assert.equal(head.status, 200);
    assert.equal(head.headers['icy-metaint'], String(METAINT));
    assert.equal(head.headers['icy-name'], 'Upstream station');
    assert.ok(pulled(), 'the first listener started the relay');
    await new Promise((r) => setTimeout(r, 4_000));
    await upstreamTitle('Cluster A title 2');
    const r = await listener.done;
    assert.deepEqual(r.framingErrors, []);
    assert.ok(r.audio.length > 100_000, `only ${r.audio.length} bytes`);
    const check = await mp3check(r.audio);
    assert.ok(check.ok, `mp3check: ${check.output}`);
    const titles = r.titles.map((t) => t.title);
    assert.equal(titles[0], 'Cluster A title 1', JSON.stringify(r.titles));
    assert.ok(titles.includes('Cluster A title 2'), JSON.stringify(r.titles));
    process.stdout.write(`# on-demand relay: first listener held ${heldMs} ms\n`);
  },
);
