/**
 * Tests of the strict ICY stream parser: golden streams, every framing violation it must catch,
 * and property tests that byte-by-byte feeding equals whole-buffer feeding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  IcyError,
  IcyFramingError,
  IcyMetadataCharsetError,
  IcyMetadataPaddingError,
  IcyMetadataSyntaxError,
  IcyTruncatedBlockError,
} from './errors.js';
import { IcyFramer, TitleTimeline } from './icy-framer.js';
import { IcyStreamParser, type IcyParseResult, type IcyStreamParserOptions } from './icy-parser.js';
import { encodeMetadataBlock } from './metadata.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
/** A block with exactly the given text, padded as the caller says (for hand-made bad blocks). */
const rawBlock = (text: string, units = Math.ceil(text.length / 16), pad = 0): Uint8Array => {
  const out = new Uint8Array(1 + units * 16).fill(pad);
  out[0] = units;
  out.set(ascii(text).subarray(0, units * 16), 1);
  out.fill(0, 1 + text.length, Math.min(out.length, 2 + text.length));
  return out;
};

describe('IcyStreamParser', { timeout: 5000 }, () => {
  it('separates audio and blocks at metaint', () => {
    const a = encodeMetadataBlock({ title: 'A', url: 'http://u' }, { charset: 'utf-8' });
    const stream = cat(ascii('abcd'), a, ascii('efgh'), Uint8Array.of(0), ascii('ij'));
    const p = new IcyStreamParser(4);
    const r = p.push(stream);
    assert.equal(Buffer.concat(r.audio).toString(), 'abcdefghij');
    assert.deepEqual(r.blocks, [
      {
        audioOffset: 4,
        raw: a,
        meta: { title: 'A', url: 'http://u', fields: { StreamTitle: 'A', StreamUrl: 'http://u' } },
      },
      { audioOffset: 8, raw: Uint8Array.of(0) },
    ]);
    assert.equal(p.audioBytes, 10);
    assert.equal(p.untilMeta, 2);
    p.end();
  });

  it('rejects a bad metaint', () => {
    assert.throws(() => new IcyStreamParser(0), TypeError);
  });

  const cases: Array<
    [string, Uint8Array, new (...args: never[]) => IcyFramingError, IcyStreamParserOptions?]
  > = [
    ['text after the padding', rawBlock("StreamTitle='a';", 2, 0x20), IcyMetadataPaddingError],
    ['a length byte larger than needed', rawBlock("StreamTitle='a';", 2), IcyMetadataPaddingError],
    ['a block of NULs only', rawBlock('', 1), IcyMetadataPaddingError],
    ['a field other than StreamTitle first', rawBlock("StreamUrl='x';"), IcyMetadataSyntaxError],
    [
      'an unescaped quote (Icecast style)',
      rawBlock("StreamTitle='Don't';"),
      IcyMetadataSyntaxError,
    ],
    ['a missing closing quote', rawBlock("StreamTitle='abc"), IcyMetadataSyntaxError],
    ['a duplicate key', rawBlock("StreamTitle='a';StreamTitle='b';"), IcyMetadataSyntaxError],
    ['a control character', rawBlock("StreamTitle='a\nb';"), IcyMetadataSyntaxError],
    [
      'invalid UTF-8',
      rawBlock("StreamTitle='caf\u00e9';"),
      IcyMetadataCharsetError,
      { charset: 'utf-8' },
    ],
  ];
  for (const [name, bad, type, options] of cases) {
    it(`strictly rejects ${name}`, () => {
      const p = new IcyStreamParser(2, options);
      assert.equal(p.push(ascii('xy')).audio.length, 1);
      let err: unknown;
      try {
        p.push(cat(bad, ascii('zz')));
      } catch (e) {
        err = e;
      }
      assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
      assert.ok(err instanceof IcyError);
      assert.ok(err instanceof IcyFramingError);
      assert.equal(err.httpStatus, 502);
      assert.equal(err.audioOffset, 2);
      assert.match(err.code, /^ICY_META_/);
      // A spent parser keeps failing the same way rather than guessing where audio resumes.
      assert.throws(
        () => p.push(ascii('zz')),
        (e) => e === err,
      );
    });
  }

  it('reads foreign blocks leniently when strict is off', () => {
    const p = new IcyStreamParser(2, { strict: false });
    const r = p.push(
      cat(ascii('xy'), rawBlock("StreamTitle='Don't caf\u00e9';", 3, 0x20), ascii('zz')),
    );
    assert.equal(r.blocks[0]?.meta?.title, "Don't café");
    assert.equal(Buffer.concat(r.audio).toString(), 'xyzz');
  });

  it('accepts latin1 text in auto mode', () => {
    const p = new IcyStreamParser(1);
    const r = p.push(cat(ascii('x'), rawBlock("StreamTitle='caf\u00e9';"), ascii('y')));
    assert.equal(r.blocks[0]?.meta?.title, 'café');
  });

  it('reports a stream that ends inside a block only in strict mode', () => {
    const partial = cat(ascii('ab'), rawBlock("StreamTitle='t';").subarray(0, 5));
    const strict = new IcyStreamParser(2);
    strict.push(partial);
    assert.equal(strict.inBlock, true);
    assert.throws(() => strict.end(), IcyTruncatedBlockError);
    const lenient = new IcyStreamParser(2, { strict: false });
    lenient.push(partial);
    lenient.end();
  });
});

