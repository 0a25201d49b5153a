/**
 * Intros: each new listener of a mount with `Intro` gets the file's whole frames first, then the
 * burst and live audio, with ICY framing counted across both; an intro in another codec than
 * the stream, or one that cannot be read, is left out rather than breaking the mount.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { Mp3Splitter } from '@penguincast/icy';
import { listen, makeTestAudio, mp3check } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

let h: EdgeHarness;
let ingest: TestIngest;
let intro: Buffer;
const pubs: LiveSource[] = [];

before(async () => {
  const introPath = await makeTestAudio({ codec: 'mp3', seconds: 1, frequency: 880 });
  const split = new Mp3Splitter();
  intro = Buffer.concat([split.push(readFileSync(introPath)).data, split.flush().data]);
  const aacIntro = await makeTestAudio({ codec: 'aac', seconds: 1 });
  const config = {
    Mounts: [
      { Name: '/with-intro.mp3', Password: 'p', MetaInt: 1000, Intro: introPath },
      { Name: '/aac-intro.mp3', Password: 'p', Intro: aacIntro },
      { Name: '/lost-intro.mp3', Password: 'p', Intro: join(tmpdir(), 'pc-no-intro.mp3') },
    ],
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  for (const mount of ['/with-intro.mp3', '/aac-intro.mp3', '/lost-intro.mp3']) {
    const pub = new LiveSource({ ingest, mount, file, prerollMs: 2000, initialTitle: 'Live now' });
    await pub.start();
    pubs.push(pub);
  }
  await h.bus.flush();
});

after(async () => {
  for (const p of pubs) {
    await p.stop();
  }
  await ingest.stop();
  await h.stop();
});

test('the intro comes first, whole frames, with ICY framing across it', T, async () => {
  const r = await listen(h.url('/with-intro.mp3'), { metadata: true, durationMs: 2500 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.framingErrors, []);
  assert.ok(r.audio.length > intro.length + 20_000, `only ${r.audio.length} bytes`);
  assert.ok(r.audio.subarray(0, intro.length).equals(intro), 'the intro first');
  const live = pubs[0]!.audio();
  const after = r.audio.subarray(intro.length, intro.length + 4096);
  assert.ok(live.indexOf(after) >= 0, 'then the stream, from a frame boundary');
  // The first block (at 1000 bytes, inside the intro) already names what follows it.
  assert.equal(r.titles[0]?.title, 'Live now');
  assert.ok((r.titles[0]?.audioOffset ?? Infinity) <= 1000);
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
});

test('an intro of another codec, or an unreadable one, is left out', T, async () => {
  for (const [i, mount] of [
    [1, '/aac-intro.mp3'],
    [2, '/lost-intro.mp3'],
  ] as const) {
    const r = await listen(h.url(mount), { durationMs: 800 });
    assert.equal(r.status, 200);
    assert.ok(pubs[i]!.audio().indexOf(r.audio.subarray(0, 4096)) >= 0, `${mount} starts live`);
  }
  assert.ok(h.lines.some((l) => l['msg'] === 'cannot load the intro; serving without it'));
  assert.ok(h.lines.some((l) => l['msg'] === 'intro codec differs from the stream; sending none'));
});
