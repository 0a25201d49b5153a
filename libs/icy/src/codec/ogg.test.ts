/**
 * Tests of the Ogg splitter on synthetic pages: CRC checking and resync, header capture for
 * Vorbis, Opus and Ogg FLAC (header packets spanning pages included), chained streams, titles
 * from comment headers, durations from granules, and chunking invariance.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chunkInvariant,
  collect,
  collectBytewise,
  concat,
  noise,
  oggPage,
  vorbisComments,
} from '../../test/synth.js';
import { OggSplitter } from './ogg.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const u32le = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

/** A Vorbis logical stream: BOS id page, comment + setup spanning two pages, audio pages. */
function vorbisStream(serial: number, tags: string[], audioPages = 4, eos = true): Uint8Array[] {
  const id = concat(
    ascii('\x01vorbis'),
    u32le(0),
    Uint8Array.of(2),
    u32le(44100),
    new Uint8Array(16),
  );
  const comment = concat(ascii('\x03vorbis'), vorbisComments(tags), Uint8Array.of(1));
  const setup = concat(ascii('\x05vorbis'), noise(593, serial));
  const pages = [
    oggPage({ serial, seq: 0, granule: 0, bos: true, packets: [id] }),
    oggPage({ serial, seq: 1, granule: 0, packets: [comment, setup.subarray(0, 510)], open: true }),
    oggPage({ serial, seq: 2, granule: 0, continued: true, packets: [setup.subarray(510)] }),
  ];
  for (let i = 1; i <= audioPages; i++) {
    const last = i === audioPages && eos;
    const packets = [noise(300, serial + i), noise(200, serial + 2 * i)];
    pages.push(oggPage({ serial, seq: 2 + i, granule: i * 1024, eos: last, packets }));
  }
  return pages;
}

