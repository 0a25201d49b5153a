/**
 * Fallbacks with real sources end to end: listeners of `/main.mp3` hear its intro, then the live
 * source; when it drops they move to `/backup.mp3` (its `Fallback`), when that drops too to a
 * file looped in real time (`/offair.mp3`, a `File` mount), and when the main source returns
 * (`FallbackOverride`) back to it. Nobody is disconnected, every recording is clean MP3 from its
 * first byte, ICY framing stays valid across each switch, and titles follow the moves.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Mp3Splitter } from '@penguincast/icy';
import {
  freePortPair,
  makeTestAudio,
  mp3check,
  openListener,
  startFfmpegSource,
  sleep,
  waitFor,
  type FfmpegSourceHandle,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from './harness.js';
import { sourceSequence } from './icecast.js';

const METAINT = 8192;
let station: ServiceProcess | undefined;
let port = 0;
let dir = '';
let intro: Buffer;
let offair: Buffer;
const sources: FfmpegSourceHandle[] = [];

function frames(path: string): Buffer {
  const split = new Mp3Splitter();
  return Buffer.concat([split.push(readFileSync(path)).data, split.flush().data]);
}

function feed(mount: string, frequency: number): FfmpegSourceHandle {
  const src = startFfmpegSource({
    url: `icecast://source:hackme@127.0.0.1:${port}${mount}`,
    codec: 'mp3',
    bitrate: 128,
    frequency,
    iceName: `Station ${mount}`,
  });
  sources.push(src);
  return src;
}

async function setTitle(mount: string, title: string): Promise<void> {
  const q = new URLSearchParams({ mode: 'updinfo', mount, pass: 'hackme', song: title });
  const res = await fetch(`http://127.0.0.1:${port}/admin.cgi?${q.toString()}`);
  assert.equal(res.status, 200, await res.text());
}

/** The title of each visible mount, as `/status-json.xsl` shows it. */
async function statusTitles(): Promise<Record<string, string>> {
  const res = await fetch(`http://127.0.0.1:${port}/status-json.xsl`, {
    signal: AbortSignal.timeout(2_000),
  });
  const doc = (await res.json()) as { icestats: { source?: unknown } };
  const src = doc.icestats.source;
  const list = (Array.isArray(src) ? src : src === undefined ? [] : [src]) as Array<{
    listenurl?: string;
    title?: unknown;
  }>;
  return Object.fromEntries(
    list.map((m) => [new URL(String(m.listenurl)).pathname, String(m.title ?? '')]),
  );
}

/** Waits until `mount` is served by its own source (a fallback would answer 200 too). */
async function waitForSource(mount: string): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}${mount}`, {
        method: 'HEAD',
        signal: AbortSignal.timeout(1_000),
      });
      await res.body?.cancel();
      return res.headers.get('icy-name') === `Station ${mount}`;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  ).catch(() => {
    throw new Error(`${mount} has no source\n${station?.output().slice(-5000)}`);
  });
}

before(async () => {
  const introPath = await makeTestAudio({ codec: 'mp3', seconds: 1, frequency: 880 });
  const offairPath = await makeTestAudio({ codec: 'mp3', seconds: 4, frequency: 330 });
  intro = frames(introPath);
  offair = frames(offairPath);
  port = await freePortPair();
  const cfg = writeConfig({
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Sources: 4, SourceGracePeriod: 1 },
    Auth: { AdminPassword: 'adminpw' },
    Mounts: [
      {
        Name: '/main.mp3',
        Password: 'hackme',
        MetaInt: METAINT,
        Fallback: '/backup.mp3',
        FallbackOverride: true,
        Intro: introPath,
        DumpFile: 'main.mp3',
      },
      { Name: '/backup.mp3', Password: 'hackme', Fallback: '/offair.mp3', DumpFile: 'backup.mp3' },
      { Name: '/offair.mp3', Password: 'hackme', File: offairPath, Hidden: true },
    ],
  });
  dir = cfg.dir;
  station = startService(undefined, cfg.path, { PENGUINCAST_LOG_DIR: join(dir, 'log') });
  await waitForHttp(`http://127.0.0.1:${port}/offair.mp3`, 30_000, 200).catch((err: Error) => {
    throw new Error(`${err.message}\n${station?.output()}`);
  });
});

after(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  await station?.stop();
});

test(
  'main → backup → file loop → main: no disconnect, clean frames, valid ICY, titles follow',
  { timeout: 90_000 },
  async () => {
    const main = feed('/main.mp3', 440);
    const backup = feed('/backup.mp3', 660);
    await waitForSource('/main.mp3');
    await waitForSource('/backup.mp3');
    await setTitle('/main.mp3', 'Main show');
    await setTitle('/backup.mp3', 'Backup show');
    await waitFor(
      async () => {
        const t = await statusTitles();
        return t['/main.mp3'] === 'Main show' && t['/backup.mp3'] === 'Backup show';
      },
      { timeoutMs: 10_000, intervalMs: 100 },
      'both titles in status-json',
    );
    const url = `http://127.0.0.1:${port}/main.mp3`;
    const withMeta = openListener(url, { metadata: true, durationMs: 19_000 });
    const plain = openListener(url, { durationMs: 19_000 });
    await sleep(3_000);
    await main.stop();
    await sleep(4_000);
    await backup.stop();
    await sleep(4_000);
    feed('/main.mp3', 440);
    await waitForSource('/main.mp3');
    await setTitle('/main.mp3', 'Main again');
    const results = [await withMeta.done, await plain.done];
    const dumps = {
      intro,
      main: readFileSync(join(dir, 'log', 'main.mp3')),
      backup: readFileSync(join(dir, 'log', 'backup.mp3')),
      offair,
    };
    for (const [i, r] of results.entries()) {
      assert.equal(r.status, 200, `listener ${i}`);
      assert.equal(r.endReason, 'duration', `listener ${i} was never disconnected`);
      assert.deepEqual(r.framingErrors, [], `listener ${i}`);
      const check = await mp3check(r.audio);
      assert.ok(check.ok, `listener ${i} mp3check: ${check.output}`);
      assert.ok(r.audio.subarray(0, intro.length).equals(intro), `listener ${i}: the intro first`);
      assert.deepEqual(
        sourceSequence(r.audio, dumps),
        ['intro', 'main', 'backup', 'offair', 'main'],
        `listener ${i} heard the sources in order`,
      );
    }
    const titles = results[0]!.titles.map((t) => t.title);
    const at = (t: string): number => titles.indexOf(t);
    assert.ok(at('Main show') >= 0, JSON.stringify(titles));
    assert.ok(at('Backup show') > at('Main show'), JSON.stringify(titles));
    assert.ok(at('Main again') > at('Backup show'), JSON.stringify(titles));
  },
);
