/**
 * Distributed-mode routing: sources, SHOUTcast sources and pages are proxied over TCP to stand-in
 * ingest and admin servers with one trustworthy `X-Forwarded-For` (a PROXY protocol line for
 * SHOUTcast v1), bodies pass both ways intact, and an unreachable upstream answers 502.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { freePort, listen, rawRequest, waitFor } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';

/** A stand-in upstream that records what it got and answers with `reply(received)`. */
interface Upstream {
  server: Server;
  port: number;
  received: Buffer[];
}

async function upstream(onData: (socket: Socket, all: Buffer) => void): Promise<Upstream> {
  const received: Buffer[] = [];
  const server = createServer((socket) => {
    let all = Buffer.alloc(0);
    const slot = received.push(all) - 1;
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      all = Buffer.concat([all, d]);
      received[slot] = all;
      onData(socket, all);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0, received };
}

let ingest: Upstream;
let shout: Upstream;
let admin: Upstream;
let edge: EdgeHarness;
let trusting: EdgeHarness;
const BIG = Buffer.alloc(2 * 1024 * 1024, 0x61);

before(async () => {
  ingest = await upstream((socket, all) => {
    if (all.includes('BODY-END')) {
      socket.end('HTTP/1.0 200 OK\r\n\r\n');
    }
  });
  shout = await upstream((socket, all) => {
    if (all.toString().endsWith('\r\n')) {
      socket.write('OK2\r\nicy-caps:11\r\n\r\n');
    }
  });
  admin = await upstream((socket, all) => {
    if (all.includes('\r\n\r\n')) {
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.0 200 OK\r\nContent-Length: ${BIG.length}\r\n\r\n`),
          BIG,
        ]),
      );
    }
  });
  const settings = {
    ingest: { host: '127.0.0.1', port: ingest.port },
    ingestShoutcast: { host: '127.0.0.1', port: shout.port },
    admin: { host: '127.0.0.1', port: admin.port },
  };
  edge = await startEdge({ routes: null, settings });
  trusting = await startEdge({ routes: null, settings, config: { TrustedProxies: ['127.0.0.1'] } });
});

after(async () => {
  await edge.stop();
  await trusting.stop();
  for (const u of [ingest, shout, admin]) {
    u.server.close();
  }
});

test('a source is replayed to ingest with the client address and its body', T, async () => {
  const head =
    'PUT /live.mp3 HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\nContent-Type: audio/mpeg\r\n\r\n';
  const reply = await rawRequest(edge.edge.port, `${head}AUDIO-BYTES BODY-END`);
  assert.equal(reply.toString(), 'HTTP/1.0 200 OK\r\n\r\n');
  const got = ingest.received.at(-1)?.toString('latin1') ?? '';
  assert.equal(
    got,
    'PUT /live.mp3 HTTP/1.1\r\nHost: x\r\nContent-Type: audio/mpeg\r\nX-Forwarded-For: 127.0.0.1\r\n\r\nAUDIO-BYTES BODY-END',
  );
  await rawRequest(trusting.edge.port, `${head}BODY-END`);
  assert.match(
    ingest.received.at(-1)?.toString('latin1') ?? '',
    /\r\nX-Forwarded-For: 6\.6\.6\.6\r\n\r\n/,
  );
});

test('pages are proxied to admin, large replies intact', T, async () => {
  const r = await listen(edge.url('/status-json.xsl'), { durationMs: 5000 });
  assert.equal(r.status, 200);
  assert.equal(r.audio.length, BIG.length);
  assert.ok(r.audio.equals(BIG));
  assert.match(
    admin.received.at(-1)?.toString('latin1') ?? '',
    /^GET \/status-json\.xsl HTTP\/1\.1\r\n/,
  );
});

test('SHOUTcast sources on port + 1 go to the ingest port + 1 after a PROXY line', T, async () => {
  const socket = (await import('node:net')).connect({
    host: '127.0.0.1',
    port: edge.edge.shoutcastPort,
    // Another loopback address than the edge's own, so the line visibly names the encoder.
    localAddress: '127.0.0.9',
  });
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise((r) => socket.once('connect', r));
  const encoderPort = socket.localPort;
  socket.write('hackme\r\n');
  await waitFor(() => text === 'OK2\r\nicy-caps:11\r\n\r\n');
  socket.destroy();
  // SHOUTcast v1 has no headers: the encoder's address travels in a PROXY protocol v1 line.
  assert.equal(
    shout.received.at(-1)?.toString(),
    `PROXY TCP4 127.0.0.9 127.0.0.1 ${encoderPort} ${edge.edge.shoutcastPort}\r\nhackme\r\n`,
  );
});

test('an unreachable upstream answers 502', T, async () => {
  const down = await startEdge({
    routes: null,
    settings: { admin: { host: '127.0.0.1', port: await freePort() } },
  });
  try {
    const r = await listen(down.url('/index.html'));
    assert.equal(r.status, 502);
    assert.equal(r.audio.toString(), 'Bad Gateway');
  } finally {
    await down.stop();
  }
});
