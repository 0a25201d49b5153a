/**
 * The relay's upstream client against scripted servers on loopback: credentials stay with their
 * origin across redirects, redirect loops and error statuses fail with their own errors, a
 * silent server times out, and the body bytes read with the head are handed over.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { basicAuthHeader } from '@penguincast/icy';
import {
  TooManyRedirectsError,
  UpstreamStatusError,
  UpstreamUnreachableError,
} from '../src/errors.js';
import { openUpstream } from '../src/relay/upstream.js';
import { startUpstream, type FakeUpstream } from './upstream.js';

const T = { timeout: 10_000 };
let a: FakeUpstream;
let b: FakeUpstream;

before(async () => {
  a = await startUpstream();
  b = await startUpstream();
  a.route('/away', (_req, s) => {
    s.end(`HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:${b.port}/s\r\n\r\n`);
  });
  a.route('/loop', (_req, s) => s.end('HTTP/1.0 302 Found\r\nLocation: /loop\r\n\r\n'));
  a.route('/gone', (_req, s) => s.end('HTTP/1.0 404 Not Found\r\n\r\n'));
  a.route('/silent', () => undefined);
  b.route('/s', (_req, s) => {
    s.write('HTTP/1.0 200 OK\r\nContent-Type: audio/aac\r\n\r\nFIRST');
  });
});

after(async () => {
  await a.stop();
  await b.stop();
});

const opts = { userAgent: 'test', timeoutMs: 2_000, user: 'u', password: 'p' };

test('credentials are not sent to another origin; the body start is kept', T, async () => {
  const up = await openUpstream({ ...opts, url: `http://127.0.0.1:${a.port}/away` });
  up.socket.destroy();
  assert.equal(up.url.href, `http://127.0.0.1:${b.port}/s`);
  assert.equal(up.headers.get('content-type'), 'audio/aac');
  assert.equal(Buffer.from(up.initial).toString(), 'FIRST');
  assert.deepEqual(up.framing, { kind: 'close' });
  assert.equal(a.requests[0]?.headers['authorization'], basicAuthHeader('u', 'p'));
  assert.equal(b.requests[0]?.headers['authorization'], undefined);
});

test('a redirect loop, an error status and a silent server fail distinctly', T, async () => {
  await assert.rejects(
    openUpstream({ ...opts, url: `http://127.0.0.1:${a.port}/loop` }),
    TooManyRedirectsError,
  );
  await assert.rejects(
    openUpstream({ ...opts, url: `http://127.0.0.1:${a.port}/gone` }),
    (err: unknown) => err instanceof UpstreamStatusError && err.upstreamStatus === 404,
  );
  await assert.rejects(
    openUpstream({ ...opts, timeoutMs: 300, url: `http://127.0.0.1:${a.port}/silent` }),
    /did not answer in 300 ms/,
  );
  const abort = new AbortController();
  const pending = openUpstream({
    ...opts,
    url: `http://127.0.0.1:${a.port}/silent`,
    signal: abort.signal,
  });
  abort.abort();
  await assert.rejects(pending, UpstreamUnreachableError);
});
