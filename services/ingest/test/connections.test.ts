/**
 * Connections on ingest's own ports: clients that get a final reply and never close their side
 * lose their socket within seconds; a source may not take a server page's path; and on the
 * SHOUTcast port a PROXY protocol line from a trusted peer (an edge) names the encoder, while a
 * malformed one ends the connection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { makeTestAudio, rawClient, silentClient, waitFor } from '@penguincast/testkit';
import {
  bodyOf,
  sourceHead,
  startIngest,
  statusLine,
  trickle,
  type TestIngest,
} from './harness.js';

const CLIENTS = 10;
let ing: TestIngest;
let mp3: Buffer;

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 2 }));
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

/** Runs `CLIENTS` silent clients with `request` and checks each was let go within seconds. */
async function allReleased(request: string, status: RegExp): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: CLIENTS }, () => silentClient(ing.port, request, { timeoutMs: 8000 })),
  );
  for (const r of results) {
    assert.match(statusLine(r.reply), status);
    assert.ok(r.released, `ingest kept a connection that got ${JSON.stringify(r.reply)}`);
  }
}

describe('final replies', { timeout: 60_000 }, () => {
  test('404, 405 and 400 replies do not leave sockets to clients that never close', async () => {
    await allReleased('GET /nothing HTTP/1.0\r\n\r\n', / 404 /);
    await allReleased('POST /admin.cgi HTTP/1.0\r\nContent-Length: 0\r\n\r\n', / 405 /);
    await allReleased('PUT /a//b HTTP/1.1\r\nContent-Type: audio/mpeg\r\n\r\n', / 400 /);
  });

  test('nor does a successful admin.cgi title update', async () => {
    const src = await rawClient(ing.port, sourceHead('/live.mp3', { password: 'livepw' }));
    try {
      await src.waitFor(/200 OK/);
      void trickle(src.socket, mp3);
      await allReleased(
        'GET /admin.cgi?pass=livepw&mode=updinfo&mount=/live.mp3&song=x HTTP/1.0\r\n\r\n',
        / 200 /,
      );
    } finally {
      src.destroy();
    }
  });
});

describe('reserved mount names', { timeout: 20_000 }, () => {
  test('a source on a server page path is refused with 403 and says why', async () => {
    for (const mount of ['/status-json.xsl', '/admin/stats', '/api/v1/mounts', '/live.mp3.m3u']) {
      const c = await rawClient(ing.port, sourceHead(mount, { password: 'sourcepw' }));
      const reply = await c.closed;
      assert.equal(statusLine(reply), 'HTTP/1.0 403 Forbidden', mount);
      assert.equal(bodyOf(reply), 'Mountpoint name is reserved for a server page', mount);
    }
    const shout = await rawClient(ing.shoutcastPort, '/status.xsl:sourcepw\r\n');
    assert.match(await shout.closed, /403[\s\S]*reserved for a server page/);
    assert.equal(ing.app.liveSources, 0);
    assert.ok(!ing.rec.sources.some((s) => s.mount === '/status-json.xsl'));
  });
});

describe('PROXY protocol on the SHOUTcast port', { timeout: 20_000 }, () => {
  test('a line from loopback (an edge) names the encoder as the source address', async () => {
    const since = ing.rec.sources.length;
    const c = await rawClient(
      ing.shoutcastPort,
      'PROXY TCP4 198.51.100.23 127.0.0.1 40123 8001\r\nlivepw\r\n',
    );
    assert.equal(await c.waitFor(/\r\n\r\n/), 'OK2\r\nicy-caps:11\r\n\r\n');
    c.socket.write('icy-name:Proxied\r\n\r\n');
    const up = await waitFor(
      () => ing.rec.sources.slice(since).find((s) => s.mount === '/live.mp3' && s.state === 'up'),
      5_000,
      'source up',
    );
    assert.equal(up.sourceIp, '198.51.100.23');
    c.destroy();
    await waitFor(
      () => ing.rec.sources.find((s) => s.session === up.session && s.state === 'down'),
      5_000,
      'source down',
    );
  });

  test('without a line the peer is the source; a malformed line ends the connection', async () => {
    const since = ing.rec.sources.length;
    const plain = await rawClient(ing.shoutcastPort, 'livepw\r\n', '127.0.0.3');
    await plain.waitFor(/OK2/);
    plain.socket.write('icy-name:Direct\r\n\r\n');
    const up = await waitFor(
      () => ing.rec.sources.slice(since).find((s) => s.mount === '/live.mp3' && s.state === 'up'),
      5_000,
      'source up',
    );
    assert.equal(up.sourceIp, '127.0.0.3');
    plain.destroy();
    const bad = await rawClient(ing.shoutcastPort, 'PROXY TCP4 nonsense\r\nlivepw\r\n');
    assert.equal(await bad.closed, '', 'closed without a word');
  });
});
