/** Unit tests of the chunked body decoder: golden bodies fed whole and in pieces, errors, limits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkedDecoder, decodeChunked } from './chunked.js';
import { IcyError } from './errors.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('ChunkedDecoder', { timeout: 10_000 }, () => {
  const body =
    '4\r\nWiki\r\n' +
    '6;name=value\r\npedia \r\n' +
    'E \r\nin \r\n\r\nchunks.\r\n' +
    '0\r\nX-Trailer: 1\r\n\r\n';

  /** Decodes in pieces of `size` bytes (0 = all at once): payload, done, bytes after, or error code. */
  function decode(
    text: string,
    size: number,
    limits?: ConstructorParameters<typeof ChunkedDecoder>[0],
  ) {
    const input = enc(text);
    const decoder = new ChunkedDecoder(limits);
    const step = size === 0 ? Math.max(input.length, 1) : size;
    const parts: Uint8Array[] = [];
    try {
      for (let pos = 0; pos < input.length && !decoder.done; pos += step) {
        parts.push(decoder.push(input.subarray(pos, pos + step)));
        if (decoder.done) {
          const after = Buffer.concat([decoder.rest, input.subarray(pos + step)]);
          return {
            payload: Buffer.concat(parts).toString('latin1'),
            done: true,
            after: after.toString(),
          };
        }
      }
      return { payload: Buffer.concat(parts).toString('latin1'), done: false };
    } catch (err) {
      assert.ok(err instanceof IcyError);
      return { error: err.code, status: err.httpStatus };
    }
  }

  function decodeAll(text: string, limits?: ConstructorParameters<typeof ChunkedDecoder>[0]) {
    const whole = decode(text, 0, limits);
    assert.deepEqual(decode(text, 1, limits), whole, 'byte-by-byte feeding differs');
    assert.deepEqual(decode(text, 5, limits), whole, '5-byte feeding differs');
    return whole;
  }

  it('decodes the RFC example with extensions and trailers, byte by byte too', () => {
    assert.deepEqual(decodeAll(`${body}NEXT`), {
      payload: 'Wikipedia in \r\n\r\nchunks.',
      done: true,
      after: 'NEXT',
    });
  });

  it('streams payload as it arrives and reports not-done until the last chunk', () => {
    const decoder = new ChunkedDecoder();
    assert.equal(Buffer.from(decoder.push(enc('a\r\n01234'))).toString(), '01234');
    assert.equal(Buffer.from(decoder.push(enc('56789\r\n'))).toString(), '56789');
    assert.equal(decoder.done, false);
    assert.equal(decoder.push(enc('0\r\n')).length, 0);
    assert.equal(decoder.done, false);
    assert.equal(decoder.push(enc('\r\n')).length, 0);
    assert.equal(decoder.done, true);
    assert.equal(decoder.rest.length, 0);
    assert.throws(() => decoder.push(enc('x')), { name: 'TypeError', message: /ended/ });
  });

  it('refuses pushes after a failure', () => {
    const decoder = new ChunkedDecoder();
    assert.throws(() => decoder.push(enc('zz\r\n')), { code: 'BAD_CHUNK' });
    assert.throws(() => decoder.push(enc('0\r\n\r\n')), { name: 'TypeError', message: /failed/ });
  });

  it('accepts upper-case hex, leading zeros and whitespace before extensions', () => {
    assert.deepEqual(decodeAll('0A \t;x\r\n0123456789\r\n000\r\n\r\n'), {
      payload: '0123456789',
      done: true,
      after: '',
    });
  });

  it('rejects bad chunk sizes and framing with BAD_CHUNK (400)', () => {
    const bad = [
      'x\r\n',
      '\r\n',
      '-1\r\n',
      '+1\r\n',
      ' 1\r\n',
      '1 x\r\n',
      '0x10\r\n',
      '12345678901234\r\n',
      '1;a\x00b\r\n',
      '1\n',
      '1\rx',
      '3\r\nabcX',
      '3\r\nabc\rX',
      '0\r\nX: 1\n',
    ];
    for (const text of bad) {
      assert.deepEqual(decodeAll(text), { error: 'BAD_CHUNK', status: 400 }, JSON.stringify(text));
    }
  });

  it('limits the chunk-size line and the trailer section', () => {
    const ext = `1;${'e'.repeat(10)}\r\nA\r\n0\r\n\r\n`;
    assert.deepEqual(decodeAll(ext, { maxLineBytes: 12 }), { payload: 'A', done: true, after: '' });
    assert.deepEqual(decodeAll(ext, { maxLineBytes: 11 }), {
      error: 'CHUNK_LINE_TOO_LONG',
      status: 400,
    });
    assert.deepEqual(decodeAll(`1;${'e'.repeat(5000)}\r\n`), {
      error: 'CHUNK_LINE_TOO_LONG',
      status: 400,
    });
    const trailer = '0\r\nA: 1\r\nB: 2\r\n\r\n';
    assert.deepEqual(decodeAll(trailer, { maxTrailerBytes: 14 }), {
      payload: '',
      done: true,
      after: '',
    });
    assert.deepEqual(decodeAll(trailer, { maxTrailerBytes: 13 }), {
      error: 'CHUNK_LINE_TOO_LONG',
      status: 400,
    });
  });

  it('decodeChunked decodes a whole body and refuses truncated or overlong ones', () => {
    assert.equal(Buffer.from(decodeChunked(enc(body))).toString(), 'Wikipedia in \r\n\r\nchunks.');
    assert.equal(decodeChunked(enc('0\r\n\r\n')).length, 0);
    assert.throws(() => decodeChunked(enc('4\r\nWiki\r\n')), {
      code: 'BAD_CHUNK',
      message: /ends before/,
    });
    assert.throws(() => decodeChunked(enc('0\r\n\r\nmore')), {
      code: 'BAD_CHUNK',
      message: /after/,
    });
  });
});
