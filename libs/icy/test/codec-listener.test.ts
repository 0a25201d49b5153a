/**
 * What a listener joining mid-stream receives, checked by a real decoder: the captured header
 * pages followed by frames from the middle must decode in ffmpeg without one error, for Ogg
 * Vorbis, Opus, Ogg FLAC, native FLAC, chained Ogg and pages that start mid-packet.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { oggPageCrc } from '../src/codec/crc.js';
import { createFrameSplitter } from '../src/index.js';
import { collect, concat, fixture } from './synth.js';

/** Runs `ffmpeg -v error` decoding `input` from stdin and returns its error lines. */
async function decodeErrors(input: Uint8Array): Promise<string[]> {
  const child = spawn(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', 'pipe:0', '-f', 'null', '-'],
    {
      stdio: ['pipe', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A decoder that stops reading early closes stdin; that is reported through the exit code.
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const errors = stderr.split('\n').filter((l) => l.trim() !== '');
  return code === 0 ? errors : [...errors, `ffmpeg exited with ${code}`];
}

/** Splits a whole file and returns the listener stream for each audio frame as a start. */
function listenerStreams(
  file: Uint8Array,
  contentType: string,
): { start: number; bytes: Uint8Array }[] {
  const splitter = createFrameSplitter(contentType);
  const r = splitter.push(file);
  const header = splitter.headerPages;
  return r.frames
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => !f.header)
    .map(({ f, i }) => ({ start: i, bytes: concat(header, r.data.subarray(f.offset)) }));
}

describe('listener streams decode in ffmpeg', { timeout: 60000 }, () => {
  let dir = '';
  before(() => {
    const probe = spawnSync('ffmpeg', ['-version']);
    if (probe.error) {
      throw new Error('ffmpeg is missing: apt-get install -y ffmpeg');
    }
    dir = mkdtempSync(join(tmpdir(), 'penguincast-codec-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [file, contentType] of [
    ['vorbis.ogg', 'audio/ogg'],
    ['opus.opus', 'audio/ogg'],
    ['flac.oga', 'audio/ogg'],
  ] as const) {
    it(`${file}: header pages plus any later page`, async () => {
      for (const { start, bytes } of listenerStreams(fixture(file), contentType)) {
        assert.deepEqual(await decodeErrors(bytes), [], `starting at page ${start}`);
      }
    });
  }

  for (const [file, contentType] of [
    ['native.flac', 'audio/flac'],
    ['mp3-128k-44100-stereo.mp3', 'audio/mpeg'],
    ['mp3-32k-22050-mono.mp3', 'audio/mpeg'],
    ['aac-64k-44100.aac', 'audio/aac'],
  ] as const) {
    it(`${file}: header (if any) plus frames from the middle`, async () => {
      const streams = listenerStreams(fixture(file), contentType);
      const middle = streams[Math.floor(streams.length / 2)]!;
      assert.deepEqual(await decodeErrors(middle.bytes), []);
    });
  }

  it('a Vorbis page from the middle without the header pages does not decode', async () => {
    const r = createFrameSplitter('audio/ogg').push(fixture('vorbis.ogg'));
    const errors = await decodeErrors(r.data.subarray(r.frames[5]!.offset));
    assert.notDeepEqual(errors, []);
  });

  it('chained Ogg: the header in force at the start page, then the next link in-band', async () => {
    const chained = fixture('chained.ogg');
    const splitter = createFrameSplitter('audio/ogg');
    // Pushed in small chunks, recording the header in force after each one, as ingest would.
    let data: Uint8Array = new Uint8Array(0);
    const headerAt: { from: number; header: Uint8Array }[] = [];
    for (let at = 0; at < chained.length; at += 500) {
      const r = splitter.push(chained.subarray(at, at + 500));
      if (r.headersChanged) {
        const firstHeader = r.frames.find((f) => f.header)!;
        headerAt.push({ from: data.length + firstHeader.offset, header: splitter.headerPages });
      }
      data = concat(data, r.data);
    }
    data = concat(data, splitter.flush().data);
    assert.equal(headerAt.length, 2);
    assert.notDeepEqual(headerAt[0]!.header, headerAt[1]!.header);
    // ffmpeg's null muxer complains when timestamps restart at a chain boundary on a pipe; the
    // untouched file piped in shows the same line, so that one line is ffmpeg's, not ours.
    const restart = /non monotonically increasing dts/;
    assert.ok((await decodeErrors(chained)).some((l) => restart.test(l)));
    const all = collect(createFrameSplitter('audio/ogg'), chained);
    for (const f of all.frames.filter((x) => !x.header)) {
      const inForce = headerAt.filter((h) => h.from <= f.offset).pop()!;
      const bytes = concat(inForce.header, data.subarray(f.offset));
      const errors = (await decodeErrors(bytes)).filter((l) => !restart.test(l));
      assert.deepEqual(errors, [], `starting at offset ${f.offset}`);
    }
  });

  it('pages that start mid-packet and header packets spanning pages', async () => {
    const path = join(dir, 'big-packets.ogg');
    // Loud noise at a high quality makes packets longer than one lacing segment.
    const made = spawnSync('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=amplitude=0.5:duration=0.6:sample_rate=48000',
      '-ac',
      '2',
      '-c:a',
      'libvorbis',
      '-q:a',
      '8',
      '-page_duration',
      '100000',
      path,
    ]);
    assert.equal(made.status, 0, made.stderr.toString());
    const repaged = repage(new Uint8Array(readFileSync(path)));
    assert.deepEqual(await decodeErrors(repaged), []);
    const splitter = createFrameSplitter('audio/ogg');
    const r = splitter.push(repaged);
    assert.equal(r.frames.filter((f) => f.header).length, 3);
    const continued = r.frames.filter((f) => !f.header && (r.data[f.offset + 5]! & 1) === 1);
    assert.ok(continued.length > 0, 'the repaged stream has pages that start mid-packet');
    for (const f of continued) {
      const bytes = concat(splitter.headerPages, r.data.subarray(f.offset));
      assert.deepEqual(await decodeErrors(bytes), [], `starting at offset ${f.offset}`);
    }
  });
});

/**
 * Rewrites an Ogg stream so packets span pages the way libogg-based sources write them: each
 * page whose first segment continues a packet is split after that segment. The first half ends
 * no packet (granule -1) unless it is a header page, whose packets all have granule 0.
 */
function repage(input: Uint8Array): Uint8Array {
  const r = createFrameSplitter('audio/ogg').push(input);
  const sequence = new Map<number, number>();
  const out: Uint8Array[] = [];
  const emit = (
    src: Uint8Array,
    lacing: number[],
    body: Uint8Array,
    flags: number,
    noGranule: boolean,
  ) => {
    const page = new Uint8Array(27 + lacing.length + body.length);
    const view = new DataView(page.buffer);
    page.set(src.subarray(0, 27));
    page[5] = flags;
    if (noGranule) {
      page.fill(0xff, 6, 14);
    }
    const serial = view.getUint32(14, true);
    const seq = sequence.get(serial) ?? 0;
    sequence.set(serial, seq + 1);
    view.setUint32(18, seq, true);
    page[26] = lacing.length;
    page.set(lacing, 27);
    page.set(body, 27 + lacing.length);
    view.setUint32(22, 0, true);
    view.setUint32(22, oggPageCrc(page, 0, page.length), true);
    out.push(page);
  };
  for (const f of r.frames) {
    const page = r.data.subarray(f.offset, f.offset + f.length);
    const lacing = [...page.subarray(27, 27 + page[26]!)];
    const body = page.subarray(27 + lacing.length);
    const flags = page[5]!;
    const headerPage = page.subarray(6, 14).every((b) => b === 0);
    let k = -1;
    for (let i = 1; i < lacing.length && !(flags & 2); i++) {
      if (lacing[i - 1] === 255 && (headerPage || lacing.slice(0, i).every((l) => l === 255))) {
        k = i;
        break;
      }
    }
    if (k < 0) {
      emit(page, lacing, body, flags, false);
      continue;
    }
    const cut = lacing.slice(0, k).reduce((a, b) => a + b, 0);
    emit(page, lacing.slice(0, k), body.subarray(0, cut), flags & 1, !headerPage);
    emit(page, lacing.slice(k), body.subarray(cut), (flags & 4) | 1, false);
  }
  return concat(...out);
}
