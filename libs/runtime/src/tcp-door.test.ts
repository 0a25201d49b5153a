/**
 * Unit tests of the raw-TCP door on real loopback sockets: health paths replayed into the HTTP
 * app, other requests dispatched with their bytes, bad and late heads answered, throwing
 * handlers contained, the optional PROXY v1 line, and closing with sockets still being read.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { ParsedHead, ProxyV1Header } from '@penguincast/icy';
import { pino } from 'pino';
import { TcpDoor } from './tcp-door.js';

const T = { timeout: 10_000 };

/** A logger whose records are kept, and a way to wait for one with a given message. */
function logSink(): {
  log: pino.Logger;
  waitFor: (msg: string) => Promise<Record<string, unknown>>;
} {
  const records: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        records.push(JSON.parse(line) as Record<string, unknown>);
      }
      waiters.splice(0).forEach((w) => w());
      cb();
    },
  });
  const waitFor = async (msg: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = records.find((r) => r['msg'] === msg);
      if (found !== undefined) {
        return found;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { log: pino({ level: 'debug' }, stream), waitFor };
}

/** Connects, writes `text`, ends, and resolves with everything the door answered. */
function exchange(port: number, text: string, end = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = connect({ host: '127.0.0.1', port });
    let got = '';
    client.on('data', (d: Buffer) => (got += d.toString('latin1')));
    client.on('close', () => resolve(got));
    client.on('error', reject);
    client.write(text);
    if (end) {
      client.end();
    }
  });
}

test('a head door replays health paths into the HTTP app and dispatches the rest', T, async () => {
  const { log } = logSink();
  const health = createHttpServer((req, res) => {
    res.setHeader('Connection', 'close');
    res.end(`health ${req.method} ${req.url}`);
  });
  const seen: Array<{ head: ParsedHead; raw: string; acceptedAt: number }> = [];
  const door = new TcpDoor({
    kind: 'head',
    log,
    headerTimeoutMs: 5_000,
    health: { server: health, methods: ['GET'] },
    onRequest(socket, head, raw, acceptedAt) {
      seen.push({ head, raw: raw.toString('latin1'), acceptedAt });
      socket.end('HTTP/1.0 204 No Content\r\n\r\n');
    },
  });
  const port = await door.listen(0, '127.0.0.1');
  try {
    assert.equal(door.port, port);
    const h = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    assert.match(h, /^HTTP\/1\.1 200 OK\r\n/);
    assert.ok(h.endsWith('health GET /healthz'), h);
    const put = await exchange(port, 'PUT /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\nAUDIO');
    assert.equal(put, 'HTTP/1.0 204 No Content\r\n\r\n');
    // HEAD is not among this door's health methods, so it is the service's.
    await exchange(port, 'HEAD /metrics HTTP/1.0\r\n\r\n');
    assert.deepEqual(
      seen.map((s) => [s.head.method, s.head.path]),
      [
        ['PUT', '/live.mp3'],
        ['HEAD', '/metrics'],
      ],
    );
    assert.ok(seen[0]!.raw.startsWith('PUT /live.mp3 HTTP/1.1\r\n'));
    assert.ok(seen[0]!.raw.endsWith('AUDIO') || seen[0]!.raw.endsWith('\r\n\r\n'));
    assert.equal(typeof seen[0]!.acceptedAt, 'number');
  } finally {
    await door.close();
  }
});

test('bad and late heads are answered; a throwing handler costs its connection', T, async () => {
  const sink = logSink();
  const door = new TcpDoor({
    kind: 'head',
    log: sink.log,
    headerTimeoutMs: 200,
    onRequest() {
      throw new Error('boom');
    },
  });
  const port = await door.listen(0, '127.0.0.1');
  try {
    assert.match(await exchange(port, 'NONSENSE\r\n\r\n'), /^HTTP\/1\.0 400 /);
    assert.match(await exchange(port, 'GET /x HTTP/1.0\r\n', false), /^HTTP\/1\.0 408 /);
    assert.equal(await exchange(port, 'GET /x HTTP/1.0\r\n\r\n'), '');
    const record = await sink.waitFor('route failed');
    assert.equal((record['err'] as { message: string }).message, 'boom');
    await sink.waitFor('no request head');
  } finally {
    await door.close();
  }
});

test('a raw door reads an optional PROXY v1 line and leaves the stream intact', T, async () => {
  const sink = logSink();
  const got: Array<{ proxy: ProxyV1Header | undefined; data: string }> = [];
  const door = new TcpDoor({
    kind: 'raw',
    log: sink.log,
    headerTimeoutMs: 5_000,
    proxyV1: true,
    onSocket(socket: Socket, proxy) {
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
      socket.on('end', () => {
        got.push({ proxy, data });
        socket.end('bye');
      });
    },
  });
  const port = await door.listen(0, '127.0.0.1');
  try {
    assert.equal(
      await exchange(port, 'PROXY TCP4 203.0.113.9 127.0.0.1 5 6\r\npassword\r\n'),
      'bye',
    );
    assert.equal(await exchange(port, 'password\r\nicy-name:x\r\n'), 'bye');
    assert.deepEqual(got, [
      { proxy: { sourceAddress: '203.0.113.9', sourcePort: 5 }, data: 'password\r\n' },
      { proxy: undefined, data: 'password\r\nicy-name:x\r\n' },
    ]);
    assert.equal(await exchange(port, 'PROXY TCP4 nonsense\r\npassword\r\n'), '');
    assert.equal((await sink.waitFor('malformed PROXY line'))['peer'], '127.0.0.1');
    assert.equal(got.length, 2);
  } finally {
    await door.close();
  }
});

test('a raw door without PROXY hands the socket on at once; close drops readers', T, async () => {
  const { log } = logSink();
  const raw = new TcpDoor({
    kind: 'raw',
    log,
    headerTimeoutMs: 5_000,
    onSocket(socket, proxy) {
      assert.equal(proxy, undefined);
      socket.end('hello');
    },
  });
  let accepted!: () => void;
  const acceptedOne = new Promise<void>((r) => (accepted = r));
  const head = new TcpDoor({
    kind: 'head',
    log,
    headerTimeoutMs: 5_000,
    onAccept: () => accepted(),
    onRequest: () => assert.fail('no head was sent'),
  });
  const rawPort = await raw.listen(0, '127.0.0.1');
  const headPort = await head.listen(0, '127.0.0.1');
  try {
    assert.equal(await exchange(rawPort, '', false), 'hello');
    const pending = exchange(headPort, 'GET /slow', false);
    await acceptedOne;
    await Promise.all([head.close(), pending]);
  } finally {
    await raw.close();
    await head.close();
  }
});
