import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IcyError } from './errors.js';
import { HeaderMap } from './headers.js';
import {
  SHOUTCAST_INVALID_PASSWORD_REPLY,
  SHOUTCAST_OK_REPLY,
  ShoutcastHandshakeParser,
  iceHeadersFromShoutcast,
  shoutcastInvalidPasswordReply,
  shoutcastOkReply,
  type ShoutcastLimits,
} from './shoutcast.js';

const enc = (s: string): Buffer => Buffer.from(s, 'latin1');

type Step =
  | { type: 'password'; mount: string | undefined; password: string }
  | { type: 'headers'; headers: Array<[string, string]>; audio: string }
  | { error: string; code: string };

/** Pushes `text` in pieces of `size` bytes (0 = at once): the events, audio joined up, or the error. */
function run(text: string, size: number, limits?: Partial<ShoutcastLimits>): Step[] {
  const input = enc(text);
  const parser = new ShoutcastHandshakeParser(limits);
  const step = size === 0 ? Math.max(input.length, 1) : size;
  const out: Step[] = [];
  try {
    for (let pos = 0; pos < input.length; pos += step) {
      for (const event of parser.push(input.subarray(pos, pos + step))) {
        if (event.type === 'password') {
          out.push({ ...event });
        } else {
          const audio = Buffer.concat([event.rest, input.subarray(pos + step)]).toString('latin1');
          out.push({ type: 'headers', headers: [...event.headers], audio });
          assert.equal(parser.stage, 'done');
          return out;
        }
      }
    }
    return out;
  } catch (err) {
    assert.ok(err instanceof IcyError);
    assert.equal(parser.stage, 'failed');
    // A failed handshake is failed whatever was reported before, so only the error is compared.
    return [{ error: err.name, code: err.code }];
  }
}

function handshake(text: string, limits?: Partial<ShoutcastLimits>): Step[] {
  const whole = run(text, 0, limits);
  assert.deepEqual(run(text, 1, limits), whole, 'byte-by-byte feeding differs');
  assert.deepEqual(run(text, 3, limits), whole, '3-byte feeding differs');
  return whole;
}

describe('SHOUTcast replies', { timeout: 10_000 }, () => {
  it('are byte-exact', () => {
    assert.equal(SHOUTCAST_OK_REPLY, 'OK2\r\nicy-caps:11\r\n\r\n');
    assert.deepEqual(shoutcastOkReply(), enc('OK2\r\nicy-caps:11\r\n\r\n'));
    assert.equal(shoutcastOkReply().length, 20);
    assert.equal(SHOUTCAST_INVALID_PASSWORD_REPLY, 'invalid password\r\n');
    assert.deepEqual(shoutcastInvalidPasswordReply(), enc('invalid password\r\n'));
  });
});

