/**
 * Source protocols over real sockets: PUT with Content-Length, chunked and Expect, legacy
 * SOURCE, SHOUTcast v1 with both password forms, and SHOUTcast admin.cgi title updates.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Mp3Splitter } from '@penguincast/icy';
import { makeTestAudio, rawClient, waitFor } from '@penguincast/testkit';
import {
  bodyOf,
  sourceHead,
  startIngest,
  statusLine,
  testStation,
  trickle,
  type TestIngest,
} from './harness.js';

let ing: TestIngest;
let mp3: Buffer;
let frameBytes: number;

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 2 }));
  const s = new Mp3Splitter();
  frameBytes = s.push(mp3).data.length + s.flush().data.length;
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

/** Waits for the session that announced itself on `mount` after `since` announcements. */
async function sessionOn(mount: string, since: number): Promise<string> {
  const up = await waitFor(
    () => ing.rec.sources.slice(since).find((s) => s.mount === mount && s.state === 'up'),
    5_000,
    `source up on ${mount}`,
  );
  return up.session;
}

async function waitDown(session: string): Promise<void> {
  await waitFor(
    () => ing.rec.sources.find((s) => s.session === session && s.state === 'down'),
    5_000,
    'source down',
  );
}

describe('http sources', { timeout: 20_000 }, () => {
  test('PUT with Content-Length publishes every frame, then ends', async () => {
    const since = ing.rec.sources.length;
    const head = sourceHead('/live.mp3', {
      password: 'livepw',
      headers: { 'Content-Length': String(mp3.length), 'ice-name': 'Len Test' },
    });
    const c = await rawClient(ing.port, head);
    assert.equal(await c.waitFor(/\r\n\r\n/), 'HTTP/1.0 200 OK\r\n\r\n');
    const session = await sessionOn('/live.mp3', since);
    await trickle(c.socket, mp3);
    await waitDown(session);
    assert.equal(ing.rec.bytesOf(session).length, frameBytes);
    const up = ing.rec.sources.find((s) => s.session === session)!;
    assert.equal(up.info['ice-name'], 'Len Test');
    assert.equal(up.contentType, 'audio/mpeg');
    await c.closed;
  });

  test('PUT chunked with Expect: 100-continue', async () => {
    const since = ing.rec.sources.length;
    const head = sourceHead('/live.mp3', {
      password: 'livepw',
      expect: true,
      headers: { 'Transfer-Encoding': 'chunked' },
    });
    const c = await rawClient(ing.port, head);
    const reply = await c.waitFor(/200 OK\r\n\r\n/);
    assert.equal(
      reply,
      'HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\nHTTP/1.0 200 OK\r\n\r\n',
    );
    const session = await sessionOn('/live.mp3', since);
    for (let at = 0; at < mp3.length; at += 3000) {
      const part = mp3.subarray(at, at + 3000);
      c.socket.write(`${part.length.toString(16)}\r\n`);
      c.socket.write(part);
      c.socket.write('\r\n');
    }
    c.socket.write('0\r\n\r\n');
    await waitDown(session);
    assert.equal(ing.rec.bytesOf(session).length, frameBytes);
  });

  test('legacy SOURCE without Content-Type is taken as audio/mpeg', async () => {
    const since = ing.rec.sources.length;
    const head = sourceHead('/dj.mp3', {
      method: 'SOURCE',
      version: 'HTTP/1.0',
      user: 'dj',
      password: 'djpw',
      contentType: null,
      headers: { 'User-Agent': 'libshout/2.4.6' },
    });
    const c = await rawClient(ing.port, head);
    assert.equal(await c.waitFor(/\r\n\r\n/), 'HTTP/1.0 200 OK\r\n\r\n');
    const session = await sessionOn('/dj.mp3', since);
    await trickle(c.socket, mp3);
    await waitFor(() => ing.rec.bytesOf(session).length > frameBytes / 2, 5_000, 'audio');
    c.socket.end();
    await waitDown(session);
    const up = ing.rec.sources.find((s) => s.session === session)!;
    assert.equal(up.contentType, 'audio/mpeg');
    assert.equal(up.userAgent, 'libshout/2.4.6');
    const evt = ing.rec.events.find((e) => e.id === session && e.action === 'disconnect');
    assert.ok(evt, 'disconnect event');
    assert.equal(evt.request, 'SOURCE /dj.mp3 HTTP/1.0');
    assert.equal(evt.user, 'dj');
    assert.ok(evt.bytes >= frameBytes / 2);
  });
});

