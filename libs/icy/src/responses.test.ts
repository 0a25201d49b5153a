import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HeadTooLargeError, MethodNotImplementedError, RequestLineTooLongError } from './errors.js';
import {
  connectionLimitResponse,
  errorResponseFor,
  httpErrorResponse,
  listenerResponse,
  methodNotAllowedResponse,
  mountInUseResponse,
  noContentTypeResponse,
  notFoundResponse,
  optionsResponse,
  sanitizeHeaderValue,
  sourceContinueResponse,
  sourceOkResponse,
  tooManySourcesResponse,
  unauthorizedResponse,
  type SourceInfo,
} from './responses.js';

const text = (b: Buffer): string => b.toString('utf8');

/** The fixed part of every error reply after its status line. */
const errorHead = (length: number): string =>
  'Connection: Close\r\n' +
  'Content-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${length}\r\n` +
  'Cache-Control: no-cache, no-store\r\n' +
  'Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n' +
  'Pragma: no-cache\r\n';

const CORS =
  'Access-Control-Allow-Origin: *\r\n' +
  'Access-Control-Allow-Headers: Origin, Accept, X-Requested-With, Content-Type, Icy-MetaData, Range\r\n' +
  'Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n' +
  'Access-Control-Expose-Headers: Icy-Br, Icy-Description, Icy-Genre, Icy-MetaInt, Icy-Name, Icy-Pub, Icy-Url, Ice-Audio-Info\r\n';

describe('source replies', { timeout: 10_000 }, () => {
  it('are byte-exact', () => {
    assert.equal(
      text(sourceContinueResponse()),
      'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n',
    );
    assert.equal(text(sourceOkResponse()), 'HTTP/1.0 200 OK\r\n\r\n');
  });
});

describe('error replies', { timeout: 10_000 }, () => {
  it('401 carries the Icecast realm and text', () => {
    assert.equal(
      text(unauthorizedResponse()),
      'HTTP/1.0 401 Authentication Required\r\n' +
        errorHead(24) +
        'WWW-Authenticate: Basic realm="Icecast2 Server"\r\n' +
        '\r\n' +
        'You need to authenticate',
    );
  });

  it('403s carry the texts encoders match', () => {
    const cases: Array<[Buffer, string]> = [
      [mountInUseResponse(), 'Mountpoint in use'],
      [tooManySourcesResponse(), 'too many sources connected'],
      [noContentTypeResponse(), 'No Content-type given'],
      [connectionLimitResponse(), 'Icecast connection limit reached'],
    ];
    for (const [reply, body] of cases) {
      assert.equal(text(reply), `HTTP/1.0 403 Forbidden\r\n${errorHead(body.length)}\r\n${body}`);
    }
  });

  it('404 uses Icecast text unless given one', () => {
    const body = 'The file you requested could not be found';
    assert.equal(
      text(notFoundResponse()),
      `HTTP/1.0 404 File Not Found\r\n${errorHead(41)}\r\n${body}`,
    );
    assert.equal(
      text(notFoundResponse('Source does not exist')),
      `HTTP/1.0 404 File Not Found\r\n${errorHead(21)}\r\nSource does not exist`,
    );
  });

  it('405 lists the allowed methods', () => {
    assert.equal(
      text(methodNotAllowedResponse(['GET', 'HEAD'])),
      `HTTP/1.0 405 Method Not Allowed\r\n${errorHead(18)}Allow: GET, HEAD\r\n\r\nMethod Not Allowed`,
    );
  });

  it('maps typed errors to their status: 400, 414, 431, 501, 505', () => {
    assert.equal(
      text(errorResponseFor(new RequestLineTooLongError('too long'))),
      `HTTP/1.0 414 URI Too Long\r\n${errorHead(8)}\r\ntoo long`,
    );
    assert.equal(
      text(errorResponseFor(new HeadTooLargeError('big'), { Server: 'PenguinCast' })),
      `HTTP/1.0 431 Request Header Fields Too Large\r\n${errorHead(3)}Server: PenguinCast\r\n\r\nbig`,
    );
    assert.match(
      text(errorResponseFor(new MethodNotImplementedError('x'))),
      /^HTTP\/1\.0 501 Not Implemented\r\n/,
    );
    assert.match(text(httpErrorResponse(400, 'bad')), /^HTTP\/1\.0 400 Bad Request\r\n/);
    assert.match(
      text(httpErrorResponse(505, 'v')),
      /^HTTP\/1\.0 505 HTTP Version Not Supported\r\n/,
    );
    assert.match(text(httpErrorResponse(503, 'busy')), /^HTTP\/1\.0 503 Service Unavailable\r\n/);
    assert.match(text(httpErrorResponse(418, 'teapot')), /^HTTP\/1\.0 418 Unknown\r\n/);
  });

  it('counts the body in UTF-8 bytes and puts extra headers after the fixed ones', () => {
    const reply = httpErrorResponse(400, 'café ☕', [
      ['Server', 'PenguinCast 0.1'],
      ['X-Evil', 'a\r\nSet-Cookie: x=1'],
    ]);
    assert.equal(
      text(reply),
      `HTTP/1.0 400 Bad Request\r\n${errorHead(9)}Server: PenguinCast 0.1\r\nX-Evil: aSet-Cookie: x=1\r\n\r\ncafé ☕`,
    );
    assert.equal(Buffer.byteLength('café ☕'), 9);
    const merged = unauthorizedResponse({ Server: 'S' });
    assert.match(
      text(merged),
      /WWW-Authenticate: Basic realm="Icecast2 Server"\r\nServer: S\r\n\r\n/,
    );
  });

  it('refuses bad statuses and header names', () => {
    assert.throws(() => httpErrorResponse(99, 'x'), TypeError);
    assert.throws(() => httpErrorResponse(600, 'x'), TypeError);
    assert.throws(() => httpErrorResponse(400.5, 'x'), TypeError);
    assert.throws(() => httpErrorResponse(400, 'x', { 'Bad Name': 'x' }), TypeError);
    assert.throws(() => httpErrorResponse(400, 'x', [['X\r\nY', 'x']]), TypeError);
  });
});

