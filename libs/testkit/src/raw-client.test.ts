/** Tests of the raw clients against a loopback server that echoes and then hangs up. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { rawClient, rawHead, rawRequest } from './raw-client.js';

const T = { timeout: 10_000 };
let server: Server;
let port = 0;

before(async () => {
  // Answers a head on its first line, and closes once the client sent `bye`.
  server = createServer((socket) => {
    let got = '';
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (got.includes('\r\n\r\n') && !got.includes('answered')) {
        got += 'answered';
        socket.write(`HTTP/1.0 200 OK\r\nX-Path: ${got.split(' ')[1]}\r\n\r\nbody`);
      }
      if (got.includes('bye')) {
        socket.end();
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise((r) => server.close(r));
});

test('rawClient records the reply, waits for a pattern and sees the close', T, async () => {
  const c = await rawClient(port, 'GET /a HTTP/1.0\r\n\r\n');
  assert.match(await c.waitFor(/body$/), /^HTTP\/1\.0 200 OK\r\nX-Path: \/a\r\n/);
  c.socket.write('bye');
  assert.equal(await c.closed, 'HTTP/1.0 200 OK\r\nX-Path: /a\r\n\r\nbody');
  const silent = await rawClient(port);
  await assert.rejects(silent.waitFor(/never/, 30), /waiting for reply matching \/never\//);
  silent.destroy();
  await silent.closed;
});

test('rawRequest resolves with all bytes at close, or rejects on its timeout', T, async () => {
  const all = await rawRequest(port, 'GET /b HTTP/1.0\r\n\r\nbye');
  assert.equal(all.toString('latin1'), 'HTTP/1.0 200 OK\r\nX-Path: /b\r\n\r\nbody');
  await assert.rejects(rawRequest(port, 'GET /c HTTP/1.0\r\n\r\n', 100), /no close within 100 ms/);
});

test('rawHead resolves with the head only', T, async () => {
  assert.equal(
    await rawHead(port, 'GET /d HTTP/1.0\r\n\r\n'),
    'HTTP/1.0 200 OK\r\nX-Path: /d\r\n\r\n',
  );
  await assert.rejects(rawHead(port, 'GET /e HTTP/1.0\r\n', 100), /no response head/);
});
