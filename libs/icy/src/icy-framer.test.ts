/**
 * Tests of the metaint framer and the title timeline: exact framing on small cases, and property
 * tests that chunking never changes the output and that a strict parser recovers every audio
 * byte and the title in force at every block.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IcyFramer, TitleTimeline } from './icy-framer.js';
import { IcyStreamParser } from './icy-parser.js';
import { decodeMetadataBlock, encodeMetadataBlock, type TitleInfo } from './metadata.js';

const concat = (parts: Uint8Array[]): Buffer => Buffer.concat(parts);
const bytes = (n: number, from = 0): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const block = (title: string): Uint8Array => encodeMetadataBlock({ title }, { charset: 'utf-8' });

describe('TitleTimeline', { timeout: 5000 }, () => {
  it('answers the title in force at a position', () => {
    const t = new TitleTimeline();
    assert.equal(t.at(0), undefined);
    t.set(100, { title: 'B' });
    t.set(10, { title: 'A' });
    t.set(100, { title: 'B2' });
    assert.equal(t.at(9), undefined);
    assert.equal(t.at(10)?.title, 'A');
    assert.equal(t.at(99)?.title, 'A');
    assert.equal(t.at(100)?.title, 'B2');
    assert.equal(t.latest()?.pos, 100);
    assert.equal(t.changes.length, 2);
  });
  it('prunes old changes but keeps the one in force', () => {
    const t = new TitleTimeline();
    for (const pos of [0, 10, 20, 30]) {
      t.set(pos, { title: `t${pos}` });
    }
    t.prune(25);
    assert.deepEqual(
      t.changes.map((c) => c.pos),
      [20, 30],
    );
    assert.equal(t.at(25)?.title, 't20');
    t.prune(30);
    assert.deepEqual(
      t.changes.map((c) => c.pos),
      [30],
    );
    t.prune(5);
    assert.equal(t.changes.length, 1);
    t.clear();
    assert.equal(t.at(100), undefined);
    assert.throws(() => t.set(-1, {}), TypeError);
  });
});

describe('IcyFramer', { timeout: 5000 }, () => {
  it('rejects bad options', () => {
    assert.throws(() => new IcyFramer({ metaint: 0 }), TypeError);
    assert.throws(() => new IcyFramer({ metaint: 1.5 }), TypeError);
    assert.equal(new IcyFramer().metaint, 16000);
  });
  it('puts a block after every metaint audio bytes, full only on change', () => {
    const f = new IcyFramer({ metaint: 4, charset: 'utf-8' });
    const titles = new TitleTimeline();
    titles.set(0, { title: 'A' });
    titles.set(1008, { title: 'B' });
    const out = f.write(bytes(14), 1000, titles);
    assert.deepEqual(out, [
      bytes(4),
      block('A'),
      bytes(4, 4),
      block('B'),
      bytes(4, 8),
      Uint8Array.of(0),
      bytes(2, 12),
    ]);
    assert.equal(f.untilMeta, 2);
    assert.equal(f.blocks, 3);
  });
  it('emits a due block only with the next audio byte, using its position', () => {
    const f = new IcyFramer({ metaint: 4 });
    const titles = (pos: number): TitleInfo => ({ title: pos < 4 ? 'old' : 'new' });
    assert.deepEqual(f.write(bytes(4), 0, titles), [bytes(4)]);
    assert.deepEqual(f.write(bytes(1, 4), 4, titles), [block('new'), bytes(1, 4)]);
  });
  it('tells a listener joining with a burst what was on air then', () => {
    const titles = new TitleTimeline();
    titles.set(0, { title: 'old song' });
    titles.set(65536, { title: 'new song' });
    const f = new IcyFramer({ metaint: 16000 });
    const out = f.write(bytes(20000), 65536 - 18000, titles);
    assert.equal(decodeMetadataBlock(out[1] ?? new Uint8Array()).title, 'old song');
  });
  it('sends nothing before any title exists, then the first title', () => {
    const f = new IcyFramer({ metaint: 2 });
    const titles = new TitleTimeline();
    titles.set(4, { title: 'T' });
    assert.deepEqual(f.write(bytes(7), 0, titles), [
      bytes(2),
      Uint8Array.of(0),
      bytes(2, 2),
      block('T'),
      bytes(2, 4),
      Uint8Array.of(0),
      bytes(1, 6),
    ]);
  });
  it('keeps counting across a reset and resends or clears the title', () => {
    const f = new IcyFramer({ metaint: 3 });
    const a = (): TitleInfo => ({ title: 'same' });
    const none = (): undefined => undefined;
    assert.deepEqual(f.write(bytes(5), 0, a), [bytes(3), block('same'), bytes(2, 3)]);
    f.reset();
    assert.deepEqual(f.write(bytes(4), 9000, a), [bytes(1), block('same'), bytes(3, 1)]);
    f.reset();
    assert.deepEqual(f.write(bytes(4), 50, none), [
      block(''),
      bytes(3),
      Uint8Array.of(0),
      bytes(1, 3),
    ]);
    assert.deepEqual(f.write(bytes(3), 54, none), [bytes(2), Uint8Array.of(0), bytes(1, 2)]);
  });
});

/** A listener's run: audio with a stream position that jumps (with a reset) at some offsets. */
interface Scenario {
  metaint: number;
  length: number;
  startPos: number;
  jumps: Array<{ at: number; to: number }>;
  changes: Array<{ pos: number; info: TitleInfo }>;
}