/** Everything a parser run produced, comparable across chunkings. */
interface Outcome {
  audio: string;
  blocks: string[];
  error?: string;
}

function feed(
  wire: Uint8Array,
  metaint: number,
  options: IcyStreamParserOptions,
  cuts: number[],
): Outcome {
  const p = new IcyStreamParser(metaint, options);
  const audio: Uint8Array[] = [];
  const blocks: string[] = [];
  const take = (r: IcyParseResult): void => {
    audio.push(...r.audio);
    for (const b of r.blocks) {
      blocks.push(JSON.stringify([b.audioOffset, Buffer.from(b.raw).toString('hex'), b.meta]));
    }
  };
  let from = 0;
  try {
    for (const to of [...cuts, wire.length]) {
      take(p.push(wire.subarray(from, to)));
      from = to;
    }
  } catch (err) {
    assert.ok(err instanceof IcyFramingError);
    // Output from a chunk that threw is lost, so an error outcome compares only the error.
    return { audio: '', blocks: [], error: `${err.name}@${err.audioOffset}: ${err.message}` };
  }
  return { audio: Buffer.concat(audio).toString('hex'), blocks };
}

const byteCuts = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const randomCuts = (n: number, raw: number[]): number[] =>
  [...new Set(raw.map((c) => c % (n + 1)))].sort((a, b) => a - b);

/** A framed stream from the real framer, with nasty titles changing at random positions. */
const streamArb = fc
  .record({
    metaint: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 65, max: 2000 })),
    length: fc.integer({ min: 0, max: 4000 }),
    charset: fc.constantFrom('utf-8' as const, 'latin1' as const),
    changes: fc.array(
      fc.record({
        pos: fc.integer({ min: 0, max: 4000 }),
        title: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 40 }),
          fc.constantFrom("';StreamUrl='evil';", "it's", '\u0000\r\n'),
        ),
      }),
      { maxLength: 10 },
    ),
  })
  .map((s) => {
    const titles = new TitleTimeline();
    for (const c of s.changes) {
      titles.set(c.pos, { title: c.title });
    }
    const framer = new IcyFramer({ metaint: s.metaint, charset: s.charset });
    const audio = Uint8Array.from({ length: s.length }, (_, i) => (i * 7 + 3) & 0xff);
    return { ...s, wire: Uint8Array.from(Buffer.concat(framer.write(audio, 0, titles))) };
  });

describe('IcyStreamParser properties', { timeout: 120000 }, () => {
  it('gives the same result byte by byte, in random chunks and whole (1500 runs)', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), (s, raw) => {
        const options = { strict: true, charset: s.charset };
        const whole = feed(s.wire, s.metaint, options, []);
        assert.equal(whole.error, undefined);
        assert.deepEqual(feed(s.wire, s.metaint, options, byteCuts(s.wire.length)), whole);
        assert.deepEqual(feed(s.wire, s.metaint, options, randomCuts(s.wire.length, raw)), whole);
      }),
      { numRuns: 1500 },
    );
  });

  it('fails or succeeds the same way on arbitrary bytes in any chunking (1500 runs)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 32 }),
        fc.boolean(),
        fc.constantFrom('auto' as const, 'utf-8' as const, 'latin1' as const),
        (wire, metaint, strict, charset) => {
          const options = { strict, charset };
          const whole = feed(wire, metaint, options, []);
          assert.deepEqual(feed(wire, metaint, options, byteCuts(wire.length)), whole);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
