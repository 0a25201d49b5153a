/**
 * File-loop mounts: the file's frames are published in a loop at their real duration (a second
 * of lead, no more), the mount is announced like any source, an encoder cannot take it, and a
 * missing file is retried rather than crashing the service.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Mp3Splitter } from '@penguincast/icy';
import { makeTestAudio, rawClient, sleep, waitFor } from '@penguincast/testkit';
import { loadLoopAudio } from '../src/file-loop.js';
import { sourceHead, startIngest, statusLine, testStation, type TestIngest } from './harness.js';

const T = { timeout: 20_000 };
let ing: TestIngest;
let path = '';
let fileAudio: Buffer;

before(async () => {
  path = await makeTestAudio({ codec: 'mp3', seconds: 2 });
  const split = new Mp3Splitter();
  fileAudio = Buffer.concat([split.push(readFileSync(path)).data, split.flush().data]);
  ing = await startIngest({
    station: testStation({
      Mounts: [
        { Name: '/loop.mp3', Password: 'looppw', File: path },
        { Name: '/missing.mp3', Password: 'p', File: join(tmpdir(), 'pc-no-such-file.mp3') },
      ],
    }),
  });
});

after(async () => {
  await ing?.stop();
});

test('loadLoopAudio keeps whole frames with their durations', T, async () => {
  const audio = await loadLoopAudio(path);
  assert.equal(audio.contentType, 'audio/mpeg');
  assert.ok(Buffer.from(audio.data).equals(fileAudio));
  assert.equal(audio.ends[audio.ends.length - 1], audio.data.length);
  assert.ok(Math.abs(audio.totalMs - 2_000) < 60, `${audio.totalMs} ms`);
  const dir = mkdtempSync(join(tmpdir(), 'pc-loop-'));
  writeFileSync(join(dir, 'x.txt'), 'not audio');
  await assert.rejects(loadLoopAudio(join(dir, 'x.txt')), /can be paced/);
  writeFileSync(join(dir, 'junk.mp3'), Buffer.alloc(5000, 7));
  await assert.rejects(loadLoopAudio(join(dir, 'junk.mp3')), /no audio frames/);
});

test('the file plays in a loop in real time, as a source', T, async () => {
  const upMsg = await waitFor(
    () => ing.rec.sources.find((s) => s.mount === '/loop.mp3' && s.state === 'up'),
    5_000,
    'file loop up',
  );
  // Time is what this test checks: the pace over three seconds, long enough to wrap the 2 s file.
  await sleep(3_000);
  const chunks = ing.rec.chunksOf(upMsg.session);
  const seconds = chunks.reduce((n, c) => n + (c.samples ?? 0) / (c.sampleRate ?? 44100), 0);
  const elapsed = (Date.now() - upMsg.startedAtMs) / 1000;
  // Real time plus one second of lead: not faster (the file is 2 s, so it would be far ahead)
  // and not slower, with slack for a busy machine.
  assert.ok(seconds <= elapsed + 1.5, `${seconds} s published after ${elapsed} s`);
  assert.ok(seconds >= elapsed, `${seconds} s published after ${elapsed} s`);
  const bytes = ing.rec.bytesOf(upMsg.session);
  assert.ok(bytes.length > fileAudio.length, 'the file wrapped around');
  assert.ok(bytes.subarray(0, fileAudio.length).equals(fileAudio), 'first pass = the file');
  const wrap = bytes.subarray(fileAudio.length);
  assert.ok(fileAudio.subarray(0, wrap.length).equals(wrap), 'second pass starts over');
  assert.equal(upMsg.audio.bitrateKbps, 128);
});

test('an encoder is refused on a file-loop mount', T, async () => {
  const c = await rawClient(ing.port, sourceHead('/loop.mp3', { password: 'looppw' }));
  const reply = await c.closed;
  assert.equal(statusLine(reply), 'HTTP/1.0 403 Forbidden');
  assert.match(reply, /Mountpoint in use/);
});

test('a missing loop file is logged once and nothing is published', T, async () => {
  await waitFor(() => ing.logs.find('cannot play the loop file').length > 0, 3_000, 'log');
  assert.equal(ing.rec.sourcesOf('/missing.mp3').length, 0);
});
