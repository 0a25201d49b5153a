/**
 * Tests of the test kit's listener against tiny node:http and node:net servers on 127.0.0.1:
 * ICY framing over HTTP/1.0, chunked HTTP/1.1 and `ICY 200 OK`, and every way a listen ends.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { after, before, describe, it } from 'node:test';
import { IcyFramer, TitleTimeline, encodeMetadataBlock } from '@penguincast/icy';
import { listen, openListener } from './listener.js';

const AUDIO = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff));
const METAINT = 700;

/** Serves AUDIO once per request, ICY-framed when asked, titles changing at 0 and 2000. */
function handler(req: IncomingMessage, res: ServerResponse): void {
  if (
    req.url === '/secret' &&
    req.headers.authorization !== `Basic ${Buffer.from('u:p').toString('base64')}`
  ) {
    res.writeHead(401, { 'Content-Type': 'text/plain', 'Content-Length': '24' });
    res.end('You need to authenticate');
    return;
  }
  const wantsMeta = req.headers['icy-metadata'] === '1';
  const headers: Record<string, string> = { 'Content-Type': 'audio/mpeg', 'icy-name': 'Test' };
  if (wantsMeta) {
    headers['icy-metaint'] = String(METAINT);
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const titles = new TitleTimeline();
  titles.set(0, { title: 'First' });
  titles.set(2000, { title: "Second's", url: 'http://x' });
  const framer = new IcyFramer({ metaint: METAINT });
  // Odd-sized writes make sure the client reassembles blocks across reads.
  for (let at = 0; at < AUDIO.length; at += 333) {
    const slice = AUDIO.subarray(at, Math.min(at + 333, AUDIO.length));
    for (const chunk of wantsMeta ? framer.write(slice, at, titles) : [slice]) {
      res.write(chunk);
    }
  }
  if (req.url !== '/forever') {
    res.end();
  }
}

let http: Server;
let httpPort = 0;
let icy: NetServer;
let icyPort = 0;
const icySockets = new Set<Socket>();

before(async () => {
  http = createServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpPort = (http.address() as AddressInfo).port;
  // A raw server for what node:http cannot send: an `ICY 200 OK` status line and bad blocks.
  icy = createNetServer((socket) => {
    icySockets.add(socket);
    socket.on('close', () => icySockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (req) => {
      const path = req.toString('latin1').split(' ')[1];
      socket.write('ICY 200 OK\r\nicy-metaint:8\r\nicy-br:128\r\n\r\n');
      const block = encodeMetadataBlock({ title: 'T' }, { charset: 'utf-8' });
      if (path === '/bad') {
        socket.write(Buffer.concat([Buffer.alloc(8, 1), Buffer.from([1]), Buffer.alloc(16, 0x41)]));
      } else if (path === '/silent') {
        // Headers only: the listen must still end, by duration or signal.
      } else {
        for (let i = 0; i < 20; i++) {
          socket.write(Buffer.concat([Buffer.alloc(8, i), i === 0 ? block : Buffer.of(0)]));
        }
      }
    });
  });
  await new Promise<void>((resolve) => icy.listen(0, '127.0.0.1', resolve));
  icyPort = (icy.address() as AddressInfo).port;
});

after(async () => {
  http.closeAllConnections();
  for (const s of icySockets) {
    s.destroy();
  }
  await Promise.all([
    new Promise((resolve) => http.close(resolve)),
    new Promise((resolve) => icy.close(resolve)),
  ]);
});

describe('listen', { timeout: 10000 }, () => {
  for (const httpVersion of ['1.0', '1.1'] as const) {
    it(`recovers audio and titles at their offsets over HTTP/${httpVersion}`, async () => {
      const r = await listen(`http://127.0.0.1:${httpPort}/live.mp3`, {
        metadata: true,
        httpVersion,
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers['icy-metaint'], String(METAINT));
      assert.equal(r.headers['icy-name'], 'Test');
      assert.equal(r.headers['transfer-encoding'], httpVersion === '1.1' ? 'chunked' : undefined);
      assert.deepEqual(r.framingErrors, []);
      assert.deepEqual(r.audio, AUDIO);
      assert.deepEqual(r.titles, [
        { audioOffset: 700, title: 'First' },
        { audioOffset: 2100, title: 'Second’s', url: 'http://x' },
      ]);
      assert.equal(r.blocks, 7);
      assert.equal(r.endReason, 'closed');
      assert.ok(r.bytes > AUDIO.length);
      assert.ok(r.firstByteMs !== undefined && r.firstByteMs >= 0);
    });
  }

  it('reads a plain body without metadata, and stops at maxBytes exactly', async () => {
    const seen: number[] = [];
    const r = await listen(`http://localhost:${httpPort}/forever`, {
      maxBytes: 1234,
      onAudio: (chunk, offset) => seen.push(offset, chunk.length),
    });
    assert.equal(r.headers['icy-metaint'], undefined);
    assert.deepEqual(r.audio, AUDIO.subarray(0, 1234));
    assert.equal(r.endReason, 'maxBytes');
    assert.equal(seen[0], 0);
  });

  it('reads an ICY 200 OK reply', async () => {
    const r = await listen(`http://127.0.0.1:${icyPort}/live`, { metadata: true, maxBytes: 100 });
    assert.equal(r.protocol, 'ICY');
    assert.equal(r.status, 200);
    assert.equal(r.headers['icy-br'], '128');
    assert.equal(r.audio.length, 100);
    assert.deepEqual(r.titles, [{ audioOffset: 8, title: 'T' }]);
  });

  it('reports a framing error instead of returning garbage', async () => {
    const r = await listen(`http://127.0.0.1:${icyPort}/bad`, { metadata: true, durationMs: 2000 });
    assert.equal(r.endReason, 'framingError');
    assert.match(r.framingErrors[0] ?? '', /IcyMetadata/);
    // The read that held the bad block is dropped whole, so at most the 8 bytes before it remain.
    assert.ok(r.audio.length <= 8);
  });

  it('ends by duration and by signal when the server goes quiet', async () => {
    const t0 = Date.now();
    const byTime = await listen(`http://127.0.0.1:${icyPort}/silent`, { durationMs: 200 });
    assert.equal(byTime.endReason, 'duration');
    assert.ok(Date.now() - t0 < 2000);
    const ac = new AbortController();
    const handle = openListener(`http://127.0.0.1:${icyPort}/silent`, { signal: ac.signal });
    assert.equal((await handle.response).status, 200);
    ac.abort();
    assert.equal((await handle.done).endReason, 'signal');
  });

  it('can be stopped through its handle', async () => {
    const handle = openListener(`http://127.0.0.1:${httpPort}/forever`, { metadata: true });
    await handle.response;
    handle.stop();
    const r = await handle.done;
    assert.equal(r.endReason, 'stopped');
    assert.equal(r.audio.length, handle.audioBytes);
  });

  it('answers HEAD, credentials and error pages with a length', async () => {
    const head = await listen(`http://127.0.0.1:${httpPort}/live`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.bytes, 0);
    const denied = await listen(`http://127.0.0.1:${httpPort}/secret`);
    assert.equal(denied.status, 401);
    assert.equal(denied.audio.toString(), 'You need to authenticate');
    assert.equal(denied.endReason, 'closed');
    const allowed = await listen(`http://u:p@127.0.0.1:${httpPort}/secret`, { maxBytes: 10 });
    assert.equal(allowed.status, 200);
  });

  it('rejects when nothing answers and refuses to leave loopback', async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(listen(`http://127.0.0.1:${port}/`), /no response head/);
    assert.throws(() => openListener('http://example.org/'), TypeError);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(listen(`http://127.0.0.1:${httpPort}/`, { signal: ac.signal }), /signal/);
  });
});
