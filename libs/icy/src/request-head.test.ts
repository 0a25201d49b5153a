/** Unit tests of the request-head parser: golden heads, body framing, errors and their statuses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IcyError } from './errors.js';
import {
  DEFAULT_HEAD_LIMITS,
  RequestHeadParser,
  type HeadLimits,
  type ParsedHead,
} from './request-head.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');

/** A plain, comparable view of a parse outcome: the head (with the body bytes after it) or the error. */
type Outcome =
  | { error: string; code: string; status: number }
  | (Omit<ParsedHead, 'headers' | 'query' | 'rest'> & {
      headers: Array<[string, string]>;
      query: string;
      body: ParsedHead['body'];
      after: string;
    })
  | { incomplete: true };

/** Pushes `input` in pieces of `size` bytes (0 = all at once) and describes the outcome. */
function run(input: Uint8Array, size: number, limits?: Partial<HeadLimits>): Outcome {
  const parser = new RequestHeadParser(limits);
  const step = size === 0 ? Math.max(input.length, 1) : size;
  try {
    for (let pos = 0; pos < input.length; pos += step) {
      const head = parser.push(input.subarray(pos, pos + step));
      if (head !== undefined) {
        const after = Buffer.concat([head.rest, input.subarray(pos + step)]).toString('latin1');
        const { headers, query, rest: _rest, ...restOfHead } = head;
        return { ...restOfHead, headers: [...headers], query: query.toString(), after };
      }
    }
    return { incomplete: true };
  } catch (err) {
    assert.ok(err instanceof IcyError, `expected an IcyError, got ${String(err)}`);
    return { error: err.name, code: err.code, status: err.httpStatus };
  }
}

/** Parses at once and byte by byte (and in 7-byte pieces); all must agree. */
function parse(text: string | Uint8Array, limits?: Partial<HeadLimits>): Outcome {
  const input = typeof text === 'string' ? enc(text) : text;
  const whole = run(input, 0, limits);
  assert.deepEqual(run(input, 1, limits), whole, 'byte-by-byte feeding differs');
  assert.deepEqual(run(input, 7, limits), whole, '7-byte feeding differs');
  return whole;
}

function status(text: string | Uint8Array, limits?: Partial<HeadLimits>): number | undefined {
  const out = parse(text, limits);
  return 'status' in out ? out.status : undefined;
}

