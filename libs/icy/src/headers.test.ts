import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  HeaderMap,
  LineReader,
  decodeHeaderText,
  hasControlChar,
  parseFieldLine,
} from './headers.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const fail = (reason: string): Error => new SyntaxError(reason);

describe('HeaderMap', { timeout: 10_000 }, () => {
  it('looks names up case-insensitively and keeps original names and order', () => {
    const h = new HeaderMap([
      ['Content-Type', 'audio/mpeg'],
      ['ice-name', 'One'],
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ]);
    assert.equal(h.get('content-type'), 'audio/mpeg');
    assert.equal(h.get('CONTENT-TYPE'), 'audio/mpeg');
    assert.equal(h.get('missing'), undefined);
    assert.deepEqual(h.getAll('X-DUP'), ['a', 'b']);
    assert.deepEqual(h.getAll('nope'), []);
    assert.equal(h.has('Ice-Name'), true);
    assert.equal(h.has('ice-genre'), false);
    assert.equal(h.size, 4);
    assert.deepEqual(
      [...h],
      [
        ['Content-Type', 'audio/mpeg'],
        ['ice-name', 'One'],
        ['X-Dup', 'a'],
        ['x-dup', 'b'],
      ],
    );
  });

  it('keeps an empty value distinct from an absent one', () => {
    const h = new HeaderMap([['ice-genre', '']]);
    assert.equal(h.get('ice-genre'), '');
    assert.equal(h.has('ice-genre'), true);
  });

  it('set replaces every value in place of the first and appends new names', () => {
    const h = new HeaderMap([
      ['A', '1'],
      ['B', '2'],
      ['a', '3'],
      ['C', '4'],
    ]);
    h.set('a', 'x');
    assert.deepEqual(
      [...h.entries()],
      [
        ['a', 'x'],
        ['B', '2'],
        ['C', '4'],
      ],
    );
    h.set('D', '5');
    assert.deepEqual(h.getAll('d'), ['5']);
    assert.equal(h.size, 4);
  });

  it('delete removes every value and says whether it removed any', () => {
    const h = new HeaderMap();
    h.append('X', '1');
    h.append('y', '2');
    h.append('x', '3');
    assert.equal(h.delete('X'), true);
    assert.equal(h.delete('X'), false);
    assert.deepEqual([...h], [['y', '2']]);
  });

  it('hands out copies of entries, so callers cannot edit the map by accident', () => {
    const h = new HeaderMap([['A', '1']]);
    const [entry] = [...h];
    entry![1] = 'changed';
    assert.equal(h.get('a'), '1');
  });
});

describe('decodeHeaderText and hasControlChar', { timeout: 10_000 }, () => {
  it('reads valid UTF-8 as UTF-8 and anything else as Latin-1', () => {
    assert.equal(decodeHeaderText(Buffer.from('Café ☕', 'utf8')), 'Café ☕');
    assert.equal(decodeHeaderText(Uint8Array.of(0x43, 0x61, 0x66, 0xe9)), 'Café');
    assert.equal(decodeHeaderText(new Uint8Array(0)), '');
  });

  it('finds control characters, with tab optionally allowed', () => {
    assert.equal(hasControlChar('plain text'), false);
    assert.equal(hasControlChar('a\tb'), true);
    assert.equal(hasControlChar('a\tb', true), false);
    assert.equal(hasControlChar('a\x00b', true), true);
    assert.equal(hasControlChar('a\x7fb'), true);
    assert.equal(hasControlChar('line\r\n'), true);
  });
});

