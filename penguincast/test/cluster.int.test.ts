/**
 * The distributed deployment end to end: a real nats-server and redis-server, one ingest, two
 * edges and an admin as separate `penguincast <service>` processes. ffmpeg pushes MP3 through
 * the first edge's front door; 100 listeners spread over both edges for 30 s must each receive
 * clean MP3 from the first byte, strictly valid ICY framing, and the title at its position.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  Subjects,
  connectNatsBus,
  decodeControlReply,
  decodeTitleChange,
  encodeControlCommand,
  type NatsBus,
  type TitleChange,
} from '@penguincast/bus';
import { DEFAULT_BURST_SIZE } from '@penguincast/config';
import {
  freePort,
  freePortPair,
  mp3check,
  openListener,
  startFfmpegSource,
  startNats,
  sleep,
  startRedis,
  waitFor,
  type ListenResult,
  type RestartableServerHandle,
} from '@penguincast/testkit';
import {
  startService,
  streamStart,
  titleProblems,
  waitForHttp,
  writeConfig,
  type ServiceProcess,
} from './harness.js';

const METAINT = 16000;
const LISTENERS = 100;
const LISTEN_MS = 32_000;
const PREFIX = 'e2e';

let nats: RestartableServerHandle | undefined;
let redis: RestartableServerHandle | undefined;
let bus: NatsBus | undefined;
const procs: ServiceProcess[] = [];
let edgePorts: number[] = [];
let dir = '';

before(async () => {
  nats = await startNats();
  redis = await startRedis();
  const ingestPort = await freePortPair();
  const adminPort = await freePort();
  edgePorts = [await freePortPair(), await freePortPair()];
  const cfg = writeConfig({
    Name: 'E2E cluster',
    Host: '127.0.0.1',
    Limits: { Clients: 500, Sources: 3 },
    Auth: { AdminPassword: 'adminpw' },
    Mounts: [
      { Name: '/live.mp3', Password: 'hackme', MetaInt: METAINT, DumpFile: 'cluster-dump.mp3' },
    ],
  });
  dir = cfg.dir;
  const common = {
    PENGUINCAST_NATS_URL: nats.url,
    PENGUINCAST_REDIS_URL: redis.url,
    PENGUINCAST_SUBJECT_PREFIX: PREFIX,
    PENGUINCAST_INGEST_PORT: String(ingestPort),
    PENGUINCAST_ADMIN_PORT: String(adminPort),
    PENGUINCAST_INGEST_URL: `http://127.0.0.1:${ingestPort}`,
    PENGUINCAST_ADMIN_URL: `http://127.0.0.1:${adminPort}`,
    PENGUINCAST_LOG_DIR: join(dir, 'log'),
  };
  procs.push(startService('ingest', cfg.path, common));
  procs.push(startService('admin', cfg.path, common));
  for (const p of edgePorts) {
    procs.push(startService('edge', cfg.path, { ...common, PENGUINCAST_PORT: String(p) }));
  }
  const ready = [
    `http://127.0.0.1:${ingestPort}/healthz`,
    `http://127.0.0.1:${adminPort}/healthz`,
    ...edgePorts.map((p) => `http://127.0.0.1:${p}/healthz`),
  ];
  await Promise.all(ready.map((u) => waitForHttp(u, 30_000, 200))).catch((err: Error) => {
    throw new Error(`${err.message}\n${procs.map((p) => p.output()).join('\n')}`);
  });
  bus = await connectNatsBus({ servers: nats.url, name: 'e2e-test' });
});

after(async () => {
  await bus?.close();
  await Promise.all(procs.map((p) => p.stop()));
  await nats?.stop();
  await redis?.stop();
});

test(
  'ffmpeg through edge A, 100 listeners over two edges for 30 s: clean audio, framing, titles',
  { timeout: 180_000 },
  async () => {
    const subjects = new Subjects(PREFIX);
    const changes: TitleChange[] = [];
    const sub = bus!.subscribe(subjects.meta('/live.mp3'), (m) => {
      changes.push(decodeTitleChange(m.data));
    });
    const source = startFfmpegSource({
      url: `icecast://source:hackme@127.0.0.1:${edgePorts[0]}/live.mp3`,
      codec: 'mp3',
      bitrate: 128,
      iceName: 'Cluster stream',
    });
    try {
      for (const p of edgePorts) {
        await waitForHttp(`http://127.0.0.1:${p}/live.mp3`, 20_000, 200).catch((err: Error) => {
          throw new Error(`${err.message}\nffmpeg: ${source.log()}`);
        });
      }
      // Let a burst's worth of audio build up, so listeners start with a full burst.
      const dumpPath = join(dir, 'log', 'cluster-dump.mp3');
      await waitFor(
        () => existsSync(dumpPath) && statSync(dumpPath).size >= DEFAULT_BURST_SIZE,
        15_000,
        'a burst of audio published',
      );
      const handles = Array.from({ length: LISTENERS }, (_, i) =>
        openListener(`http://127.0.0.1:${edgePorts[i % 2]}/live.mp3`, {
          metadata: true,
          durationMs: LISTEN_MS,
          userAgent: `e2e-${i}`,
        }),
      );
      await Promise.all(handles.map((h) => h.response));
      // The listeners record ten seconds before the title changes.
      await sleep(10_000);
      const title = `Cluster title ${Date.now()}`;
      const reply = await bus!.request(
        subjects.ctl('metadata-update'),
        encodeControlCommand({ type: 'metadata-update', mount: '/live.mp3', title }),
        { timeoutMs: 3000 },
      );
      const decoded = decodeControlReply(reply.data);
      assert.equal(decoded.type, 'metadata-update');
      const results: ListenResult[] = await Promise.all(handles.map((h) => h.done));
      await source.stop();
      // The dump is written through a stream: wait until it holds what every listener got.
      await waitFor(
        () => dumpHolds(readFileSync(dumpPath), results),
        10_000,
        "the dump file to hold every listener's audio",
      );
      const change: TitleChange | undefined = changes.find((c) => c.title === title);
      assert.ok(change !== undefined, `no TitleChange for ${title}`);
      const position = change.position;
      const dump = readFileSync(dumpPath);
      let totalAudio = 0;
      for (const [i, r] of results.entries()) {
        assert.equal(r.status, 200, `listener ${i}`);
        assert.deepEqual(r.framingErrors, [], `listener ${i} framing`);
        assert.ok(r.audio.length > 400_000, `listener ${i} got only ${r.audio.length} bytes`);
        totalAudio += r.audio.length;
        const check = await mp3check(r.audio);
        assert.ok(check.ok, `listener ${i} mp3check: ${check.output}`);
        const start = streamStart(dump, r.audio);
        assert.ok(start >= 0, `listener ${i} audio is not the source's audio`);
        const range = { lo: position, hi: position };
        assert.deepEqual(titleProblems(r, start, title, range, METAINT), [], `listener ${i}`);
      }
      assert.ok(totalAudio > LISTENERS * 400_000);
    } finally {
      sub.unsubscribe();
      await source.stop();
    }
  },
);

/** True when `dump` holds the first and the last 4 KiB of every listener's audio. */
function dumpHolds(dump: Buffer, results: readonly ListenResult[]): boolean {
  return results.every(
    (r) => dump.includes(r.audio.subarray(0, 4096)) && dump.includes(r.audio.subarray(-4096)),
  );
}