describe('RequestHeadParser: golden heads', { timeout: 10_000 }, () => {
  it('parses a libshout PUT with the first audio bytes after the head', () => {
    const out = parse(
      'PUT /live.mp3 HTTP/1.1\r\n' +
        'Host: localhost:8000\r\n' +
        'Authorization: Basic c291cmNlOmhhY2ttZQ==\r\n' +
        'Content-Type: audio/mpeg\r\n' +
        'Expect: 100-continue\r\n' +
        'ice-name: Test Stream\r\n' +
        'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2\r\n' +
        '\r\n' +
        '\xff\xfb\x90\x00audio',
    );
    assert.deepEqual(out, {
      method: 'PUT',
      target: '/live.mp3',
      path: '/live.mp3',
      query: '',
      version: 'HTTP/1.1',
      headers: [
        ['Host', 'localhost:8000'],
        ['Authorization', 'Basic c291cmNlOmhhY2ttZQ=='],
        ['Content-Type', 'audio/mpeg'],
        ['Expect', '100-continue'],
        ['ice-name', 'Test Stream'],
        ['ice-audio-info', 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2'],
      ],
      body: { kind: 'close' },
      headBytes: 231,
      after: '\xff\xfb\x90\x00audio',
    });
  });

  it('parses a legacy SOURCE request with bare LF line endings', () => {
    const out = parse('SOURCE /live ICE/1.0\ncontent-type: audio/ogg\n\nOggS');
    assert.ok('method' in out);
    assert.equal(out.method, 'SOURCE');
    assert.equal(out.version, 'ICE/1.0');
    assert.deepEqual(out.headers, [['content-type', 'audio/ogg']]);
    assert.deepEqual(out.body, { kind: 'close' });
    assert.equal(out.after, 'OggS');
  });

  it('decodes the path, parses the query and keeps the raw target', () => {
    const out = parse(
      'GET /admin/metadata?mount=%2Flive&mode=updinfo&song=A+%26+B%20%E2%98%95 HTTP/1.0\r\n\r\n',
    );
    assert.ok('method' in out);
    assert.equal(out.target, '/admin/metadata?mount=%2Flive&mode=updinfo&song=A+%26+B%20%E2%98%95');
    assert.equal(out.path, '/admin/metadata');
    const q = new URLSearchParams(out.query);
    assert.equal(q.get('mount'), '/live');
    assert.equal(q.get('song'), 'A & B ☕');
    assert.deepEqual(out.body, { kind: 'none' });
    assert.equal(out.after, '');
    const decoded = parse('GET /my%2Emount%20x HTTP/1.1\r\n\r\n');
    assert.ok('path' in decoded);
    assert.equal(decoded.path, '/my.mount x');
  });

  it('takes path and query from an absolute-form target and accepts OPTIONS *', () => {
    const abs = parse('GET http://radio.example:8000/live?x=1 HTTP/1.1\r\n\r\n');
    assert.ok('path' in abs);
    assert.equal(abs.path, '/live');
    assert.equal(abs.query, 'x=1');
    const star = parse('OPTIONS * HTTP/1.1\r\n\r\n');
    assert.ok('path' in star);
    assert.equal(star.path, '*');
  });

  it('skips empty lines before the request line', () => {
    const out = parse('\r\n\nHEAD / HTTP/1.1\r\n\r\n');
    assert.ok('method' in out);
    assert.equal(out.method, 'HEAD');
    assert.equal(out.headBytes, 22);
  });

  it('accepts every supported method and version', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'SOURCE']) {
      for (const version of ['HTTP/1.0', 'HTTP/1.1', 'ICE/1.0']) {
        const out = parse(`${method} /m ${version}\r\n\r\n`);
        assert.ok('method' in out, `${method} ${version}`);
        assert.equal(out.method, method);
        assert.equal(out.version, version);
      }
    }
  });

  it('keeps Latin-1 header values readable and UTF-8 ones intact', () => {
    const bytes = Buffer.concat([
      enc('GET / HTTP/1.1\r\nice-name: Caf\xe9\r\nice-genre: '),
      Buffer.from('Café ☕', 'utf8'),
      enc('\r\n\r\n'),
    ]);
    const out = parse(bytes);
    assert.ok('headers' in out);
    assert.deepEqual(out.headers, [
      ['ice-name', 'Café'],
      ['ice-genre', 'Café ☕'],
    ]);
  });
});

