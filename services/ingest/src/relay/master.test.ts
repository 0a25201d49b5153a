/** Unit tests of master mirroring's pure parts: the stream list and the URLs derived from it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mirrorUrl, parseStreamList, streamListUrl } from './master.js';
import { backoffMs } from './relay-runner.js';
import { publicUrl } from './upstream.js';

const T = { timeout: 5_000 };

test('a stream list gives sorted unique mounts from names and URLs', T, () => {
  const text = '/b.mp3\r\n\n# comment\nlive.ogg\nhttp://h:8000/a.mp3\n/b.mp3\n/../x\n';
  assert.deepEqual(parseStreamList(text), ['/a.mp3', '/b.mp3', '/live.ogg']);
  assert.deepEqual(parseStreamList(''), []);
  // A master listing a server page's path does not make it a mount here.
  assert.deepEqual(parseStreamList('/status-json.xsl\n/admin/stats\n/live.mp3.m3u\n/a.mp3\n'), [
    '/a.mp3',
  ]);
});

test('stream list and mount URLs resolve below the master base URL', T, () => {
  assert.equal(streamListUrl('http://m:8000').href, 'http://m:8000/admin/streamlist.txt');
  assert.equal(streamListUrl('http://m/radio').href, 'http://m/radio/admin/streamlist.txt');
  assert.equal(mirrorUrl('http://m:8000/', '/live.mp3'), 'http://m:8000/live.mp3');
  assert.equal(mirrorUrl('http://m/radio/', '/a b.mp3'), 'http://m/radio/a%20b.mp3');
  assert.equal(publicUrl('http://u:p@m:8000/x'), 'http://m:8000/x');
});

test('the relay backoff starts at its minimum, doubles and stops at its maximum', T, () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffMs(n, 500, 30_000)),
    [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
});
