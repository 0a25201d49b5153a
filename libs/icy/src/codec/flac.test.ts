/**
 * Tests of FLAC frame header parsing (fields, CRC-8) and of the native FLAC splitter on
 * synthetic streams: header capture and title, frame ends confirmed by CRC-16 and the next
 * sync, junk, cut streams, a second `fLaC` mid-stream and chunking invariance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  collect,
  collectBytewise,
  concat,
  flacFrame,
  flacStreamHeader,
  id3Tag,
} from '../../test/synth.js';
import { FlacSplitter, parseFlacFrameHeader } from './flac.js';

describe('parseFlacFrameHeader', { timeout: 5000 }, () => {
  it('reads block size, rate, channels and sample size', () => {
    const h = parseFlacFrameHeader(flacFrame(3, 100), 0);
    assert.deepEqual(h, {
      headerLength: 6,
      blockSize: 4096,
      sampleRate: 44100,
      channels: 2,
      bitsPerSample: 16,
    });
  });

  it('reads an explicit 16-bit block size and a rate in tens of Hz', () => {
    const head = Uint8Array.of(0xff, 0xf9, (7 << 4) | 14, 0x08, 0x01, 0x01, 0x1f, 0x12, 0x8e);
    const withCrc = concat(head, Uint8Array.of(0));
    withCrc[head.length] = crc8Of(head);
    const h = parseFlacFrameHeader(withCrc, 0);
    assert.equal(h?.blockSize, 0x11f + 1);
    assert.equal(h?.sampleRate, 0x128e * 10);
    assert.equal(h?.headerLength, 10);
  });

  it('rejects a header whose CRC-8 does not match, and reserved values', () => {
    const f = flacFrame(3, 100);
    f[5] = f[5]! ^ 1;
    assert.equal(parseFlacFrameHeader(f, 0), null);
    const reserved = flacFrame(3, 100);
    reserved[3] = reserved[3]! | 1;
    assert.equal(parseFlacFrameHeader(reserved, 0), null);
    assert.equal(parseFlacFrameHeader(Uint8Array.of(0xff, 0xfa, 0, 0, 0, 0), 0), null);
  });

  it('asks for more bytes when the header is incomplete', () => {
    assert.equal(parseFlacFrameHeader(flacFrame(3, 100).subarray(0, 5), 0), undefined);
    assert.equal(parseFlacFrameHeader(Uint8Array.of(0xff), 0), undefined);
  });
});

function crc8Of(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc;
}

describe('FlacSplitter', { timeout: 10000 }, () => {
  const header = flacStreamHeader(['TITLE=Lossless', 'ARTIST=Band']);
  const frames = Array.from({ length: 8 }, (_, i) => flacFrame(i, 700 + i * 37, i + 1));
  const stream = concat(header, ...frames);
  const junk = new TextEncoder().encode('junk between frames');

  it('emits the stream header as a header frame and every frame whole', () => {
    const c = collect(new FlacSplitter(), stream);
    assert.deepEqual(c.data, stream);
    assert.deepEqual(
      c.frames.map((f) => f.length),
      [header.length, ...frames.map((f) => f.length)],
    );
    assert.equal(c.frames[0]?.header, true);
    assert.equal(c.samples, 8 * 4096);
    assert.equal(c.headerChanges, 1);
    assert.deepEqual(c.lastHeader, header);
    assert.deepEqual(c.titles, [{ title: 'Band - Lossless', offset: 0 }]);
  });

  it('holds each frame until the next header follows it', () => {
    const s = new FlacSplitter();
    const first = s.push(concat(header, frames[0]!));
    assert.equal(first.frames.length, 1);
    assert.equal(s.pendingBytes, frames[0]!.length);
    const second = s.push(frames[1]!.subarray(0, 6));
    assert.equal(second.frames.length, 1);
    assert.deepEqual(second.data, frames[0]);
  });

  it('gives identical output fed one byte at a time', () => {
    const input = concat(id3Tag(40), stream, junk);
    assert.deepEqual(
      collectBytewise(new FlacSplitter(), input),
      collect(new FlacSplitter(), input),
    );
  });

  it('strips a leading ID3 tag', () => {
    const c = collect(new FlacSplitter(), concat(id3Tag(40), stream));
    assert.deepEqual(c.data, stream);
    assert.equal(c.skipped, 50);
  });

  it('resyncs after junk, dropping the unconfirmable frame before it', () => {
    const input = concat(header, ...frames.slice(0, 3), junk, ...frames.slice(3));
    const c = collect(new FlacSplitter(), input);
    assert.deepEqual(c.data, concat(header, ...frames.slice(0, 2), ...frames.slice(3)));
    assert.equal(c.skipped, frames[2]!.length + junk.length);
  });

  it('loses only the partial frame when the stream is cut mid-frame', () => {
    const c = collect(new FlacSplitter(), stream.subarray(0, stream.length - 300));
    assert.equal(c.frames.length, 1 + frames.length - 1);
    assert.equal(c.skipped, frames[7]!.length - 300);
  });

  it('keeps the last frame on flush when the stream ends on a frame boundary', () => {
    const s = new FlacSplitter();
    const pushed = s.push(stream);
    const flushed = s.flush();
    assert.equal(pushed.frames.length, frames.length);
    assert.deepEqual(flushed.data, frames[7]);
  });

  it('frames a stream joined midway, without a header', () => {
    const c = collect(new FlacSplitter(), concat(frames[2]!.subarray(100), ...frames.slice(3)));
    assert.deepEqual(c.data, concat(...frames.slice(3)));
    assert.equal(c.headerChanges, 0);
  });

  it('takes a new header when a second fLaC stream follows', () => {
    const next = flacStreamHeader(['TITLE=Second']);
    const c = collect(new FlacSplitter(), concat(stream, next, ...frames.slice(0, 3)));
    assert.equal(c.frames.length, 1 + 8 + 1 + 3);
    assert.deepEqual(c.lastHeader, next);
    assert.deepEqual(
      c.titles.map((t) => t.title),
      ['Band - Lossless', 'Second'],
    );
  });

  it('property: any chunking gives the same result', () => {
    const input = concat(stream, junk, ...frames.slice(0, 4));
    const reference = collect(new FlacSplitter(), input);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 12 }),
        (sizes) => {
          assert.deepEqual(collect(new FlacSplitter(), input, sizes), reference);
        },
      ),
      { numRuns: 60 },
    );
  });
});
