/**
 * Tests of MPEG audio header parsing (golden vectors for every version and layer) and of the
 * MP3 splitter on synthetic frames: sync confirmation, ID3v2 stripping, junk resync, streams
 * cut mid-frame, and identical output for any chunking.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { collect, collectBytewise, concat, id3Tag, mp3Frame, mp3Frames } from '../../test/synth.js';
import { Mp3Splitter, parseMpegHeader } from './mp3.js';

const header = (...bytes: number[]) => parseMpegHeader(Uint8Array.from(bytes), 0);

describe('parseMpegHeader golden vectors', { timeout: 5000 }, () => {
  const cases: [string, number[], number, number, number, number][] = [
    // name, header bytes, frame length, samples, sample rate, bitrate
    ['MPEG-1 L3 128k 44.1k', [0xff, 0xfb, 0x90, 0x64], 417, 1152, 44100, 128],
    ['MPEG-1 L3 128k 44.1k padded', [0xff, 0xfb, 0x92, 0x64], 418, 1152, 44100, 128],
    ['MPEG-1 L3 320k 48k', [0xff, 0xfb, 0xe4, 0x44], 960, 1152, 48000, 320],
    ['MPEG-1 L3 32k 32k', [0xff, 0xfb, 0x18, 0xc4], 144, 1152, 32000, 32],
    ['MPEG-2 L3 32k 22.05k', [0xff, 0xf3, 0x40, 0xc4], 104, 576, 22050, 32],
    ['MPEG-2 L3 32k 16k', [0xff, 0xf3, 0x48, 0xc4], 144, 576, 16000, 32],
    ['MPEG-2.5 L3 8k 8k', [0xff, 0xe3, 0x18, 0xc4], 72, 576, 8000, 8],
    ['MPEG-2.5 L3 8k 11.025k', [0xff, 0xe3, 0x10, 0xc4], 52, 576, 11025, 8],
    ['MPEG-1 L2 256k 48k', [0xff, 0xfd, 0xc4, 0x04], 768, 1152, 48000, 256],
    ['MPEG-1 L1 384k 48k', [0xff, 0xff, 0xc4, 0x04], 384, 384, 48000, 384],
    ['MPEG-2 L1 32k 24k', [0xff, 0xf7, 0x14, 0x04], 64, 384, 24000, 32],
  ];
  for (const [name, bytes, length, samples, sampleRate, bitrate] of cases) {
    it(name, () => {
      const h = header(...bytes);
      assert.ok(h);
      assert.deepEqual(
        { length: h.length, samples: h.samples, sampleRate: h.sampleRate, bitrate: h.bitrate },
        { length, samples, sampleRate, bitrate },
      );
    });
  }

  it('reports version, layer and channels', () => {
    const h = header(0xff, 0xe3, 0x18, 0xc4);
    assert.equal(h?.version, 2.5);
    assert.equal(h?.layer, 3);
    assert.equal(h?.channels, 1);
    assert.equal(header(0xff, 0xfb, 0x90, 0x64)?.channels, 2);
  });

  it('rejects free format, bad bitrate, reserved version, layer, rate and emphasis', () => {
    assert.equal(header(0xff, 0xfb, 0x00, 0x64), null);
    assert.equal(header(0xff, 0xfb, 0xf0, 0x64), null);
    assert.equal(header(0xff, 0xeb, 0x90, 0x64), null);
    assert.equal(header(0xff, 0xf9, 0x90, 0x64), null);
    assert.equal(header(0xff, 0xfb, 0x9c, 0x64), null);
    assert.equal(header(0xff, 0xfb, 0x90, 0x66), null);
    assert.equal(header(0xfe, 0xfb, 0x90, 0x64), null);
    assert.equal(header(0xff, 0x7b, 0x90, 0x64), null);
  });

  it('asks for more bytes when fewer than four are available', () => {
    assert.equal(header(0xff, 0xfb, 0x90), undefined);
    assert.equal(parseMpegHeader(Uint8Array.from([0, 0xff, 0xfb, 0x90, 0x64]), 2), undefined);
  });
});

describe('Mp3Splitter', { timeout: 10000 }, () => {
  const frames = mp3Frames(20);
  const junk = new TextEncoder().encode('this is not audio, just some junk text');

  it('emits every frame of a clean stream, byte for byte, with durations', () => {
    const c = collect(new Mp3Splitter(), frames);
    assert.deepEqual(c.data, frames);
    assert.equal(c.frames.length, 20);
    assert.equal(c.samples, 20 * 1152);
    assert.ok(Math.abs(c.durationMs - (20 * 1152 * 1000) / 44100) < 1e-6);
    assert.equal(c.skipped, 0);
    assert.deepEqual(
      c.frames.map((f) => f.length),
      Array.from({ length: 20 }, (_, i) => (i % 3 === 1 ? 418 : 417)),
    );
  });

  it('holds a lone first frame until the next header confirms it', () => {
    const s = new Mp3Splitter();
    const first = s.push(frames.subarray(0, 417));
    assert.equal(first.data.length, 0);
    assert.equal(s.pendingBytes, 417);
    const second = s.push(frames.subarray(417, 421));
    assert.equal(second.data.length, 417);
    assert.equal(second.frames.length, 1);
  });

  it('cuts frames as soon as they complete once in sync', () => {
    const s = new Mp3Splitter();
    s.push(frames.subarray(0, 421));
    const r = s.push(frames.subarray(421, 417 + 418));
    assert.equal(r.frames.length, 1);
    assert.equal(r.data.length, 418);
  });

  it('gives identical output fed one byte at a time', () => {
    const input = concat(id3Tag(100), frames.subarray(0, 2000), junk, frames.subarray(2000));
    const whole = collect(new Mp3Splitter(), input);
    const bytewise = collectBytewise(new Mp3Splitter(), input);
    assert.deepEqual(bytewise, whole);
  });

  it('strips an ID3v2 tag at the start and counts it as skipped', () => {
    const c = collect(new Mp3Splitter(), concat(id3Tag(300), frames));
    assert.deepEqual(c.data, frames);
    assert.equal(c.skipped, 310);
  });

  it('strips an ID3v2 tag between frames and one split across pushes', () => {
    const input = concat(
      frames.subarray(0, 417 * 3 + 1),
      id3Tag(5000),
      frames.subarray(417 * 3 + 1),
    );
    const c = collect(new Mp3Splitter(), input, [700, 3, 1000]);
    assert.deepEqual(c.data, frames);
    assert.equal(c.skipped, 5010);
  });

  it('resyncs after junk between frames and counts exactly the junk', () => {
    const cut = 417 * 3 + 418 * 2;
    const input = concat(junk, frames.subarray(0, cut), junk, frames.subarray(cut), junk);
    const c = collect(new Mp3Splitter(), input);
    assert.deepEqual(c.data, frames);
    assert.equal(c.skipped, junk.length * 3);
  });

  it('skips a false header inside junk that the next header does not confirm', () => {
    const fake = mp3Frame({ length: 417 }).subarray(0, 4);
    const input = concat(fake, junk, frames);
    const c = collect(new Mp3Splitter(), input);
    assert.deepEqual(c.data, frames);
    assert.equal(c.skipped, 4 + junk.length);
  });

  it('loses only the partial frame when the stream is cut mid-frame', () => {
    const cut = 417 * 7 + 418 * 3 + 200;
    const c = collect(new Mp3Splitter(), frames.subarray(0, cut));
    assert.equal(c.frames.length, 10);
    assert.deepEqual(c.data, frames.subarray(0, cut - 200));
    assert.equal(c.skipped, 200);
  });

  it('emits the last frame on flush when the stream ends on a frame boundary', () => {
    const s = new Mp3Splitter();
    const pushed = s.push(frames);
    const flushed = s.flush();
    assert.equal(pushed.frames.length + flushed.frames.length, 20);
    assert.equal(s.pendingBytes, 0);
  });

  it('outputs nothing for pure junk and counts all of it', () => {
    const c = collect(new Mp3Splitter(), concat(junk, junk, Uint8Array.of(0xff, 0xfb)));
    assert.equal(c.data.length, 0);
    assert.equal(c.skipped, junk.length * 2 + 2);
  });

  it('passes a frame with junk inside whole, then resyncs on the next real header', () => {
    // Once in sync, frames are cut by their header's length, as demuxers do; the damaged frame
    // still starts on a real header, so every listener start stays a frame boundary.
    const input = concat(frames.subarray(0, 1000), junk, frames.subarray(1000));
    const c = collect(new Mp3Splitter(), input);
    assert.deepEqual(c.data.subarray(0, 1000), frames.subarray(0, 1000));
    assert.equal(c.frames.length, 20);
    assert.deepEqual(c.data.subarray(c.data.length - 2000), frames.subarray(frames.length - 2000));
    assert.equal(c.data.length + c.skipped, input.length);
    assert.ok(c.frames.every((f) => c.data[f.offset] === 0xff));
  });

  it('follows a sample rate change within a synced stream', () => {
    const a = mp3Frame({ length: 417, seed: 1 });
    const b = mp3Frame({ length: 384, rateIndex: 1, bitrateIndex: 9, seed: 2 });
    const input = concat(a, a, b, b, b);
    const c = collect(new Mp3Splitter(), input);
    assert.deepEqual(c.data, input);
    assert.deepEqual(
      c.frames.map((f) => f.sampleRate),
      [44100, 44100, 48000, 48000, 48000],
    );
  });

  it('property: any chunking of junk, tags and frames gives the same result', () => {
    // The second run of junk lands inside a frame, the nastiest place for a resync.
    const input = concat(junk, id3Tag(50), frames.subarray(0, 2922), junk, frames.subarray(2922));
    const reference = collect(new Mp3Splitter(), input);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 20 }),
        (sizes) => {
          assert.deepEqual(collect(new Mp3Splitter(), input, sizes), reference);
        },
      ),
      { numRuns: 60 },
    );
  });
});
