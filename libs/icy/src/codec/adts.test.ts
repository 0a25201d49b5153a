/**
 * Tests of ADTS header parsing (length, CRC flag, rates, raw data blocks) and of the AAC
 * splitter on synthetic frames: resync, ID3 stripping, cut streams and chunking invariance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { adtsFrame, collect, collectBytewise, concat, id3Tag } from '../../test/synth.js';
import { AdtsSplitter, parseAdtsHeader } from './adts.js';

describe('parseAdtsHeader', { timeout: 5000 }, () => {
  it('reads the 13-bit frame length, rate and profile without CRC', () => {
    const h = parseAdtsHeader(adtsFrame(371), 0);
    assert.ok(h);
    assert.equal(h.length, 371);
    assert.equal(h.sampleRate, 44100);
    assert.equal(h.samples, 1024);
    assert.equal(h.profile, 1);
    assert.equal(h.channelConfig, 2);
    assert.equal(h.crc, false);
  });

  it('accepts a header with CRC, whose length covers the CRC', () => {
    const h = parseAdtsHeader(adtsFrame(500, true), 0);
    assert.equal(h?.crc, true);
    assert.equal(h?.length, 500);
  });

  it('reads lengths up to 8191 and counts raw data blocks', () => {
    const f = adtsFrame(8191);
    f[6] = (f[6]! & 0xfc) | 3;
    assert.equal(parseAdtsHeader(f, 0)?.length, 8191);
    assert.equal(parseAdtsHeader(f, 0)?.samples, 4096);
  });

  it('rejects bad sync, a non-zero layer, reserved rates and impossible lengths', () => {
    const withByte = (index: number, value: number): Uint8Array => {
      const f = adtsFrame(300);
      f[index] = value;
      return f;
    };
    assert.equal(parseAdtsHeader(withByte(1, 0xe1), 0), null);
    assert.equal(parseAdtsHeader(withByte(1, 0xf3), 0), null);
    assert.equal(parseAdtsHeader(withByte(2, (1 << 6) | (13 << 2)), 0), null);
    assert.equal(parseAdtsHeader(adtsFrame(8, true).fill(0, 3, 6), 0), null);
    assert.equal(parseAdtsHeader(adtsFrame(300).subarray(0, 6), 0), undefined);
  });
});

describe('AdtsSplitter', { timeout: 10000 }, () => {
  const lengths = [371, 380, 365, 402, 371, 390, 377, 366, 399, 410];
  const frames = concat(...lengths.map((l, i) => adtsFrame(l, i % 2 === 0, i + 10)));
  const junk = new TextEncoder().encode('<html>not aac</html>');

  it('emits every frame of a clean stream with 1024 samples each', () => {
    const c = collect(new AdtsSplitter(), frames);
    assert.deepEqual(c.data, frames);
    assert.deepEqual(
      c.frames.map((f) => f.length),
      lengths,
    );
    assert.equal(c.samples, lengths.length * 1024);
    assert.equal(c.skipped, 0);
  });

  it('strips a leading ID3 tag, resyncs after junk and counts both', () => {
    const cut = lengths[0]! + lengths[1]!;
    const input = concat(id3Tag(20), frames.subarray(0, cut), junk, frames.subarray(cut));
    const c = collect(new AdtsSplitter(), input);
    assert.deepEqual(c.data, frames);
    assert.equal(c.skipped, 30 + junk.length);
    assert.deepEqual(collectBytewise(new AdtsSplitter(), input), c);
  });

  it('loses only the partial frame when cut mid-frame', () => {
    const c = collect(new AdtsSplitter(), frames.subarray(0, frames.length - 100));
    assert.equal(c.frames.length, lengths.length - 1);
    assert.equal(c.skipped, lengths[lengths.length - 1]! - 100);
  });

  it('property: any chunking gives the same result', () => {
    const input = concat(junk, frames.subarray(0, 1000), junk, frames.subarray(1000));
    const reference = collect(new AdtsSplitter(), input);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }),
        (sizes) => {
          assert.deepEqual(collect(new AdtsSplitter(), input, sizes), reference);
        },
      ),
      { numRuns: 60 },
    );
  });
});
