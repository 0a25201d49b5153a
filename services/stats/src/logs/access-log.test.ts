/**
 * Unit tests of the access.log line: Icecast's format field by field, the end-of-connection
 * time, query strings left out, and escaping that keeps a hostile client from forging a line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionEvent } from '@penguincast/bus';
import { MAX_FIELD_LENGTH, escapeLogField } from '@penguincast/runtime';
import { clfDate, formatAccessLine, requestWithoutQuery } from './access-log.js';

const T = { timeout: 5000 };

const evt: ConnectionEvent = {
  role: 'listener',
  action: 'disconnect',
  mount: '/live.mp3',
  id: '1',
  ip: '127.0.0.1',
  request: 'GET /live.mp3 HTTP/1.1',
  status: 200,
  bytes: 549243,
  seconds: 31.9,
  userAgent: 'VLC/3.0',
  instanceId: 'edge-1',
  timestampMs: Date.UTC(2026, 10, 21, 5, 30, 28, 700),
};

/** Icecast's line, split into its fields the way log analysers read it. */
const ACCESS_RE =
  /^(\S+) (\S+) (\S+) \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+) "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)" (\d+)$/;

test('the line is Icecast format, timed at the end of the connection', T, () => {
  assert.equal(
    formatAccessLine(evt),
    '127.0.0.1 - - [21/Nov/2026:05:30:28 +0000] "GET /live.mp3 HTTP/1.1" 200 549243 "-" "VLC/3.0" 31',
  );
  const m = ACCESS_RE.exec(
    formatAccessLine({ ...evt, user: 'dj', referer: 'https://radio.example/', status: 404 }),
  );
  assert.ok(m);
  assert.deepEqual(m.slice(1), [
    '127.0.0.1',
    '-',
    'dj',
    '21/Nov/2026:05:30:28 +0000',
    'GET /live.mp3 HTTP/1.1',
    '404',
    '549243',
    'https://radio.example/',
    'VLC/3.0',
    '31',
  ]);
  assert.equal(clfDate(Date.UTC(2027, 0, 2, 3, 4, 5)), '02/Jan/2027:03:04:05 +0000');
});

test('query strings, fragments and URL credentials never reach the file', T, () => {
  assert.equal(
    requestWithoutQuery('GET /live.mp3?pass=hunter2&x=1 HTTP/1.1'),
    'GET /live.mp3 HTTP/1.1',
  );
  assert.equal(
    requestWithoutQuery('GET /admin.cgi?pass=pw&mode=updinfo&song=a b HTTP/1.0'),
    'GET /admin.cgi HTTP/1.0',
  );
  assert.equal(requestWithoutQuery('GET /a#frag HTTP/1.1'), 'GET /a HTTP/1.1');
  assert.equal(
    requestWithoutQuery('GET http://source:pw@host/live.mp3?x HTTP/1.1'),
    'GET http://host/live.mp3 HTTP/1.1',
  );
  assert.equal(requestWithoutQuery('SOURCE /live.mp3?pw HTTP/1.0'), 'SOURCE /live.mp3 HTTP/1.0');
  assert.equal(requestWithoutQuery('/x?y'), '/x');
  const line = formatAccessLine({ ...evt, request: 'GET /live.mp3?pass=hunter2 HTTP/1.1' });
  assert.ok(!line.includes('hunter2'));
});

test('client-controlled fields cannot forge a line or a field', T, () => {
  const hostile = formatAccessLine({
    ...evt,
    userAgent: 'Evil" 200 1 "-" "x\r\n10.0.0.1 - - [01/Jan/2000:00:00:00 +0000] "GET / HTTP/1.1',
    referer: 'a\\"b\u0000\u001b[31m\u2028\u202e',
    request: 'GET /live.mp3\r\nX: y HTTP/1.1',
    user: 'evil user',
    ip: '1.2.3.4 - - [x]',
  });
  assert.equal(hostile.split(/[\r\n\u2028\u2029]/).length, 1, 'one physical line');
  const m = ACCESS_RE.exec(hostile);
  assert.ok(m, hostile);
  assert.equal(m[1], '1.2.3.4\\x20-\\x20-\\x20[x]');
  assert.equal(m[3], 'evil\\x20user');
  assert.equal(m[5], 'GET /live.mp3\\r\\nX: y HTTP/1.1');
  assert.equal(m[8], 'a\\\\\\"b\\x00\\x1b[31m\\u2028\\u202e');
  assert.ok(m[9]?.startsWith('Evil\\" 200 1 \\"-\\" \\"x\\r\\n10.0.0.1'));
  assert.equal(m[10], '31');
});

test('escaping keeps text readable and bounds its length', T, () => {
  assert.equal(
    escapeLogField('Mozilla/5.0 (X11; Linux) Gecko/20100101 Firefox/128.0 é 中 😀'),
    'Mozilla/5.0 (X11; Linux) Gecko/20100101 Firefox/128.0 é 中 😀',
  );
  assert.equal(escapeLogField(''), '-');
  assert.equal(escapeLogField('\ud800x'), '\\ud800x', 'lone surrogates are escaped');
  assert.equal(escapeLogField('\t\x7f\x85'), '\\t\\x7f\\x85');
  const long = escapeLogField('a'.repeat(MAX_FIELD_LENGTH + 50));
  assert.equal(long.length, MAX_FIELD_LENGTH + 3);
  assert.ok(long.endsWith('...'));
});