describe('SHOUTcast v1', { timeout: 20_000 }, () => {
  test('plain password line: OK2, icy headers mapped, audio published', async () => {
    const since = ing.rec.sources.length;
    const c = await rawClient(ing.shoutcastPort, 'livepw\r\n');
    assert.equal(await c.waitFor(/\r\n\r\n/), 'OK2\r\nicy-caps:11\r\n\r\n');
    c.socket.write('icy-name:Shout Test\r\nicy-genre:Jazz\r\nicy-pub:1\r\nicy-br:128\r\n\r\n');
    const session = await sessionOn('/live.mp3', since);
    await trickle(c.socket, mp3);
    await waitFor(() => ing.rec.bytesOf(session).length > frameBytes / 2, 5_000, 'audio');
    const up = ing.rec.sources.find((s) => s.session === session)!;
    assert.deepEqual(up.info, {
      'ice-name': 'Shout Test',
      'ice-genre': 'Jazz',
      'ice-public': '1',
      'ice-bitrate': '128',
    });
    assert.equal(up.audio.bitrateKbps, 128);

    // A title update through admin.cgi on the main port, without a mount: the SHOUTcast mount.
    const before = ing.rec.titles.length;
    const cgi = await rawClient(
      ing.port,
      'GET /admin.cgi?pass=livepw&mode=updinfo&song=Caf%E9%20Song HTTP/1.0\r\n\r\n',
    );
    const reply = await cgi.closed;
    assert.equal(statusLine(reply), 'HTTP/1.0 200 OK');
    assert.match(reply, /Content-Type: text\/xml/);
    assert.equal(
      bodyOf(reply),
      '<?xml version="1.0"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>',
    );
    const t = await waitFor(() => ing.rec.titles[before], 2_000, 'title');
    assert.equal(t.title, 'Café Song', 'a Latin-1 title is decoded as Latin-1');
    assert.equal(t.mount, '/live.mp3');
    assert.equal(t.session, session);

    const bad = await rawClient(
      ing.port,
      'GET /admin.cgi?pass=wrong&mode=updinfo&song=x HTTP/1.0\r\n\r\n',
    );
    assert.equal(statusLine(await bad.closed), 'HTTP/1.0 401 Authentication Required');
    c.destroy();
    await waitDown(session);
  });

  test('"/mount:password" line, encoder that does not wait for OK2', async () => {
    const since = ing.rec.sources.length;
    const hello = Buffer.concat([
      Buffer.from('/dj.mp3:djpw\r\nicy-name:Eager\r\ncontent-type:audio/mpeg\r\n\r\n'),
      mp3.subarray(0, 20_000),
    ]);
    const c = await rawClient(ing.shoutcastPort, hello);
    await c.waitFor(/OK2/);
    const session = await sessionOn('/dj.mp3', since);
    await trickle(c.socket, mp3.subarray(20_000));
    await waitFor(() => ing.rec.bytesOf(session).length > frameBytes / 2, 5_000, 'audio');
    assert.equal(ing.rec.sources.find((s) => s.session === session)!.info['ice-name'], 'Eager');
    c.destroy();
    await waitDown(session);
  });

  test('wrong password gets "invalid password" and no lease', async () => {
    const c = await rawClient(ing.shoutcastPort, 'nope\r\n');
    assert.equal(await c.closed, 'invalid password\r\n');
    assert.equal(ing.app.liveSources, 0);
  });
});

describe('own port', { timeout: 10_000 }, () => {
  test('answers /healthz and /metrics', async () => {
    const c = await rawClient(
      ing.port,
      'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const reply = await c.closed;
    assert.match(statusLine(reply), /^HTTP\/1\.1 200/);
    assert.match(reply, /\{"status":"ok"\}/);
    const m = await rawClient(
      ing.port,
      'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    const metrics = await m.closed;
    assert.match(metrics, /penguincast_source_connects_total\{mount="\/live.mp3"\} \d+/);
    assert.match(metrics, /penguincast_source_bytes_in_total\{mount="\/dj.mp3"\} \d+/);
  });

  test('other paths get 404', async () => {
    const c = await rawClient(ing.port, 'GET /live.mp3 HTTP/1.0\r\n\r\n');
    assert.equal(statusLine(await c.closed), 'HTTP/1.0 404 File Not Found');
  });
});

describe('edge proxy, dump file, junk', { timeout: 20_000 }, () => {
  test('X-Forwarded-For from a loopback proxy names the source address', async () => {
    const since = ing.rec.sources.length;
    const head = sourceHead('/live.mp3', {
      password: 'livepw',
      headers: { 'X-Forwarded-For': '198.51.100.9' },
    });
    const c = await rawClient(ing.port, head);
    await c.waitFor(/200 OK/);
    const session = await sessionOn('/live.mp3', since);
    assert.equal(ing.rec.sources.find((s) => s.session === session)!.sourceIp, '198.51.100.9');
    c.destroy();
    await waitDown(session);
  });

  test('junk between frames is skipped and logged once; the dump file gets the frames', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-ingest-dump-'));
    const other = await startIngest({
      station: testStation({
        Paths: { Log: dir },
        Mounts: [{ Name: '/live.mp3', Password: 'livepw', DumpFile: 'dumps/live.mp3' }],
      }),
      instanceId: 'dumper',
    });
    try {
      const c = await rawClient(other.port, sourceHead('/live.mp3', { password: 'livepw' }));
      await c.waitFor(/200 OK/);
      const junk = Buffer.alloc(333, 0x55);
      const half = 40_000;
      await trickle(c.socket, Buffer.concat([mp3.subarray(0, half), junk, mp3.subarray(half)]));
      await trickle(c.socket, Buffer.concat([junk, mp3]));
      c.socket.end();
      const down = await waitFor(() => other.rec.sources.find((s) => s.state === 'down'), 5_000);
      const published = other.rec.bytesOf(down.session);
      assert.ok(published.length >= 2 * frameBytes - 2_000, `${published.length} bytes kept`);
      const skips = other.logs.find('skipping bytes that are not whole frames');
      assert.equal(skips.length, 1, 'junk is logged once per session');
      await waitFor(
        () => {
          try {
            return readFileSync(join(dir, 'dumps/live.mp3')).equals(published);
          } catch {
            return false;
          }
        },
        3_000,
        'dump file equal to the published audio',
      );
    } finally {
      await other.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