describe('listenerResponse', { timeout: 10_000 }, () => {
  const source: SourceInfo = {
    contentType: 'audio/mpeg',
    iceHeaders: {
      'ice-name': 'Test Stream',
      'ice-description': 'A test',
      'ice-genre': 'Rock',
      'ice-url': 'http://example.org',
      'ice-public': '0',
      'ice-bitrate': '128',
      'ice-audio-info': 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
    },
  };
  const head =
    'HTTP/1.0 200 OK\r\n' +
    'Server: PenguinCast 0.1.0\r\n' +
    'Connection: Close\r\n' +
    'Content-Type: audio/mpeg\r\n' +
    'Cache-Control: no-cache, no-store\r\n' +
    'Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n' +
    'Pragma: no-cache\r\n';
  const icy =
    'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2\r\n' +
    'icy-br:128\r\n' +
    'icy-description:A test\r\n' +
    'icy-genre:Rock\r\n' +
    'icy-name:Test Stream\r\n' +
    'icy-pub:0\r\n' +
    'icy-url:http://example.org\r\n';

  it('builds the Icecast header block with icy-metaint when asked', () => {
    const reply = listenerResponse({ source, serverName: 'PenguinCast 0.1.0', metaint: 16000 });
    assert.equal(text(reply), `${head}${CORS}${icy}icy-metaint:16000\r\n\r\n`);
  });

  it('leaves icy-metaint out when not asked', () => {
    const reply = listenerResponse({ source, serverName: 'PenguinCast 0.1.0' });
    assert.equal(text(reply), `${head}${CORS}${icy}\r\n`);
  });

  it('uses a configured origin with Vary, or no CORS at all, and appends extra headers', () => {
    const withOrigin = text(
      listenerResponse({
        source,
        serverName: 'PenguinCast 0.1.0',
        cors: { allowOrigin: 'https://player.example' },
        extraHeaders: [['Date', 'Sat, 21 Nov 2026 05:28:49 GMT']],
      }),
    );
    assert.equal(
      withOrigin,
      `${head}${CORS.replace('*', 'https://player.example')}Vary: Origin\r\n${icy}` +
        'Date: Sat, 21 Nov 2026 05:28:49 GMT\r\n\r\n',
    );
    const noCors = text(listenerResponse({ source, serverName: 'PenguinCast 0.1.0', cors: false }));
    assert.equal(noCors, `${head}${icy}\r\n`);
  });

  it('derives icy-br from ice-audio-info when ice-bitrate is missing', () => {
    const reply = text(
      listenerResponse({
        source: {
          contentType: 'audio/aacp',
          iceHeaders: { 'ice-audio-info': 'channels=2;bitrate=64' },
        },
        serverName: 'S',
        cors: false,
      }),
    );
    assert.match(reply, /\r\nice-audio-info: channels=2;bitrate=64\r\nicy-br:64\r\n\r\n$/);
    const explicit = text(
      listenerResponse({
        source: {
          contentType: 'audio/mpeg',
          iceHeaders: { 'ice-audio-info': 'ice-bitrate=96', 'ice-bitrate': '128' },
        },
        serverName: 'S',
        cors: false,
      }),
    );
    assert.match(explicit, /icy-br:128\r\n/);
    assert.doesNotMatch(explicit, /icy-br:96/);
  });

  it('drops non-ice names, ice-password, empty values and later case-duplicates', () => {
    const reply = text(
      listenerResponse({
        source: {
          contentType: 'audio/ogg',
          iceHeaders: {
            'ICE-Name': 'First',
            'ice-name': 'Second',
            'ice-password': 'secret',
            'ice-genre': ' \t ',
            authorization: 'Basic x',
            'icy-metaint': '1',
            'ice_bad name': 'x',
            'ice-private': '1',
          },
        },
        serverName: 'S',
        cors: false,
      }),
    );
    assert.match(reply, /\r\nicy-name:First\r\nicy-private:1\r\n\r\n$/);
    assert.doesNotMatch(reply, /secret|Second|authorization|icy-genre|metaint|bad/i);
  });

  it('cannot be made to inject headers by a source or the config', () => {
    const reply = text(
      listenerResponse({
        source: {
          contentType: 'audio/mpeg\r\nSet-Cookie: a=1',
          iceHeaders: {
            'ice-name': 'Evil\r\nLocation: http://x/\r\n\r\n<html>',
            'ice-genre': 'a\x00\tb',
          },
        },
        serverName: 'S\nX-Injected: 1',
        cors: { allowOrigin: '*\r\nX: y' },
      }),
    );
    const lines = reply.split('\r\n');
    assert.equal(reply.indexOf('\r\n\r\n'), reply.length - 4);
    assert.ok(!reply.slice(0, -4).includes('\n\n'));
    assert.ok(lines.includes('Content-Type: audio/mpegSet-Cookie: a=1'));
    assert.ok(lines.includes('icy-name:EvilLocation: http://x/<html>'));
    assert.ok(lines.includes('icy-genre:a b'));
    assert.ok(lines.includes('Server: SX-Injected: 1'));
    assert.ok(lines.includes('Access-Control-Allow-Origin: *X: y'));
  });

  it('falls back for an empty content type and origin, and refuses a bad metaint', () => {
    const reply = text(
      listenerResponse({
        source: { contentType: '\r\n', iceHeaders: {} },
        serverName: 'S',
        cors: { allowOrigin: '' },
      }),
    );
    assert.match(reply, /\r\nContent-Type: application\/octet-stream\r\n/);
    assert.match(reply, /\r\nAccess-Control-Allow-Origin: \*\r\n/);
    assert.doesNotMatch(reply, /Vary/);
    for (const metaint of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => listenerResponse({ source, serverName: 'S', metaint }),
        TypeError,
        String(metaint),
      );
    }
  });

  it('writes UTF-8 names as UTF-8 bytes', () => {
    const reply = listenerResponse({
      source: { contentType: 'audio/mpeg', iceHeaders: { 'ice-name': 'Rádio ☕' } },
      serverName: 'S',
      cors: false,
    });
    assert.ok(reply.includes(Buffer.from('icy-name:Rádio ☕\r\n', 'utf8')));
  });
});

