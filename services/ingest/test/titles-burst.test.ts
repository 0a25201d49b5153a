/**
 * Titles and bursts: a `metadata-update` control command sets the title at the next frame's
 * position, Ogg Vorbis comment titles are read from the stream at their page's position, and a
 * burst request returns recent whole frames within the asked size with the current title.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  BusTimeoutError,
  NoRespondersError,
  decodeBurstReply,
  decodeControlReply,
  encodeBurstRequest,
  encodeControlCommand,
} from '@penguincast/bus';
import { Mp3Splitter, OggSplitter } from '@penguincast/icy';
import { decodeCheck, makeTestAudio, startFfmpegSource, waitFor } from '@penguincast/testkit';
import {
  loopingSource,
  sourceHead,
  startIngest,
  type LoopingSource,
  type TestIngest,
} from './harness.js';

let ing: TestIngest;
let mp3: Buffer;

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 3 }));
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

function published(session: string): number {
  return ing.rec.chunksOf(session).reduce((n, c) => n + c.data.length, 0);
}

describe('MP3 source with control titles and bursts', { timeout: 20_000 }, () => {
  let src: LoopingSource;
  let session: string;

  before(async () => {
    src = await loopingSource(ing.port, sourceHead('/live.mp3', { password: 'livepw' }), mp3, {
      everyMs: 10,
    });
    session = (await waitFor(() => ing.rec.sources.find((s) => s.state === 'up'), 5_000)).session;
    await waitFor(() => published(session) > 40_000, 10_000, 'audio');
  });

  after(() => src.stop());

  test('metadata-update sets the title at the next frame position', async () => {
    const before = published(session);
    const msg = await ing.bus.request(
      ing.subjects.ctl('metadata-update'),
      encodeControlCommand({ type: 'metadata-update', mount: 'live.mp3', title: 'Artist - Song' }),
      { timeoutMs: 2_000 },
    );
    const reply = decodeControlReply(msg.data);
    assert.deepEqual(reply, { type: 'metadata-update', instanceId: 'test-ingest', updated: true });
    await ing.bus.flush();
    const afterReply = published(session);
    const t = await waitFor(() => ing.rec.titles.find((x) => x.title === 'Artist - Song'), 2_000);
    assert.equal(t.mount, '/live.mp3');
    assert.equal(t.session, session);
    assert.equal(t.charset, 'UTF-8');
    assert.ok(t.position >= before && t.position <= afterReply, `${t.position} in range`);
    const boundaries = new Set(ing.rec.chunksOf(session).map((c) => c.position));
    await waitFor(() => published(session) > t.position, 2_000);
    assert.ok(boundaries.has(t.position) || published(session) >= t.position);
    const chunkAt = ing.rec.chunksOf(session).find((c) => c.position === t.position);
    assert.ok(chunkAt, 'the title starts where a chunk starts');
  });

  test('a metadata-update for a mount nobody holds gets no answer', async () => {
    await assert.rejects(
      ing.bus.request(
        ing.subjects.ctl('metadata-update'),
        encodeControlCommand({ type: 'metadata-update', mount: '/nobody', title: 'x' }),
        { timeoutMs: 300 },
      ),
      (err: unknown) => err instanceof BusTimeoutError || err instanceof NoRespondersError,
    );
  });

  test('a burst is whole recent frames within the asked size, with the title', async () => {
    for (const maxBytes of [10_000, undefined]) {
      const msg = await ing.bus.request(
        ing.subjects.burst('/live.mp3'),
        encodeBurstRequest({ mount: '/live.mp3', ...(maxBytes ? { maxBytes } : {}) }),
        { timeoutMs: 2_000 },
      );
      const burst = decodeBurstReply(msg.data);
      const limit = maxBytes ?? 16384;
      const bytes = Buffer.concat(burst.frames.map((f) => f.data));
      assert.ok(bytes.length <= limit, `${bytes.length} <= ${limit}`);
      assert.ok(bytes.length > limit - 1500, `${bytes.length} is nearly ${limit}`);
      assert.equal(burst.session, session);
      assert.equal(burst.contentType, 'audio/mpeg');
      assert.equal(burst.announcement?.session, session);
      assert.equal(burst.announcement?.state, 'up');
      let pos = burst.frames[0]!.position;
      for (const f of burst.frames) {
        assert.equal(f.position, pos, 'frames are contiguous');
        pos += f.data.length;
      }
      assert.equal(burst.endPosition, pos);
      // Starting on a frame boundary means the bytes split cleanly with nothing skipped.
      const s = new Mp3Splitter();
      const r1 = s.push(bytes);
      const r2 = s.flush();
      assert.equal(r1.skippedBytes + r2.skippedBytes, 0);
      assert.equal(r1.data.length + r2.data.length, bytes.length);
      assert.equal(burst.title?.title, 'Artist - Song');
      assert.ok(burst.titles.length >= 1);
      assert.ok(burst.nextSeq > 0);
    }
  });
});

test(
  'Ogg Vorbis: comment titles at their page position, headers announced',
  {
    timeout: 20_000,
  },
  async () => {
    const since = ing.rec.sources.length;
    const ffmpeg = startFfmpegSource({
      codec: 'vorbis',
      url: `icecast://source:sourcepw@127.0.0.1:${ing.port}/ogg`,
      seconds: 3,
      metadata: { title: 'Ogg Song', artist: 'Penguin' },
      // Short pages, so a burst has several to choose from.
      extraArgs: ['-page_duration', '100000'],
    });
    try {
      // While it streams, a burst starts after the codec headers, which travel separately.
      const live = await waitFor(
        () =>
          ing.rec.sources
            .slice(since)
            .find((x) => x.mount === '/ogg' && x.state === 'up' && x.headerPages.length > 0),
        10_000,
        'ogg headers',
      );
      await waitFor(() => ing.rec.chunksOf(live.session).length > 8, 5_000, 'ogg audio');
      const msg = await ing.bus.request(
        ing.subjects.burst('/ogg'),
        encodeBurstRequest({ mount: '/ogg', maxBytes: 8_000 }),
        { timeoutMs: 2_000 },
      );
      const burst = decodeBurstReply(msg.data);
      const headerBytes = live.headerPages[0]!.length;
      assert.deepEqual(
        burst.headerPages.map((p) => p.length),
        [headerBytes],
      );
      assert.ok(burst.frames.length > 0);
      assert.ok(burst.frames[0]!.position >= headerBytes, 'no header page inside the burst');
      const pages = new OggSplitter().push(Buffer.concat(burst.frames.map((f) => f.data)));
      assert.equal(pages.skippedBytes, 0, 'the burst is whole pages');
      assert.equal(await ffmpeg.exited, 0, ffmpeg.log());
    } finally {
      await ffmpeg.stop();
    }
    const ups = await waitFor(() => {
      const list = ing.rec.sources.slice(since).filter((s) => s.mount === '/ogg');
      return list.some((s) => s.state === 'down') && list;
    }, 5_000);
    const withHeaders = ups.find((s) => s.state === 'up' && s.headerPages.length > 0);
    assert.ok(withHeaders, 're-announced with header pages');
    assert.equal(withHeaders.audio.codec, 'vorbis');
    const session = withHeaders.session;
    const t = ing.rec.titles.find((x) => x.session === session);
    assert.ok(t, 'in-stream title published');
    assert.equal(t.title, 'Penguin - Ogg Song');
    // The comment header is the second page; its position is where the first page ends.
    const audio = ing.rec.bytesOf(session);
    const s = new OggSplitter();
    const r = s.push(audio);
    assert.equal(r.skippedBytes, 0);
    assert.equal(t.position, r.frames[1]!.offset);
    const header = Buffer.from(withHeaders.headerPages[0]!);
    assert.ok(audio.subarray(0, header.length).equals(header), 'header pages lead the stream');
    const decoded = await decodeCheck(audio, 'ogg');
    assert.ok(decoded.ok, decoded.errors.join('\n'));
  },
);