describe('OggSplitter', { timeout: 10000 }, () => {
  const pages = vorbisStream(77, ['TITLE=Tune', 'ARTIST=Band']);
  const stream = concat(...pages);
  const headerBytes = concat(...pages.slice(0, 3));

  it('emits every page whole and marks the header pages', () => {
    const c = collect(new OggSplitter(), stream);
    assert.deepEqual(c.data, stream);
    assert.deepEqual(
      c.frames.map((f) => f.length),
      pages.map((p) => p.length),
    );
    assert.deepEqual(
      c.frames.map((f) => f.header),
      [true, true, true, false, false, false, false],
    );
    assert.equal(c.skipped, 0);
  });

  it('captures the Vorbis header pages, including a setup packet spanning pages', () => {
    const s = new OggSplitter();
    const r = s.push(stream);
    assert.equal(r.headersChanged, true);
    assert.deepEqual(s.headerPages, headerBytes);
  });

  it('reports headers only once all three header packets are complete', () => {
    const s = new OggSplitter();
    assert.equal(s.push(concat(pages[0]!, pages[1]!)).headersChanged, false);
    assert.equal(s.headerPages.length, 0);
    assert.equal(s.push(pages[2]!).headersChanged, true);
    assert.equal(s.push(pages[3]!).headersChanged, false);
  });

  it('reports the comment title at the page that completed it', () => {
    const r = new OggSplitter().push(stream);
    assert.deepEqual(r.titles, [{ title: 'Band - Tune', offset: pages[0]!.length }]);
    assert.deepEqual(r.title, r.titles[0]);
  });

  it('counts audio samples from granule steps', () => {
    const c = collect(new OggSplitter(), stream);
    assert.deepEqual(
      c.frames.map((f) => f.samples),
      [0, 0, 0, 1024, 1024, 1024, 1024],
    );
    assert.equal(c.frames[3]?.sampleRate, 44100);
    assert.ok(Math.abs(c.durationMs - (4096 * 1000) / 44100) < 1e-6);
  });

  it('gives identical output fed one byte at a time', () => {
    const input = concat(
      ascii('junk'),
      stream,
      ascii('OggS-junk'),
      concat(...vorbisStream(9, ['TITLE=B'])),
    );
    assert.deepEqual(
      chunkInvariant(collectBytewise(new OggSplitter(), input)),
      chunkInvariant(collect(new OggSplitter(), input)),
    );
  });

  it('skips junk before and between pages and counts it', () => {
    const junk = ascii('ICY 200 OK\r\nOggSOggS garbage\r\n');
    const input = concat(junk, ...pages.slice(0, 4), junk, ...pages.slice(4));
    const c = collect(new OggSplitter(), input);
    assert.deepEqual(c.data, stream);
    assert.equal(c.skipped, junk.length * 2);
  });

  it('drops a page whose CRC does not match and keeps the rest', () => {
    const damaged = pages.map((p) => p.slice());
    const page = damaged[4]!;
    page[60] = page[60]! ^ 0x01;
    const c = collect(new OggSplitter(), concat(...damaged));
    assert.equal(c.frames.length, pages.length - 1);
    assert.equal(c.skipped, pages[4]!.length);
    assert.deepEqual(c.data, concat(...pages.slice(0, 4), ...pages.slice(5)));
  });

  it('loses only the partial page when the stream is cut mid-page', () => {
    const c = collect(new OggSplitter(), stream.subarray(0, stream.length - 50));
    assert.equal(c.frames.length, pages.length - 1);
    assert.equal(c.skipped, pages[pages.length - 1]!.length - 50);
  });

  it('starts new headers and a new title for a chained stream after EOS', () => {
    const second = vorbisStream(88, ['TITLE=Next']);
    const input = concat(stream, ...second);
    const c = collect(new OggSplitter(), input, [1000]);
    assert.equal(c.headerChanges, 2);
    assert.deepEqual(c.headers[0], headerBytes);
    assert.deepEqual(c.headers[1], concat(...second.slice(0, 3)));
    assert.deepEqual(c.titles, [
      { title: 'Band - Tune', offset: pages[0]!.length },
      { title: 'Next', offset: stream.length + second[0]!.length },
    ]);
    assert.deepEqual(c.frames[pages.length]?.header, true);
    assert.deepEqual(c.frames[pages.length + 3]?.samples, 1024);
  });

  it('treats a BOS without a preceding EOS as a restarted encoder', () => {
    const first = vorbisStream(1, ['TITLE=A'], 2, false);
    const second = vorbisStream(2, ['TITLE=B'], 2);
    const s = new OggSplitter();
    s.push(concat(...first));
    const r = s.push(concat(...second));
    assert.equal(r.headersChanged, true);
    assert.deepEqual(s.headerPages, concat(...second.slice(0, 3)));
  });

  it('frames a stream joined midway without inventing headers or durations', () => {
    const c = collect(new OggSplitter(), concat(...pages.slice(4)));
    assert.equal(c.headerChanges, 0);
    assert.equal(c.frames.length, 3);
    assert.deepEqual(
      c.frames.map((f) => f.samples),
      [0, 0, 0],
    );
  });

  it('captures OpusHead and OpusTags and counts 48 kHz granules', () => {
    const head = concat(
      ascii('OpusHead'),
      Uint8Array.of(1, 2, 0x38, 1),
      u32le(44100),
      new Uint8Array(3),
    );
    const tags = concat(ascii('OpusTags'), vorbisComments(['ARTIST=Opus Band', 'TITLE=Opus Song']));
    const opus = [
      oggPage({ serial: 5, seq: 0, granule: 0, bos: true, packets: [head] }),
      oggPage({ serial: 5, seq: 1, granule: 0, packets: [tags] }),
      oggPage({ serial: 5, seq: 2, granule: 960 * 50, packets: [noise(120)] }),
    ];
    const s = new OggSplitter();
    const r = s.push(concat(...opus));
    assert.deepEqual(s.headerPages, concat(opus[0]!, opus[1]!));
    assert.equal(r.title?.title, 'Opus Band - Opus Song');
    assert.equal(r.frames[2]?.samples, 48000);
    assert.equal(r.frames[2]?.sampleRate, 48000);
    assert.equal(r.durationMs, 1000);
  });

  it('captures Ogg FLAC header packets up to the last metadata block', () => {
    const streaminfo = new Uint8Array(34);
    // 22050 Hz, stored as a 20-bit field starting 10 bytes into STREAMINFO.
    streaminfo.set([0x05, 0x62, 0x20], 10);
    const first = concat(
      ascii('\x7fFLAC'),
      Uint8Array.of(1, 0, 0, 1),
      ascii('fLaC'),
      Uint8Array.of(0, 0, 0, 34),
      streaminfo,
    );
    const comments = vorbisComments(['TITLE=Lossless']);
    const block = concat(Uint8Array.of(0x84, 0, 0, comments.length), comments);
    const flac = [
      oggPage({ serial: 3, seq: 0, granule: 0, bos: true, packets: [first] }),
      oggPage({ serial: 3, seq: 1, granule: 0, packets: [block] }),
      oggPage({ serial: 3, seq: 2, granule: 4410, packets: [noise(400)] }),
    ];
    const s = new OggSplitter();
    const r = s.push(concat(...flac));
    assert.equal(r.headersChanged, true);
    assert.deepEqual(s.headerPages, concat(flac[0]!, flac[1]!));
    assert.equal(r.title?.title, 'Lossless');
    assert.equal(r.frames[2]?.sampleRate, 22050);
    assert.equal(r.frames[2]?.samples, 4410);
  });

  it('resets on flush so a new stream starts clean', () => {
    const s = new OggSplitter();
    s.push(stream);
    s.flush();
    assert.equal(s.headerPages.length, 0);
    assert.equal(s.push(stream).headersChanged, true);
  });

  it('property: any chunking gives the same result', () => {
    const input = concat(ascii('xx'), stream, ...vorbisStream(4, ['ARTIST=X']));
    const reference = chunkInvariant(collect(new OggSplitter(), input));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 12 }),
        (sizes) => {
          assert.deepEqual(chunkInvariant(collect(new OggSplitter(), input, sizes)), reference);
        },
      ),
      { numRuns: 60 },
    );
  });
});
