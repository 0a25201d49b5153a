import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { connect } from 'node:net';
import express from 'express';
import { logSink, waitFor } from '@penguincast/testkit';
import { createRootLogger, redactUrl } from './logger.js';
import { createRegistry } from './metrics.js';
import { healthRouter } from './health.js';
import { parseCliArgs } from './cli.js';
import type { HeadReadError } from './read-head.js';
import { readRequestHead } from './read-head.js';
import { closeServer, listen } from './http.js';

const T = { timeout: 10_000 };

test('the root logger binds service and instance and redacts secrets', T, () => {
  const s = logSink();
  const log = createRootLogger({
    service: 'edge',
    instance: 'i1',
    loglevel: 4,
    destination: s.stream,
  });
  log.info(
    { headers: { authorization: 'Basic abc' }, password: 'pw' },
    'GET /admin.cgi?pass=hunter2&mode=x',
  );
  log.debug('debug shown at level 4');
  const [first, second] = s.lines;
  assert.equal(first?.['service'], 'edge');
  assert.equal(first?.['instance'], 'i1');
  assert.equal(first?.['password'], '***');
  assert.deepEqual(first?.['headers'], { authorization: '***' });
  assert.equal(first?.['msg'], 'GET /admin.cgi?pass=***&mode=x');
  assert.equal(second?.['msg'], 'debug shown at level 4');
  const quiet = logSink();
  createRootLogger({ service: 'x', instance: 'y', loglevel: 1, destination: quiet.stream }).warn(
    'no',
  );
  assert.equal(quiet.lines.length, 0, 'level 1 keeps errors only');
  assert.equal(redactUrl('http://source:secret@host/x'), 'http://source:***@host/x');
});

test('health, readiness and metrics routes', T, async () => {
  const registry = createRegistry('test', 'i1');
  let ready = false;
  const app = express().use(healthRouter(registry, [{ name: 'bus', check: () => ready }]));
  const server = createHttpServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  try {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const notReady = await fetch(`${base}/readyz`);
    assert.equal(notReady.status, 503);
    assert.deepEqual(await notReady.json(), { status: 'not ready', checks: { bus: false } });
    ready = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(
      metrics,
      /^penguincast_process_cpu_seconds_total\{service="test",instance="i1"\}/m,
    );
  } finally {
    await closeServer(server);
  }
});

test('cli args: --config, env default, positionals, unknown options', () => {
  assert.deepEqual(parseCliArgs(['edge', '--config', 'a.json'], {}), {
    configPath: 'a.json',
    positionals: ['edge'],
    help: false,
  });
  assert.equal(parseCliArgs([], { PENGUINCAST_CONFIG: 'b.json' }).configPath, 'b.json');
  assert.equal(parseCliArgs([], {}).configPath, 'config.json');
  assert.throws(() => parseCliArgs(['--nope'], {}), TypeError);
});

async function withRawServer(
  onHead: (p: Promise<unknown>) => void,
  timeoutMs = 2000,
): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    onHead(readRequestHead(socket, { timeoutMs, limits: { maxHeadBytes: 256 } }));
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { server, port };
}

function exchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => c.write(data));
    let got = '';
    c.on('data', (d) => (got += String(d)));
    c.on('close', () => resolve(got));
    c.on('error', reject);
    setTimeout(() => c.end(), 300);
  });
}

test('readRequestHead returns the head and every raw byte, in pieces', T, async () => {
  let result: Promise<unknown> = Promise.resolve();
  const { server, port } = await withRawServer((p) => (result = p));
  try {
    const c = connect(port, '127.0.0.1');
    await new Promise((r) => c.once('connect', r));
    c.write('PUT /live.mp3 HTTP/1.1\r\nContent-');
    await new Promise((r) => setTimeout(r, 50));
    c.write('Type: audio/mpeg\r\n\r\nAUDIO');
    const { head, raw } = (await result) as Awaited<ReturnType<typeof readRequestHead>>;
    assert.equal(head.method, 'PUT');
    assert.equal(head.headers.get('content-type'), 'audio/mpeg');
    assert.equal(Buffer.from(head.rest).toString(), 'AUDIO');
    assert.equal(raw.toString(), 'PUT /live.mp3 HTTP/1.1\r\nContent-Type: audio/mpeg\r\n\r\nAUDIO');
    c.destroy();
  } finally {
    await closeServer(server);
  }
});

test('readRequestHead answers 431, 400 and 408 and rejects with the status', T, async () => {
  const seen: unknown[] = [];
  const { server, port } = await withRawServer((p) => {
    p.catch((err: unknown) => seen.push(err));
  }, 200);
  try {
    const big = await exchange(port, `GET /x HTTP/1.1\r\nX: ${'a'.repeat(300)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.[01] 431 /);
    const bad = await exchange(port, 'GET\r\n\r\n');
    assert.match(bad, /^HTTP\/1\.[01] 400 /);
    const slow = await exchange(port, 'GET /x HTTP/1.1\r\n');
    assert.match(slow, /^HTTP\/1\.[01] 408 /);
    await waitFor(() => seen.length === 3, 5_000, 'three rejected reads');
    assert.deepEqual(
      seen.map((e) => (e as HeadReadError).httpStatus),
      [431, 400, 408],
    );
  } finally {
    await closeServer(server);
  }
});
