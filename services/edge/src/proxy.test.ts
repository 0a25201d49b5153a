/** Unit tests of the head rewrite that gives proxied requests one `X-Forwarded-For`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestHeadParser } from '@penguincast/icy';
import { withForwardedFor } from './proxy.js';

function rewrite(raw: string, ip: string, closeAfter = false): string {
  const bytes = Buffer.from(raw, 'latin1');
  const head = new RequestHeadParser().push(bytes);
  assert.ok(head);
  return withForwardedFor(head, bytes, ip, closeAfter).toString('latin1');
}

test('client X-Forwarded-For lines are replaced by the edge decision', { timeout: 1000 }, () => {
  assert.equal(
    rewrite(
      'GET /a HTTP/1.1\r\nx-forwarded-for: 1.1.1.1\r\nHost: h\r\nX-FORWARDED-FOR:2.2.2.2\r\n\r\nBODY',
      '9.9.9.9',
    ),
    'GET /a HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 9.9.9.9\r\n\r\nBODY',
  );
});

test('bare LF heads, leading blank lines and latin1 values survive', { timeout: 1000 }, () => {
  assert.equal(
    rewrite('\r\nSOURCE /m ICE/1.0\nice-name: Caf\xe9\n\n\x00\x01', '::1'),
    'SOURCE /m ICE/1.0\r\nice-name: Caf\xe9\r\nX-Forwarded-For: ::1\r\n\r\n\x00\x01',
  );
  assert.equal(rewrite('GET / HTTP/1.0\r\n\r\n', ''), 'GET / HTTP/1.0\r\n\r\n');
});

test(
  'pages are sent with Connection: close instead of the client keep-alive',
  { timeout: 1000 },
  () => {
    assert.equal(
      rewrite(
        'GET /p HTTP/1.1\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nHost: h\r\n\r\n',
        '1.2.3.4',
        true,
      ),
      'GET /p HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 1.2.3.4\r\nConnection: close\r\n\r\n',
    );
  },
);
