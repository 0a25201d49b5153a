/**
 * A real encoder: ffmpeg streams MP3 to ingest as an Icecast source. Every published chunk must
 * hold whole frames, with contiguous positions and sequence numbers, and the audio must pass
 * mp3check; announcements, events and mount info describe the source.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Keys } from '@penguincast/bus';
import { Mp3Splitter } from '@penguincast/icy';
import { mp3check, startFfmpegSource, waitFor } from '@penguincast/testkit';
import { startIngest, type TestIngest } from './harness.js';

let ing: TestIngest;

before(async () => {
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

test('ffmpeg MP3 source: whole frames, contiguous, clean audio', { timeout: 30_000 }, async () => {
  const ffmpeg = startFfmpegSource({
    codec: 'mp3',
    url: `icecast://source:livepw@127.0.0.1:${ing.port}/live.mp3`,
    seconds: 3,
    iceName: 'Penguin FM',
    iceGenre: 'Test',
    userAgent: 'ffmpeg-test',
  });
  try {
    const up = await waitFor(() => ing.rec.sources.find((s) => s.state === 'up'), 10_000, 'up');
    assert.equal(up.mount, '/live.mp3');
    assert.equal(up.info['ice-name'], 'Penguin FM');
    assert.equal(up.info['ice-genre'], 'Test');
    assert.equal(up.userAgent, 'ffmpeg-test');
    assert.equal(up.sourceIp, '127.0.0.1');
    assert.equal(up.instanceId, 'test-ingest');

    // Mount info is written while the source is live.
    const hash = await waitFor(
      () => ing.state.getHash(new Keys().mountInfo('/live.mp3')),
      2_000,
      'mount info',
    );
    assert.equal(hash?.['session'], up.session);
    assert.equal(hash?.['content_type'], 'audio/mpeg');
    assert.equal(hash?.['source_ip'], '127.0.0.1');

    const code = await ffmpeg.exited;
    assert.equal(code, 0, ffmpeg.log());
  } finally {
    await ffmpeg.stop();
  }
  const down = await waitFor(() => ing.rec.sources.find((s) => s.state === 'down'), 5_000, 'down');
  const chunks = ing.rec.audio;
  assert.ok(chunks.length > 10, `${chunks.length} chunks`);
  const audio = ing.rec.bytesOf(down.session);
  // Re-split the whole stream: its frame starts must include every chunk start, and each
  // chunk must hold exactly the frames it claims.
  const splitter = new Mp3Splitter();
  const a = splitter.push(audio);
  const b = splitter.flush();
  assert.equal(a.skippedBytes + b.skippedBytes, 0, 'no junk anywhere');
  const starts = new Set<number>([
    ...a.frames.map((f) => f.offset),
    ...b.frames.map((f) => a.data.length + f.offset),
  ]);
  assert.equal(a.data.length + b.data.length, audio.length, 'whole frames only');
  let position = 0;
  chunks.forEach((c, i) => {
    assert.equal(c.session, down.session);
    assert.equal(c.seq, i, 'seq is contiguous');
    assert.equal(c.position, position, 'positions are contiguous');
    assert.equal(c.contentType, 'audio/mpeg');
    assert.equal(c.sampleRate, 44100);
    assert.equal(c.samples, (c.frames ?? 0) * 1152);
    assert.ok(starts.has(c.position), `chunk ${i} starts on a frame boundary`);
    let inChunk = 0;
    for (let p = c.position; p < c.position + c.data.length; p++) {
      inChunk += starts.has(p) ? 1 : 0;
    }
    assert.equal(inChunk, c.frames, `chunk ${i} frame count`);
    position += c.data.length;
  });
  assert.ok(starts.has(position) || position === audio.length);
  assert.equal(down.position, position);
  const check = await mp3check(audio, { strictEnd: true });
  assert.ok(check.ok, check.output);
  // About 3 s of 128 kbit/s.
  assert.ok(audio.length > 40_000, `${audio.length} bytes`);

  const connect = ing.rec.events.find((e) => e.action === 'connect');
  const disconnect = ing.rec.events.find((e) => e.action === 'disconnect');
  assert.equal(connect?.role, 'source');
  assert.equal(connect?.request, 'PUT /live.mp3 HTTP/1.1');
  assert.ok((disconnect?.bytes ?? 0) >= audio.length);
  assert.ok((disconnect?.seconds ?? 0) >= 2);
  // The holder removed its mount info and lease when the source left.
  await waitFor(
    async () => (await ing.state.getHash(new Keys().mountInfo('/live.mp3'))) === null,
    2_000,
    'mount info removed',
  );
  assert.equal(await ing.state.leaseOwner(new Keys().mountLease('/live.mp3')), null);
});
