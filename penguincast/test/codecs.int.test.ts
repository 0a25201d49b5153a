/**
 * The single process with real ffmpeg sources of every codec a station sends: AAC (ADTS), Ogg
 * Vorbis and Ogg Opus listeners' recordings must decode in ffmpeg with no error from their first
 * byte; and an MP3 encoder that drops and reconnects within the grace period keeps its
 * listeners connected and receiving.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_BURST_SIZE } from '@penguincast/config';
import {
  decodeCheck,
  freePortPair,
  mp3check,
  openListener,
  sleep,
  startFfmpegSource,
  waitFor,
  type TestCodec,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from './harness.js';

let port = 0;
let station: ServiceProcess | undefined;
let dir = '';

/**
 * Waits until `mount` has published more than a burst of audio, so a listener joining now
 * starts mid-stream rather than at the stream's first byte.
 */
async function burstPublished(mount: string): Promise<void> {
  const dump = join(dir, 'log', `${mount.slice(1)}.dump`);
  await waitFor(
    () => existsSync(dump) && statSync(dump).size > DEFAULT_BURST_SIZE,
    20_000,
    `a burst of audio published on ${mount}`,
  );
}

const CASES: Array<{ codec: TestCodec; mount: string; format: string }> = [
  { codec: 'aac', mount: '/aac.aac', format: 'aac' },
  { codec: 'vorbis', mount: '/vorbis.ogg', format: 'ogg' },
  { codec: 'opus', mount: '/opus.opus', format: 'ogg' },
];

before(async () => {
  port = await freePortPair();
  const cfg = writeConfig({
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Sources: 5, SourceGracePeriod: 8 },
    Auth: { AdminPassword: 'adminpw', SourcePassword: 'srcpw' },
    // Dump files show how much audio each mount has published, so tests wait for that.
    Mounts: [...CASES.map((c) => c.mount), '/handover.mp3'].map((Name) => ({
      Name,
      Password: 'srcpw',
      DumpFile: `${Name.slice(1)}.dump`,
    })),
  });
  dir = cfg.dir;
  station = startService(undefined, cfg.path, { PENGUINCAST_LOG_DIR: `${cfg.dir}/log` });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, 200);
});

after(async () => {
  await station?.stop();
});

for (const c of CASES) {
  test(
    `${c.codec}: a listener joining mid-stream decodes cleanly from its first byte`,
    {
      timeout: 60_000,
    },
    async () => {
      const source = startFfmpegSource({
        url: `icecast://source:srcpw@127.0.0.1:${port}${c.mount}`,
        codec: c.codec,
      });
      try {
        await waitForHttp(`http://127.0.0.1:${port}${c.mount}`, 20_000, 200).catch((err: Error) => {
          throw new Error(`${err.message}\nffmpeg: ${source.log()}`);
        });
        await burstPublished(c.mount);
        const r = await openListener(`http://127.0.0.1:${port}${c.mount}`, {
          metadata: true,
          durationMs: 5000,
        }).done;
        assert.equal(r.status, 200);
        assert.deepEqual(r.framingErrors, []);
        assert.ok(r.audio.length > 10_000, `only ${r.audio.length} bytes`);
        const check = await decodeCheck(r.audio, c.format);
        assert.deepEqual(check.errors, [], `${c.codec} decode errors`);
      } finally {
        await source.stop();
      }
    },
  );
}

test(
  'an encoder that reconnects within the grace period keeps its listeners',
  {
    timeout: 90_000,
  },
  async () => {
    const url = `icecast://source:srcpw@127.0.0.1:${port}/handover.mp3`;
    let source = startFfmpegSource({ url, codec: 'mp3' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/handover.mp3`, 20_000, 200);
      await burstPublished('/handover.mp3');
      const listeners = Array.from({ length: 5 }, () =>
        openListener(`http://127.0.0.1:${port}/handover.mp3`, {
          metadata: true,
          durationMs: 14_000,
        }),
      );
      await Promise.all(listeners.map((l) => l.response));
      await waitFor(
        () => listeners.every((l) => l.audioBytes > DEFAULT_BURST_SIZE),
        10_000,
        'every listener receiving audio past its burst',
      );
      const before = listeners.map((l) => l.audioBytes);
      await source.stop();
      // The encoder stays away for 1.5 s, within the 8 s grace period: the time is the scenario.
      await sleep(1500);
      source = startFfmpegSource({ url, codec: 'mp3' });
      const results = await Promise.all(listeners.map((l) => l.done));
      for (const [i, r] of results.entries()) {
        assert.equal(r.endReason, 'duration', `listener ${i} ended early: ${r.endReason}`);
        assert.deepEqual(r.framingErrors, [], `listener ${i} framing`);
        // About 7 s of audio after the reconnect at 16 kB/s, less start-up: well over 40 kB.
        const after = r.audio.length - before[i]!;
        assert.ok(after > 40_000, `listener ${i} got only ${after} bytes after the reconnect`);
        const check = await mp3check(r.audio);
        assert.ok(check.ok, `listener ${i} mp3check: ${check.output}`);
      }
    } finally {
      await source.stop();
    }
  },
);