describe('parseFieldLine', { timeout: 10_000 }, () => {
  it('splits at the first colon and trims spaces and tabs', () => {
    assert.deepEqual(parseFieldLine(enc('Host:  example.org \t'), fail), ['Host', 'example.org']);
    assert.deepEqual(parseFieldLine(enc('icy-url:http://a.b:8000/x'), fail), [
      'icy-url',
      'http://a.b:8000/x',
    ]);
    assert.deepEqual(parseFieldLine(enc('X-Empty:'), fail), ['X-Empty', '']);
    assert.deepEqual(parseFieldLine(enc('X-Tab: a\tb'), fail), ['X-Tab', 'a\tb']);
  });

  it('decodes UTF-8 values', () => {
    assert.deepEqual(parseFieldLine(Buffer.from('ice-name: Rádio ☕', 'utf8'), fail), [
      'ice-name',
      'Rádio ☕',
    ]);
  });

  it('rejects obs-fold, missing colons, bad names and control characters', () => {
    const bad: Array<[string, RegExp]> = [
      [' folded', /line folding/],
      ['\tfolded', /line folding/],
      ['no colon here', /without a colon/],
      [': empty name', /invalid header name/],
      ['Bad Name: x', /invalid header name/],
      ['Host : x', /invalid header name/],
      ['Bad\x00: x', /invalid header name/],
      ['X: a\x00b', /control character/],
      ['X: a\rb', /control character/],
      ['X: a\x7fb', /control character/],
    ];
    for (const [line, message] of bad) {
      assert.throws(() => parseFieldLine(enc(line), fail), { name: 'SyntaxError', message }, line);
    }
  });
});

describe('LineReader', { timeout: 10_000 }, () => {
  const tooLong = (): Error => new RangeError('line');
  const tooBig = (): Error => new RangeError('total');

  function lines(reader: LineReader, chunks: string[], max = 100): string[] {
    const out: string[] = [];
    for (const c of chunks) {
      const bytes = enc(c);
      let pos = 0;
      for (;;) {
        const r = reader.read(bytes, pos, max, tooLong);
        if (r === undefined) {
          break;
        }
        out.push(Buffer.from(r.line).toString('latin1'));
        pos = r.next;
      }
    }
    return out;
  }

  it('splits on CRLF and bare LF, stripping one CR', () => {
    const reader = new LineReader(1000, tooBig);
    assert.deepEqual(lines(reader, ['a\r\nb\nc\r\r\n\r\n']), ['a', 'b', 'c\r', '']);
    assert.equal(reader.totalBytes, 11);
  });

  it('joins lines split across chunks, byte by byte included', () => {
    const text = 'first line\r\nsecond\nthird\r\n';
    const reader = new LineReader(1000, tooBig);
    assert.deepEqual(lines(reader, [...text]), ['first line', 'second', 'third']);
  });

  it('allows a line of exactly the limit, with or without CR', () => {
    assert.deepEqual(lines(new LineReader(100, tooBig), ['abcd\r\nefgh\n'], 4), ['abcd', 'efgh']);
    assert.deepEqual(lines(new LineReader(100, tooBig), [...'abcd\r\n'], 4), ['abcd']);
  });

  it('throws for a line over the limit, whatever the chunking', () => {
    for (const chunks of [
      ['abcde\n'],
      [...'abcde\n'],
      ['abcde\r'],
      [...'abcdef'],
      ['abc', 'def'],
    ]) {
      assert.throws(() => lines(new LineReader(100, tooBig), chunks, 4), { message: 'line' });
    }
    // Five bytes may still be four plus the CR of a CRLF, so the verdict waits for the next byte.
    assert.deepEqual(lines(new LineReader(100, tooBig), ['abcde'], 4), []);
  });

  it('throws when the total budget is exceeded, line endings included', () => {
    assert.deepEqual(lines(new LineReader(6, tooBig), ['ab\r\nc\n']), ['ab', 'c']);
    assert.throws(() => lines(new LineReader(6, tooBig), ['ab\r\ncd\n']), { message: 'total' });
    assert.throws(() => lines(new LineReader(6, tooBig), [...'ab\r\ncd\n']), { message: 'total' });
  });

  it('does not keep a reference to the caller’s chunk for a partial line', () => {
    const reader = new LineReader(100, tooBig);
    const chunk = enc('abc');
    assert.equal(reader.read(chunk, 0, 10, tooLong), undefined);
    chunk.fill(0x7a);
    const r = reader.read(enc('d\n'), 0, 10, tooLong);
    assert.equal(Buffer.from(r!.line).toString(), 'abcd');
    assert.equal(r!.next, 2);
  });
});