describe('ShoutcastHandshakeParser', { timeout: 10_000 }, () => {
  const headers =
    'icy-name:Test Stream\r\nicy-genre:Rock\r\nicy-url:http://example.org\r\n' +
    'icy-pub:1\r\nicy-br:128\r\ncontent-type:audio/aacp\r\n\r\n';
  const headerList: Array<[string, string]> = [
    ['icy-name', 'Test Stream'],
    ['icy-genre', 'Rock'],
    ['icy-url', 'http://example.org'],
    ['icy-pub', '1'],
    ['icy-br', '128'],
    ['content-type', 'audio/aacp'],
  ];

  it('reads the password, then the headers and the first audio bytes', () => {
    assert.deepEqual(handshake(`hackme\r\n${headers}\xff\xf1audio`), [
      { type: 'password', mount: undefined, password: 'hackme' },
      { type: 'headers', headers: headerList, audio: '\xff\xf1audio' },
    ]);
  });

  it('reports the password before the headers arrive, so the server can answer OK2', () => {
    const parser = new ShoutcastHandshakeParser();
    assert.deepEqual(parser.push(enc('hack')), []);
    assert.equal(parser.stage, 'password');
    assert.deepEqual(parser.push(enc('me\r\nicy-na')), [
      { type: 'password', mount: undefined, password: 'hackme' },
    ]);
    assert.equal(parser.stage, 'headers');
    const [event] = parser.push(enc('me:x\r\n\r\n'));
    assert.ok(event?.type === 'headers');
    assert.equal(event.headers.get('ICY-NAME'), 'x');
    assert.equal(event.rest.length, 0);
    assert.throws(() => parser.push(enc('audio')), TypeError);
  });

  it('accepts LF endings, extra CRs after the password and no headers at all', () => {
    assert.deepEqual(handshake('pw\r\r\n\nAUDIO'), [
      { type: 'password', mount: undefined, password: 'pw' },
      { type: 'headers', headers: [], audio: 'AUDIO' },
    ]);
    assert.deepEqual(handshake('pw\nicy-name: Spaced \n\n'), [
      { type: 'password', mount: undefined, password: 'pw' },
      { type: 'headers', headers: [['icy-name', 'Spaced']], audio: '' },
    ]);
  });

  it('reads /mount:password, and keeps colons in a plain password', () => {
    assert.deepEqual(handshake('/live.aac:se:cret\r\n\r\n').slice(0, 1), [
      { type: 'password', mount: '/live.aac', password: 'se:cret' },
    ]);
    assert.deepEqual(handshake('se:cret\r\n\r\n').slice(0, 1), [
      { type: 'password', mount: undefined, password: 'se:cret' },
    ]);
    assert.deepEqual(handshake('/:pw\r\n\r\n').slice(0, 1), [
      { type: 'password', mount: undefined, password: '/:pw' },
    ]);
  });

  it('decodes a UTF-8 password and header values', () => {
    const out = run(
      Buffer.from('pässwörd\r\nicy-name:Rádio ☕\r\n\r\n', 'utf8').toString('latin1'),
      1,
    );
    assert.deepEqual(out, [
      { type: 'password', mount: undefined, password: 'pässwörd' },
      { type: 'headers', headers: [['icy-name', 'Rádio ☕']], audio: '' },
    ]);
  });

  it('rejects an empty or binary password line and malformed header lines', () => {
    const bad = (error: string, code: string) => ({ error, code });
    const hs = bad('ShoutcastHandshakeError', 'BAD_SHOUTCAST_HANDSHAKE');
    assert.deepEqual(handshake('\r\n'), [hs]);
    assert.deepEqual(handshake('p\x00w\r\n'), [hs]);
    assert.deepEqual(handshake('pw\r\nno colon\r\n\r\n'), [hs]);
    assert.deepEqual(handshake('pw\r\nicy-name:a\r\n folded\r\n\r\n'), [hs]);
    assert.deepEqual(handshake('pw\r\nicy name:a\r\n\r\n'), [hs]);
    assert.deepEqual(handshake('pw\r\nicy-name:a\x01\r\n\r\n'), [hs]);
  });

  it('enforces the line, header-count and handshake-size limits', () => {
    const line = { error: 'HeaderLineTooLongError', code: 'HEADER_LINE_TOO_LONG' };
    assert.deepEqual(handshake(`${'p'.repeat(8)}\r\n`, { maxLineBytes: 8 }).length, 1);
    assert.deepEqual(handshake(`${'p'.repeat(9)}\r\n`, { maxLineBytes: 8 }), [line]);
    assert.deepEqual(handshake(`${'p'.repeat(9000)}`), [line]);
    assert.deepEqual(handshake('pw\r\nicy-name:123\r\n\r\n', { maxLineBytes: 12 }).length, 2);
    assert.deepEqual(handshake('pw\r\nicy-name:1234\r\n\r\n', { maxLineBytes: 12 }), [line]);

    const many = (n: number): string =>
      `pw\r\n${Array.from({ length: n }, (_, i) => `icy-x${i}:${i}\r\n`).join('')}\r\n`;
    assert.equal(handshake(many(2), { maxHeaders: 2 }).length, 2);
    assert.deepEqual(handshake(many(3), { maxHeaders: 2 }), [
      { error: 'TooManyHeadersError', code: 'TOO_MANY_HEADERS' },
    ]);
    assert.deepEqual(handshake(many(101)), [
      { error: 'TooManyHeadersError', code: 'TOO_MANY_HEADERS' },
    ]);

    const text = 'pw\r\nicy-br:1\r\n\r\n';
    assert.equal(text.length, 16);
    assert.equal(handshake(text, { maxHandshakeBytes: 16 }).length, 2);
    assert.deepEqual(handshake(text, { maxHandshakeBytes: 15 }), [
      { error: 'HeadTooLargeError', code: 'HEAD_TOO_LARGE' },
    ]);
    const big = `icy-x:${'v'.repeat(6000)}\r\n`;
    assert.deepEqual(handshake(`pw\r\n${big}${big}${big}\r\n`), [
      { error: 'HeadTooLargeError', code: 'HEAD_TOO_LARGE' },
    ]);
  });

  it('refuses pushes after a failure', () => {
    const parser = new ShoutcastHandshakeParser();
    assert.throws(() => parser.push(enc('\n')), { code: 'BAD_SHOUTCAST_HANDSHAKE' });
    assert.throws(() => parser.push(enc('pw\n')), TypeError);
  });
});

describe('iceHeadersFromShoutcast', { timeout: 10_000 }, () => {
  it('renames icy-* headers to their ice-* names and drops the rest', () => {
    const headers = new HeaderMap([
      ['icy-name', 'Test'],
      ['ICY-Genre', 'Rock'],
      ['icy-url', 'http://example.org'],
      ['icy-pub', '1'],
      ['icy-br', '128'],
      ['icy-description', 'desc'],
      ['icy-metaint', '8192'],
      ['content-type', 'audio/mpeg'],
      ['icy-name', 'second value loses'],
    ]);
    assert.deepEqual(iceHeadersFromShoutcast(headers), {
      'ice-name': 'Test',
      'ice-genre': 'Rock',
      'ice-url': 'http://example.org',
      'ice-public': '1',
      'ice-bitrate': '128',
      'ice-description': 'desc',
    });
  });
});
