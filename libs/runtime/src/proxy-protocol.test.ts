/**
 * Unit tests of PROXY protocol v1: the line the edge writes, the parser, and reading the line
 * off a real socket with the bytes after it (or the whole stream, without one) put back.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { parseProxyV1Line, proxyV1Line, readProxyV1, type ProxyV1Read } from './proxy-protocol.js';

const T = { timeout: 10_000 };

test('the line names both ends, or UNKNOWN when it cannot', T, () => {
  assert.equal(
    proxyV1Line(
      { address: '::ffff:203.0.113.9', port: 40000 },
      { address: '10.0.0.2', port: 8001 },
    ),
    'PROXY TCP4 203.0.113.9 10.0.0.2 40000 8001\r\n',
  );
  assert.equal(
    proxyV1Line({ address: '2001:db8::9', port: 1 }, { address: '2001:db8::1', port: 8001 }),
    'PROXY TCP6 2001:db8::9 2001:db8::1 1 8001\r\n',
  );
  assert.equal(
    proxyV1Line({ address: '203.0.113.9', port: 1 }, { address: '2001:db8::1', port: 2 }),
    'PROXY UNKNOWN\r\n',
  );
  assert.equal(
    proxyV1Line({ address: undefined, port: 1 }, { address: '10.0.0.2', port: 2 }),
    'PROXY UNKNOWN\r\n',
  );
});

test('the parser takes valid lines and refuses anything else', T, () => {
  assert.deepEqual(parseProxyV1Line('PROXY TCP4 203.0.113.9 10.0.0.2 40000 8001'), {
    sourceAddress: '203.0.113.9',
    sourcePort: 40000,
  });
  assert.deepEqual(
    parseProxyV1Line('PROXY TCP6 2001:DB8::9 2001:db8::1 1 8001')?.sourceAddress,
    '2001:db8::9',
  );
  assert.deepEqual(parseProxyV1Line('PROXY UNKNOWN'), {});
  for (const bad of [
    'PROXY TCP4 203.0.113.9 10.0.0.2 40000',
    'PROXY TCP4 2001:db8::9 10.0.0.2 1 2',
    'PROXY TCP4 203.0.113.9 10.0.0.2 70000 1',
    'PROXY UDP4 203.0.113.9 10.0.0.2 1 2',
    'HELLO',
  ]) {
    assert.equal(parseProxyV1Line(bad), undefined, bad);
  }
});

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