describe('optionsResponse', { timeout: 10_000 }, () => {
  it('answers a preflight with 204 and the CORS headers', () => {
    assert.equal(
      text(optionsResponse({ serverName: 'PenguinCast 0.1.0' })),
      'HTTP/1.0 204 No Content\r\n' +
        'Server: PenguinCast 0.1.0\r\n' +
        'Connection: Close\r\n' +
        'Allow: GET, HEAD, OPTIONS\r\n' +
        CORS +
        'Access-Control-Max-Age: 86400\r\n' +
        '\r\n',
    );
  });

  it('answers with only Allow when CORS is off', () => {
    assert.equal(
      text(optionsResponse({ serverName: 'S', cors: false })),
      'HTTP/1.0 204 No Content\r\nServer: S\r\nConnection: Close\r\nAllow: GET, HEAD, OPTIONS\r\n\r\n',
    );
  });
});

describe('sanitizeHeaderValue', { timeout: 10_000 }, () => {
  it('strips control characters, turns tabs into spaces and trims', () => {
    assert.equal(sanitizeHeaderValue('  a\tb\r\nc\x00d\x7fe\x1bf  '), 'a bcdef');
    assert.equal(sanitizeHeaderValue('Rádio ☕'), 'Rádio ☕');
    assert.equal(sanitizeHeaderValue('\r\n'), '');
  });
});
