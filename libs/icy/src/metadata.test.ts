/**
 * Tests of ICY metadata encoding and decoding: golden vectors, tolerant decoding of foreign
 * blocks, and property tests that no title can inject a field, overflow 4080 bytes or split a
 * character.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  EMPTY_METADATA_BLOCK,
  ICY_METAINT_DEFAULT,
  MAX_META_BYTES,
  decodeMetadataBlock,
  encodeMetadataBlock,
  parseMetadataText,
  sanitizeMetadataValue,
  type IcyCharset,
} from './metadata.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const latin1Block = (text: string): Uint8Array => {
  const units = Math.ceil(text.length / 16);
  const out = new Uint8Array(1 + units * 16);
  out[0] = units;
  out.set(Buffer.from(text, 'latin1'), 1);
  return out;
};

describe('metadata constants', { timeout: 5000 }, () => {
  it('use the reference values', () => {
    assert.equal(ICY_METAINT_DEFAULT, 16000);
    assert.equal(MAX_META_BYTES, 4080);
    assert.deepEqual([...EMPTY_METADATA_BLOCK], [0]);
  });
});

describe('encodeMetadataBlock golden vectors', { timeout: 5000 }, () => {
  const utf8 = { charset: 'utf-8' } as const;
  it('encodes a plain title with NUL padding', () => {
    assert.equal(
      hex(encodeMetadataBlock({ title: 'Artist - Title' }, utf8)),
      '0253747265616d5469746c653d27417274697374202d205469746c65273b000000',
    );
  });
  it('still sends StreamTitle for a missing title', () => {
    assert.equal(hex(encodeMetadataBlock({}, utf8)), '0153747265616d5469746c653d27273b00');
    assert.equal(
      hex(encodeMetadataBlock({ title: '', url: '' }, utf8)),
      hex(encodeMetadataBlock({}, utf8)),
    );
  });
  it('needs no padding when the text fills whole units', () => {
    assert.equal(
      hex(encodeMetadataBlock({ title: 'x' }, utf8)),
      '0153747265616d5469746c653d2778273b',
    );
  });
  it('turns an apostrophe into U+2019 and adds the url', () => {
    assert.equal(
      hex(encodeMetadataBlock({ title: "Don't Stop", url: 'http://x.org/a' }, utf8)),
      '0453747265616d5469746c653d27446f6ee28099742053746f70273b53747265616d55726c3d27687474703a2f2f78' +
        '2e6f72672f61273b00000000000000000000',
    );
  });
  it('uses a backtick and ? in latin1', () => {
    assert.equal(
      hex(encodeMetadataBlock({ title: "Café ☕ Don't" }, { charset: 'latin1' })),
      '0253747265616d5469746c653d27436166e9203f20446f6e6074273b0000000000',
    );
  });
  it('defuses an injection attempt', () => {
    const block = encodeMetadataBlock({ title: "a';StreamUrl='evil';" }, utf8);
    assert.equal(
      hex(block),
      '0353747265616d5469746c653d2761e280993b53747265616d55726c3de280996576696ce280993b273b' +
        '00000000000000',
    );
    assert.deepEqual(decodeMetadataBlock(block).fields, {
      StreamTitle: 'a’;StreamUrl=’evil’;',
    });
  });
  it('strips control characters and joins lines with a space', () => {
    const block = encodeMetadataBlock({ title: 'A\r\nB\u0000C\u0007\u0085D\tE' }, utf8);
    assert.equal(decodeMetadataBlock(block).title, 'A BCD E');
  });
  it('percent-encodes quotes and non-ASCII in the url', () => {
    const block = encodeMetadataBlock({ title: 't', url: "http://x/it's é" }, utf8);
    assert.equal(decodeMetadataBlock(block).url, 'http://x/it%27s%C3%A9');
  });
  it('drops the url before truncating the title', () => {
    const title = 'a'.repeat(4000);
    const block = encodeMetadataBlock(
      { title, url: 'http://example.org/' + 'p'.repeat(100) },
      utf8,
    );
    const meta = decodeMetadataBlock(block);
    assert.equal(meta.title, title);
    assert.equal(meta.url, undefined);
  });
  it('truncates a long title on a character boundary to exactly fit', () => {
    const block = encodeMetadataBlock({ title: '€'.repeat(2000) }, utf8);
    assert.equal(block.length, 1 + 255 * 16);
    // 4065 bytes are left for the title; 1355 three-byte euros fill them exactly.
    assert.equal(decodeMetadataBlock(block, 'utf-8').title, '€'.repeat(1355));
  });
});

describe('decodeMetadataBlock on foreign blocks', { timeout: 5000 }, () => {
  it('keeps an unescaped apostrophe as Icecast sends it', () => {
    const meta = decodeMetadataBlock(latin1Block("StreamTitle='Don't Stop';StreamUrl='http://x';"));
    assert.deepEqual(meta, {
      title: "Don't Stop",
      url: 'http://x',
      fields: { StreamTitle: "Don't Stop", StreamUrl: 'http://x' },
    });
  });
  it("takes a value up to the last '; before the next field", () => {
    const meta = parseMetadataText("StreamTitle='Rock';n';Roll';Other='x';");
    assert.equal(meta.title, "Rock';n';Roll");
    assert.equal(meta.fields.Other, 'x');
  });
  it('falls back to latin1 for invalid UTF-8 and honours an explicit charset', () => {
    const block = latin1Block("StreamTitle='Café';");
    assert.equal(decodeMetadataBlock(block).title, 'Café');
    const utf8 = encodeMetadataBlock({ title: 'Café' }, { charset: 'utf-8' });
    assert.equal(decodeMetadataBlock(utf8).title, 'Café');
    assert.equal(decodeMetadataBlock(utf8, 'latin1').title, 'CafÃ©');
  });
  it('tolerates truncation, whitespace, odd keys and garbage', () => {
    assert.equal(parseMetadataText("StreamTitle='half a tit").title, 'half a tit');
    assert.equal(parseMetadataText("  StreamTitle='a'; StreamUrl='b';  ").url, 'b');
    assert.deepEqual(parseMetadataText('no fields here').fields, {});
    assert.deepEqual(decodeMetadataBlock(EMPTY_METADATA_BLOCK), { fields: {} });
    const proto = parseMetadataText("StreamTitle='t';constructor='x';__proto__='y';");
    assert.deepEqual(proto.fields, { StreamTitle: 't', constructor: "x';__proto__='y" });
    const dup = parseMetadataText("StreamTitle='first';StreamTitle='second';");
    assert.equal(dup.title, 'first');
  });
});

/** Unicode titles weighted towards the characters that could break a block. */
const nasty = fc.constantFrom(
  "'",
  ';',
  "';",
  "';StreamUrl='evil';",
  "StreamTitle='x';",
  '\u0000',
  '\r\n',
  '\u0085',
  '\u2028',
  '\ud800',
  '\udc00',
  '😀',
  'é',
  '€',
  '\u0301',
  '=',
);
const titleArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof(nasty, fc.string({ maxLength: 4 })), { maxLength: 60 })
      .map((a) => a.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 4000, maxLength: 5200 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '€', '😀', "'", 'é'), fc.integer({ min: 1000, max: 5000 }))
      .map(([c, n]) => c.repeat(n)),
  },
);
const urlArb = fc.option(fc.oneof(fc.webUrl(), fc.string({ unit: 'binary', maxLength: 100 })), {
  nil: undefined,
});

