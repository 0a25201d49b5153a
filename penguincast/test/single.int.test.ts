/**
 * The single process end to end: the real `penguincast --config` command, a real ffmpeg source
 * pushing MP3 over icecast://, real listeners checked with mp3check and a strict ICY parser, and
 * a SHOUTcast-style title update that must reach each listener at its stream position.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { DEFAULT_BURST_SIZE } from '@penguincast/config';
import { join } from 'node:path';
import {
  freePortPair,
  listen,
  mp3check,
  openListener,
  sleep,
  startFfmpegSource,
  waitFor,
  type ListenResult,
} from '@penguincast/testkit';
import {
  startService,
  streamStart,
  titleProblems,
  waitForHttp,
  writeConfig,
  type ServiceProcess,
} from './harness.js';

const METAINT = 8192;
let port = 0;
let dir = '';
let station: ServiceProcess | undefined;

before(async () => {
  port = await freePortPair();
  const cfg = writeConfig({
    Name: 'E2E radio',
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Clients: 200, Sources: 3, SourceGracePeriod: 5 },
    Auth: { AdminPassword: 'adminpw' },
    Logging: { Loglevel: 3 },
    Mounts: [
      {
        Name: '/live.mp3',
        User: 'source',
        Password: 'hackme',
        Genre: 'Test',
        MetaInt: METAINT,
        DumpFile: 'live-dump.mp3',
      },
    ],
  });
  dir = cfg.dir;
  // Paths.Log is relative to the working directory, so the process runs in the temp folder.
  station = startService(undefined, cfg.path, { PENGUINCAST_LOG_DIR: join(dir, 'log') });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, 200).catch((err: Error) => {
    throw new Error(`${err.message}\n${station?.output()}`);
  });
});

after(async () => {
  await station?.stop();
});

test('a mount with no source answers 404', { timeout: 10_000 }, async () => {
  const r = await listen(`http://127.0.0.1:${port}/nothing.mp3`, { durationMs: 2000 });
  assert.equal(r.status, 404);
});

test(
  'ffmpeg source, 20 listeners: clean MP3 from the first byte, strict ICY, titles at position',
  { timeout: 120_000 },
  async () => {
    const source = startFfmpegSource({
      url: `icecast://source:hackme@127.0.0.1:${port}/live.mp3`,
      codec: 'mp3',
      bitrate: 128,
      iceName: 'E2E stream',
      iceGenre: 'Test',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/live.mp3`, 20_000, 200).catch((err: Error) => {
        throw new Error(`${err.message}\nffmpeg: ${source.log()}\n${station?.output()}`);
      });
      // Let a burst's worth of audio build up, so listeners start with a full burst.
      const dumpPath = join(dir, 'log', 'live-dump.mp3');
      await waitFor(
        () => existsSync(dumpPath) && statSync(dumpPath).size >= DEFAULT_BURST_SIZE,
        15_000,
        'a burst of audio published',
      );
      const url = `http://127.0.0.1:${port}/live.mp3`;
      const handles = Array.from({ length: 20 }, (_, i) =>
        openListener(url, { metadata: true, durationMs: 12_000, userAgent: `e2e-${i}` }),
      );
      const head = await handles[0]!.response;
      assert.equal(head.status, 200);
      assert.equal(head.headers['icy-metaint'], String(METAINT));
      assert.equal(head.headers['content-type'], 'audio/mpeg');
      assert.equal(head.headers['icy-name'], 'E2E stream');
      assert.equal(head.headers['access-control-allow-origin'], '*');

      // The listeners record five seconds before the title changes.
      await sleep(5000);
      const before = statSync(dumpPath).size;
      const title = `Artist ${Date.now()} - It's a "test"`;
      const upd = await fetch(
        `http://127.0.0.1:${port}/admin.cgi?mode=updinfo&mount=/live.mp3&pass=hackme&song=${encodeURIComponent(title)}`,
      );
      assert.equal(upd.status, 200, await upd.text());
      const afterUpdate = statSync(dumpPath).size;

      const results: ListenResult[] = await Promise.all(handles.map((h) => h.done));
      await source.stop();
      // The dump is written through a stream: wait until it holds what every listener got.
      await waitFor(
        () => dumpHolds(readFileSync(dumpPath), results),
        10_000,
        "the dump file to hold every listener's audio",
      );
      const dump = readFileSync(dumpPath);
      const expectedTitle = title.replace(/'/g, '\u2019');
      for (const [i, r] of results.entries()) {
        assert.deepEqual(r.framingErrors, [], `listener ${i} framing`);
        assert.ok(r.audio.length > 150_000, `listener ${i} got only ${r.audio.length} bytes`);
        const check = await mp3check(r.audio);
        assert.ok(check.ok, `listener ${i} mp3check: ${check.output}`);
        const start = streamStart(dump, r.audio);
        assert.ok(start >= 0, `listener ${i} audio is not the source's audio`);
        // The title took effect between the two dump sizes; the dump file is written through
        // a stream, so allow one read's worth of lag on the upper bound.
        const range = { lo: before, hi: afterUpdate + 4096 };
        assert.deepEqual(
          titleProblems(r, start, expectedTitle, range, METAINT),
          [],
          `listener ${i}`,
        );
      }
    } finally {
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
