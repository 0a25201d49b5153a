/**
 * Relaying a real Icecast 2.4 end to end: ffmpeg feeds Icecast, the `penguincast` command pulls
 * one mount as a `Relay` and mirrors every mount through `Master` (Icecast's stream list with its
 * relay credentials). Listeners of both get clean MP3 and Icecast's titles; when Icecast is
 * killed and comes back, relay listeners stay connected, the first retry comes within 2 s, and
 * they hear the upstream (and its new title) again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  freePort,
  freePortPair,
  mp3check,
  openListener,
  startFfmpegSource,
  waitFor,
  type FfmpegSourceHandle,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from './harness.js';
import { ICECAST_AUTH, logLines, startIcecast, timeOf, type IcecastHandle } from './icecast.js';

const METAINT = 8192;
let icecast: IcecastHandle | undefined;
let ffmpeg: FfmpegSourceHandle | undefined;
let station: ServiceProcess | undefined;
let port = 0;

function feedIcecast(): FfmpegSourceHandle {
  return startFfmpegSource({
    url: `icecast://source:${ICECAST_AUTH.source}@127.0.0.1:${icecast!.port}/live.mp3`,
    codec: 'mp3',
    bitrate: 128,
    iceName: 'Icecast upstream',
  });
}

/** Sets the title once Icecast has the mount (it answers 400 until the source is in). */
async function setUpstreamTitle(title: string): Promise<void> {
  await waitFor(
    async () => (await icecast!.setTitle('/live.mp3', title)) === 200,
    { timeoutMs: 10_000, intervalMs: 200 },
    `Icecast to take the title ${title}`,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; ffmpeg: ${ffmpeg?.log()}`);
  });
}

before(async () => {
  icecast = await startIcecast(await freePort());
  ffmpeg = feedIcecast();
  await setUpstreamTitle('Upstream title 1');
  port = await freePortPair();
  const cfg = writeConfig({
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Sources: 4, SourceGracePeriod: 8 },
    Auth: { AdminPassword: 'adminpw' },
    Master: {
      Url: icecast.url,
      User: ICECAST_AUTH.relayUser,
      Password: ICECAST_AUTH.relayPassword,
      Interval: 5,
    },
    Mounts: [
      {
        Name: '/relay.mp3',
        Password: 'relaypw',
        MetaInt: METAINT,
        Relay: { Url: `${icecast.url}/live.mp3` },
      },
    ],
  });
  station = startService(undefined, cfg.path, { PENGUINCAST_LOG_DIR: join(cfg.dir, 'log') });
  await waitForHttp(`http://127.0.0.1:${port}/relay.mp3`, 30_000, 200).catch((err: Error) => {
    throw new Error(`${err.message}\n${station?.output()}`);
  });
});

after(async () => {
  await station?.stop();
  await ffmpeg?.stop();
  await icecast?.stop();
});

test(
  'a Relay and a Master mirror of Icecast: clean MP3 and Icecast titles',
  { timeout: 60_000 },
  async () => {
    await waitForHttp(`http://127.0.0.1:${port}/live.mp3`, 15_000, 200);
    const handles = ['/relay.mp3', '/live.mp3'].map((m) =>
      openListener(`http://127.0.0.1:${port}${m}`, {
        metadata: true,
        durationMs: 6_000,
        strict: false,
      }),
    );
    const results = await Promise.all(handles.map((h) => h.done));
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 200, `listener ${i}`);
      assert.equal(r.headers['icy-name'], 'Icecast upstream', `listener ${i}`);
      assert.deepEqual(r.framingErrors, [], `listener ${i}`);
      assert.ok(r.audio.length > 60_000, `listener ${i} got only ${r.audio.length} bytes`);
      const check = await mp3check(r.audio);
      assert.ok(check.ok, `listener ${i} mp3check: ${check.output}`);
      assert.ok(
        r.titles.some((t) => t.title === 'Upstream title 1'),
        `listener ${i} titles ${JSON.stringify(r.titles)}`,
      );
    }
  },
);

test(
  'Icecast killed and restarted: listeners stay, first retry under 2 s, audio and titles resume',
  { timeout: 60_000 },
  async () => {
    const url = `http://127.0.0.1:${port}/relay.mp3`;
    const listener = openListener(url, { metadata: true, durationMs: 16_000 });
    await waitFor(() => listener.audioBytes > 0, 10_000, 'audio before the kill').catch(
      () => undefined,
    );
    assert.ok(listener.audioBytes > 0, 'audio before the kill');
    const killedAt = Date.now();
    await icecast!.kill();
    await ffmpeg!.stop();
    await icecast!.restart();
    ffmpeg = feedIcecast();
    await setUpstreamTitle('Upstream title 2');
    const bytesAtRestart = listener.audioBytes;
    const r = await listener.done;
    assert.equal(r.endReason, 'duration', 'the listener was never disconnected');
    assert.deepEqual(r.framingErrors, []);
    assert.ok(r.audio.length > bytesAtRestart + 40_000, 'audio after the upstream came back');
    const check = await mp3check(r.audio);
    assert.ok(check.ok, `mp3check: ${check.output}`);
    assert.ok(
      r.titles.some((t) => t.title === 'Upstream title 2' && t.audioOffset > bytesAtRestart / 2),
      `titles ${JSON.stringify(r.titles)}`,
    );
    const lines = logLines(station!.output()).filter(
      (l) => l['mount'] === '/relay.mp3' && timeOf(l) >= killedAt,
    );
    const lost = lines.find((l) => l['msg'] === 'relay connection lost');
    assert.ok(lost !== undefined, 'the relay saw the upstream drop');
    const retry = lines.find((l) => l['msg'] === 'relay connecting' && timeOf(l) >= timeOf(lost));
    assert.ok(retry !== undefined, 'the relay retried');
    const retryMs = timeOf(retry) - timeOf(lost);
    assert.ok(retryMs < 2_000, `first retry after ${retryMs} ms`);
    const back = lines.find((l) => l['msg'] === 'relay connected');
    assert.ok(back !== undefined, 'the relay connected again');
    process.stdout.write(
      `# relay: first retry ${retryMs} ms after the drop, upstream again after ${String(back['downMs'])} ms\n`,
    );
  },
);