describe('RequestHeadParser: body framing', { timeout: 10_000 }, () => {
  const framing = (method: string, headers: string): Outcome | ParsedHead['body'] => {
    const out = parse(`${method} /live HTTP/1.1\r\n${headers}\r\n`);
    return 'body' in out ? out.body : out;
  };

  it('derives none, length, chunked or until-close', () => {
    assert.deepEqual(framing('GET', ''), { kind: 'none' });
    assert.deepEqual(framing('POST', ''), { kind: 'none' });
    assert.deepEqual(framing('PUT', ''), { kind: 'close' });
    assert.deepEqual(framing('SOURCE', ''), { kind: 'close' });
    assert.deepEqual(framing('PUT', 'Content-Length: 42\r\n'), { kind: 'length', length: 42 });
    assert.deepEqual(framing('POST', 'Content-Length: 0\r\nContent-Length: 0\r\n'), {
      kind: 'length',
      length: 0,
    });
    assert.deepEqual(framing('POST', 'Content-Length: 7, 7\r\n'), { kind: 'length', length: 7 });
    assert.deepEqual(framing('PUT', 'Transfer-Encoding: chunked\r\n'), { kind: 'chunked' });
    assert.deepEqual(framing('PUT', 'Transfer-Encoding: Chunked,\r\n'), { kind: 'chunked' });
    assert.deepEqual(framing('PUT', 'Transfer-Encoding: identity\r\n'), { kind: 'close' });
  });

  it('refuses ambiguous or unsupported framing', () => {
    const code = (method: string, headers: string): string | undefined => {
      const out = framing(method, headers);
      return 'code' in out ? `${out.code} ${out.status}` : undefined;
    };
    const bad400 = 'MALFORMED_REQUEST 400';
    assert.equal(code('PUT', 'Transfer-Encoding: chunked\r\nContent-Length: 5\r\n'), bad400);
    assert.equal(code('PUT', 'Content-Length: 5\r\nContent-Length: 6\r\n'), bad400);
    assert.equal(code('PUT', 'Content-Length: -1\r\n'), bad400);
    assert.equal(code('PUT', 'Content-Length: 1e3\r\n'), bad400);
    assert.equal(code('PUT', 'Content-Length:\r\n'), bad400);
    assert.equal(code('PUT', 'Content-Length: 1234567890123456\r\n'), bad400);
    assert.equal(code('PUT', 'Transfer-Encoding: ,\r\n'), bad400);
    const te501 = 'TRANSFER_ENCODING_NOT_IMPLEMENTED 501';
    assert.equal(code('PUT', 'Transfer-Encoding: gzip\r\n'), te501);
    assert.equal(code('PUT', 'Transfer-Encoding: gzip, chunked\r\n'), te501);
    assert.equal(
      code('PUT', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n'),
      te501,
    );
  });
});

describe('RequestHeadParser: errors and statuses', { timeout: 10_000 }, () => {
  it('answers 400 for malformed request lines', () => {
    const lines = [
      'GET /\r\n\r\n',
      'GET\r\n\r\n',
      'GET  / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1 extra\r\n\r\n',
      'G(T / HTTP/1.1\r\n\r\n',
      'GET / HTTP/1\r\n\r\n',
      'GET / http/1.1\r\n\r\n',
      'GET live HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\r\n\r\n',
      'GET /a#frag HTTP/1.1\r\n\r\n',
      'GET /%zz HTTP/1.1\r\n\r\n',
      'GET /a%00b HTTP/1.1\r\n\r\n',
      'GET /\x00 HTTP/1.1\r\n\r\n',
      'GET /\xe9 HTTP/1.1\r\n\r\n',
      'GET /\tx HTTP/1.1\r\n\r\n',
      'GET * HTTP/1.1\r\n\r\n',
      'GET ftp://x/ HTTP/1.1\r\n\r\n',
    ];
    for (const line of lines) {
      assert.equal(status(line), 400, JSON.stringify(line));
    }
  });

  it('answers 400 for obs-fold, NULs, bad names and bare CRs in headers', () => {
    const heads = [
      'GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n',
      'GET / HTTP/1.1\r\nX-A: 1\r\n\tfolded\r\n\r\n',
      'GET / HTTP/1.1\r\nX-A: a\x00b\r\n\r\n',
      'GET / HTTP/1.1\r\nX\x00A: 1\r\n\r\n',
      'GET / HTTP/1.1\r\nX A: 1\r\n\r\n',
      'GET / HTTP/1.1\r\nX-A : 1\r\n\r\n',
      'GET / HTTP/1.1\r\nno colon\r\n\r\n',
      'GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n',
      'GET / HTTP/1.1\r\nX-A: 1\r\r\n\r\n',
    ];
    for (const head of heads) {
      const out = parse(head);
      assert.ok('code' in out, JSON.stringify(head));
      assert.deepEqual(out, {
        error: 'MalformedRequestError',
        code: 'MALFORMED_REQUEST',
        status: 400,
      });
    }
  });

  it('answers 501 for methods it does not implement and 505 for other versions', () => {
    for (const method of ['DELETE', 'PATCH', 'CONNECT', 'TRACE', 'get', 'STATS']) {
      assert.deepEqual(parse(`${method} / HTTP/1.1\r\n\r\n`), {
        error: 'MethodNotImplementedError',
        code: 'METHOD_NOT_IMPLEMENTED',
        status: 501,
      });
    }
    for (const version of ['HTTP/2.0', 'HTTP/0.9', 'ICE/2.0', 'RTSP/1.0']) {
      assert.deepEqual(parse(`GET / ${version}\r\n\r\n`), {
        error: 'VersionNotSupportedError',
        code: 'VERSION_NOT_SUPPORTED',
        status: 505,
      });
    }
  });

  it('answers 414 for a request line over the limit, at the limit it passes', () => {
    const limits = { maxRequestLineBytes: 32 };
    const line = (n: number): string => `GET /${'a'.repeat(n - 14)} HTTP/1.1`;
    assert.equal(line(32).length, 32);
    assert.equal(status(`${line(32)}\r\n\r\n`, limits), undefined);
    assert.equal(status(`${line(32)}\n\n`, limits), undefined);
    assert.deepEqual(parse(`${line(33)}\r\n\r\n`, limits), {
      error: 'RequestLineTooLongError',
      code: 'REQUEST_LINE_TOO_LONG',
      status: 414,
    });
    // The limit trips before the line ends, so an endless line cannot grow the buffer.
    assert.equal(status(line(40), limits), 414);
    const longDefault = `GET /${'a'.repeat(DEFAULT_HEAD_LIMITS.maxRequestLineBytes)} HTTP/1.1\r\n\r\n`;
    assert.equal(status(longDefault), 414);
  });

  it('answers 431 for a header line over the limit', () => {
    const limits = { maxHeaderLineBytes: 16 };
    assert.equal(status('GET / HTTP/1.1\r\nX: 0123456789abc\r\n\r\n', limits), undefined);
    assert.deepEqual(parse('GET / HTTP/1.1\r\nX: 0123456789abcd\r\n\r\n', limits), {
      error: 'HeaderLineTooLongError',
      code: 'HEADER_LINE_TOO_LONG',
      status: 431,
    });
    assert.equal(status(`GET / HTTP/1.1\r\nX: ${'v'.repeat(9000)}\r\n\r\n`), 431);
  });

  it('answers 431 for too many headers, exactly the limit passes', () => {
    const head = (n: number): string =>
      `GET / HTTP/1.1\r\n${Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join('')}\r\n`;
    assert.equal(status(head(3), { maxHeaders: 3 }), undefined);
    assert.deepEqual(parse(head(4), { maxHeaders: 3 }), {
      error: 'TooManyHeadersError',
      code: 'TOO_MANY_HEADERS',
      status: 431,
    });
    assert.equal(status(head(100)), undefined);
    assert.equal(status(head(101)), 431);
  });

  it('answers 431 for a head over the size limit, line endings included', () => {
    const text = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';
    assert.equal(text.length, 27);
    assert.equal(status(text, { maxHeadBytes: 27 }), undefined);
    assert.deepEqual(parse(text, { maxHeadBytes: 26 }), {
      error: 'HeadTooLargeError',
      code: 'HEAD_TOO_LARGE',
      status: 431,
    });
    const big = `X: ${'y'.repeat(6000)}\r\n`;
    assert.equal(status(`GET / HTTP/1.1\r\n${big}${big}\r\n`), undefined);
    assert.equal(status(`GET / HTTP/1.1\r\n${big}${big}${big}\r\n`), 431);
    // Blank lines before the request line count too, so they cannot be sent forever.
    assert.equal(status('\r\n'.repeat(9000)), 431);
  });

  it('does not count body bytes against the head limit', () => {
    const out = parse(`GET / HTTP/1.1\r\n\r\n${'b'.repeat(100)}`, { maxHeadBytes: 18 });
    assert.ok('after' in out);
    assert.equal(out.after.length, 100);
  });

  it('waits for more bytes while the head is incomplete', () => {
    assert.deepEqual(parse('GET / HTTP/1.1\r\nHost: a\r\n'), { incomplete: true });
    assert.deepEqual(parse(''), { incomplete: true });
  });

  it('refuses pushes after success or failure', () => {
    const ok = new RequestHeadParser();
    assert.ok(ok.push(enc('GET / HTTP/1.1\r\n\r\n')));
    assert.throws(() => ok.push(enc('x')), TypeError);
    const bad = new RequestHeadParser();
    assert.throws(() => bad.push(enc('BAD LINE\r\n')), { code: 'MALFORMED_REQUEST' });
    assert.throws(() => bad.push(enc('x')), /failed/);
  });

  it('returns rest as a view of the pushed chunk', () => {
    const chunk = enc('GET / HTTP/1.1\r\n\r\nBODY');
    const head = new RequestHeadParser().push(chunk)!;
    assert.equal(head.rest.buffer, chunk.buffer);
    assert.equal(Buffer.from(head.rest).toString(), 'BODY');
  });
});