/** The byte length of one code point in the charset. */
const cpBytes = (ch: string, charset: IcyCharset): number =>
  charset === 'latin1' ? 1 : Buffer.byteLength(ch, 'utf8');

/** What common player parsers extract as the title: up to the first `'`, and up to the first `';`. */
function playerTitles(text: string): [string, string] {
  const start = "StreamTitle='".length;
  const firstQuote = text.slice(start, text.indexOf("'", start));
  const firstEnd = text.slice(start, text.indexOf("';", start));
  return [firstQuote, firstEnd];
}

function checkRoundTrip(title: string, url: string | undefined, charset: IcyCharset): void {
  const block = encodeMetadataBlock({ title, url }, { charset });
  assert.ok(block.length <= 1 + MAX_META_BYTES, 'block too long');
  assert.equal(block.length, 1 + (block[0] ?? 0) * 16);
  const payload = block.subarray(1);
  const nul = payload.indexOf(0);
  const textBytes = nul === -1 ? payload : payload.subarray(0, nul);
  assert.ok(
    payload.subarray(textBytes.length).every((b) => b === 0),
    'padding must be NULs',
  );
  assert.ok(textBytes.length > payload.length - 16, 'length byte must be minimal');
  const text =
    charset === 'utf-8'
      ? new TextDecoder('utf-8', { fatal: true }).decode(textBytes)
      : Buffer.from(textBytes).toString('latin1');
  assert.match(text, /^StreamTitle='[^']*';(StreamUrl='[^']*';)?$/);
  const meta = decodeMetadataBlock(block, charset);
  const keys = Object.keys(meta.fields);
  assert.ok(
    keys.every((k) => k === 'StreamTitle' || k === 'StreamUrl'),
    `extra field ${keys}`,
  );
  const got = meta.title ?? '';
  assert.deepEqual(playerTitles(text), [got, got]);
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point.
  assert.doesNotMatch(got, /[\u0000-\u001f\u007f-\u009f']/);
  const want = sanitizeMetadataValue(title, charset);
  assert.ok(want.startsWith(got), 'decoded title must be a prefix of the sanitized title');
  if (got !== want) {
    assert.equal(meta.url, undefined, 'the url goes before the title is cut');
    const next = [...want.slice(got.length)][0] ?? '';
    assert.ok(textBytes.length + cpBytes(next, charset) > MAX_META_BYTES, 'cut more than needed');
  }
  if (charset === 'latin1') {
    assert.ok([...got].every((c) => (c.codePointAt(0) ?? 0) <= 0xff));
  }
}

describe('metadata properties', { timeout: 60000 }, () => {
  it('utf-8 encode→decode never injects, overflows or splits (3000 runs)', () => {
    fc.assert(
      fc.property(titleArb, urlArb, (title, url) => checkRoundTrip(title, url, 'utf-8')),
      { numRuns: 3000 },
    );
  });
  it('latin1 encode→decode never injects or overflows (1500 runs)', () => {
    fc.assert(
      fc.property(titleArb, urlArb, (title, url) => checkRoundTrip(title, url, 'latin1')),
      { numRuns: 1500 },
    );
  });
});
