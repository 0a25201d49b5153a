/**
 * Unit tests of reading a PROXY protocol v1 line off a real socket, with the bytes after it (or
 * the whole stream, without one) put back.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { readProxyV1, type ProxyV1Read } from './read-proxy-v1.js';

const T = { timeout: 10_000 };

/** Sends `pieces` to a server that runs readProxyV1 and then reads the rest until close. */
async function readOver(pieces: string[]): Promise<{ read: ProxyV1Read; rest: string }> {
  let done!: (v: { read: ProxyV1Read; rest: string }) => void;
  const result = new Promise<{ read: ProxyV1Read; rest: string }>((r) => (done = r));
  const server = createServer((socket: Socket) => {
    void readProxyV1(socket, 2000).then((read) => {
      let rest = '';
      socket.on('data', (d: Buffer) => (rest += d.toString('latin1')));
      socket.on('end', () => {
        done({ read, rest });
        socket.end();
      });
      socket.resume();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const client = connect({ host: '127.0.0.1', port });
  client.on('error', () => undefined);
  await new Promise<void>((r) => client.once('connect', () => r()));
  for (const p of pieces) {
    client.write(p);
    await new Promise((r) => setTimeout(r, 20));
  }
  client.end();
  try {
    return await result;
  } finally {
    client.destroy();
    server.close();
  }
}

test('a line is read off the socket in pieces and the bytes after it stay', T, async () => {
  const r = await readOver([
    'PRO',
    'XY TCP4 203.0.113.9 127.0.0.1 5 6\r',
    '\npassword\r\nicy-name:x\r\n',
  ]);
  assert.deepEqual(r.read, {
    kind: 'header',
    header: { sourceAddress: '203.0.113.9', sourcePort: 5 },
  });
  assert.equal(r.rest, 'password\r\nicy-name:x\r\n');
});

test('a stream without the line is left whole; a bad line is refused', T, async () => {
  const plain = await readOver(['PR', 'OMPT-password\r\n']);
  assert.deepEqual(plain.read, { kind: 'none' });
  assert.equal(plain.rest, 'PROMPT-password\r\n');
  const bad = await readOver(['PROXY TCP4 nonsense\r\npassword\r\n']);
  assert.deepEqual(bad.read, { kind: 'invalid' });
  const long = await readOver([`PROXY ${'x'.repeat(120)}`]);
  assert.deepEqual(long.read, { kind: 'invalid' });
});