const infoArb: fc.Arbitrary<TitleInfo> = fc.record(
  {
    title: fc.oneof(fc.constantFrom('A', 'B', "it's", ''), fc.string({ maxLength: 12 })),
    url: fc.constantFrom('http://a', 'http://b'),
  },
  { requiredKeys: ['title'] },
);
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    metaint: fc.oneof(
      fc.integer({ min: 1, max: 64 }),
      fc.constant(16000),
      fc.integer({ min: 65, max: 5000 }),
    ),
    length: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 40000 })),
    startPos: fc.integer({ min: 0, max: 1_000_000 }),
    jumps: fc.array(fc.record({ at: fc.nat(), to: fc.integer({ min: 0, max: 1_050_000 }) }), {
      maxLength: 3,
    }),
    changes: fc.array(fc.record({ pos: fc.integer({ min: 0, max: 1_050_000 }), info: infoArb }), {
      maxLength: 8,
    }),
  })
  .map((s) => ({
    ...s,
    jumps: s.jumps
      .map((j) => ({ at: j.at % (s.length + 1), to: j.to }))
      .sort((x, y) => x.at - y.at),
    // Half of the changes land inside the audio the listener hears, so blocks see them.
    changes: s.changes.map((c, i) =>
      i % 2 === 0 ? { pos: s.startPos + (c.pos % (s.length + 1)), info: c.info } : c,
    ),
  }));

function timelineOf(s: Scenario): TitleTimeline {
  const t = new TitleTimeline();
  for (const c of s.changes) {
    t.set(c.pos, c.info);
  }
  return t;
}

/** The stream position of each audio offset at which a segment starts, jumps applied. */
function segments(s: Scenario): Array<{ from: number; pos: number }> {
  const segs = [{ from: 0, pos: s.startPos }];
  for (const j of s.jumps) {
    segs.push({ from: j.at, pos: j.to });
  }
  return segs;
}

/** Frames the scenario's audio, cutting it at `cuts` (and at every jump, which needs a reset). */
function frame(s: Scenario, cuts: number[]): Uint8Array[] {
  const framer = new IcyFramer({ metaint: s.metaint, charset: 'utf-8' });
  const titles = timelineOf(s);
  const segs = segments(s);
  const audio = bytes(s.length, 7);
  const out: Uint8Array[] = [];
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] ?? { from: 0, pos: 0 };
    const end = segs[i + 1]?.from ?? s.length;
    if (i > 0) {
      framer.reset();
    }
    const inner = [...new Set(cuts.filter((c) => c > seg.from && c < end))].sort((a, b) => a - b);
    let from = seg.from;
    for (const to of [...inner, end]) {
      out.push(...framer.write(audio.subarray(from, to), seg.pos + (from - seg.from), titles));
      from = to;
    }
  }
  return out;
}

describe('IcyFramer properties', { timeout: 120000 }, () => {
  it('gives byte-identical output for any chunking (1500 runs)', () => {
    fc.assert(
      fc.property(
        scenarioArb,
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 97 }),
        (s, cuts, step) => {
          const whole = concat(frame(s, []));
          assert.deepEqual(
            concat(
              frame(
                s,
                cuts.map((c) => c % (s.length + 1)),
              ),
            ),
            whole,
          );
          // Small fixed steps cover the byte-by-byte end of the range on shorter inputs.
          const stepCuts =
            s.length <= 5000
              ? Array.from({ length: Math.ceil(s.length / step) }, (_, i) => i * step)
              : [];
          assert.deepEqual(concat(frame(s, stepCuts)), whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('lets a strict parser recover all audio and the title in force at each block (1500 runs)', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat(), { maxLength: 10 }), (s, cuts) => {
        const wire = concat(
          frame(
            s,
            cuts.map((c) => c % (s.length + 1)),
          ),
        );
        const parser = new IcyStreamParser(s.metaint, { strict: true, charset: 'utf-8' });
        const got = parser.push(wire);
        assert.deepEqual(concat(got.audio), Buffer.from(bytes(s.length, 7)));
        assert.equal(got.blocks.length, Math.max(0, Math.ceil(s.length / s.metaint) - 1));
        const titles = timelineOf(s);
        const segs = segments(s);
        let shown: string | undefined;
        let lastSeg = 0;
        for (const b of got.blocks) {
          assert.equal(b.audioOffset % s.metaint, 0);
          const segIndex = segs.findLastIndex((g) => g.from <= b.audioOffset);
          const seg = segs[segIndex] ?? { from: 0, pos: 0 };
          const info = titles.at(seg.pos + (b.audioOffset - seg.from));
          const norm = (i: TitleInfo): string =>
            JSON.stringify(decodeMetadataBlock(encodeMetadataBlock(i, { charset: 'utf-8' })));
          const want =
            info !== undefined ? norm(info) : shown === undefined ? undefined : norm({ title: '' });
          if (b.meta !== undefined) {
            assert.equal(JSON.stringify(b.meta), want, 'a full block carries the title in force');
          } else {
            assert.ok(
              want === shown && (segIndex === lastSeg || want === undefined),
              'an empty block means no change',
            );
          }
          shown = b.meta !== undefined ? JSON.stringify(b.meta) : shown;
          lastSeg = segIndex;
        }
      }),
      { numRuns: 1500 },
    );
  });
});
