/** Unit tests of the upstream reply head parser: HTTP and ICY status lines, framing, limits. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MalformedResponseError } from './errors.js';
import { ResponseHeadParser } from './response-head.js';

const T = { timeout: 5_000 };
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

test('reads an ICY 200 head fed one byte at a time, with the body start', T, () => {
  const wire = bytes('ICY 200 OK\r\nicy-metaint:8192\r\nicy-name:Old School\r\n\r\nAUDIO');
  const p = new ResponseHeadParser();
  let done;
  let at = 0;
  for (; at < wire.length && done === undefined; at++) {
    done = p.push(wire.subarray(at, at + 1));
  }
  assert.ok(done !== undefined);
  assert.equal(done.head.protocol, 'ICY');
  assert.equal(done.head.status, 200);
  assert.equal(done.head.headers.get('ICY-METAINT'), '8192');
  assert.deepEqual(done.head.framing, { kind: 'close' });
  assert.equal(wire.subarray(at).toString(), 'AUDIO');
});

test('reads HTTP heads with chunked and length framing, and bare LF lines', T, () => {
  const chunked = new ResponseHeadParser().push(
    bytes('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n'),
  );
  assert.deepEqual(chunked?.head.framing, { kind: 'chunked' });
  const length = new ResponseHeadParser().push(
    bytes('HTTP/1.0 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n'),
  );
  assert.equal(length?.head.status, 302);
  assert.deepEqual(length?.head.framing, { kind: 'length', length: 0 });
});

test('refuses a non-HTTP reply, a bad header line and an endless head', T, () => {
  assert.throws(
    () => new ResponseHeadParser().push(bytes('SSH-2.0-x\r\n')),
    MalformedResponseError,
  );
  assert.throws(
    () => new ResponseHeadParser().push(bytes('HTTP/1.0 200 OK\r\nno colon here\r\n\r\n')),
    MalformedResponseError,
  );
  const p = new ResponseHeadParser();
  p.push(bytes('HTTP/1.0 200 OK\r\n'));
  assert.throws(() => {
    for (let i = 0; i < 100; i++) {
      p.push(bytes(`x-filler-${i}: ${'y'.repeat(500)}\r\n`));
    }
  }, MalformedResponseError);
});
