/**
 * Raw TCP clients for tests of the HTTP-like doors: they send exactly the bytes a test gives
 * and record exactly what the server answers, with no HTTP client in between. Loopback only.
 */
import { connect, type Socket } from 'node:net';
import { TEST_HOST } from './servers.js';
import { waitFor } from './wait.js';

/** A raw client socket that records everything the server sends. */
export interface RawClient {
  socket: Socket;
  /** Everything received so far, as Latin-1 text. */
  received(): string;
  /** Resolves once the received text matches `re` (default timeout 5000 ms). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once the server closed the connection, with everything received. */
  closed: Promise<string>;
  destroy(): void;
}

/**
 * Connects to the loopback `port` (from `localAddress` when given, e.g. `127.0.0.42`), sends
 * `initial` when given, and resolves once connected.
 */
export async function rawClient(
  port: number,
  initial?: string | Buffer,
  localAddress?: string,
): Promise<RawClient> {
  const socket = connect({ host: TEST_HOST, port, ...(localAddress ? { localAddress } : {}) });
  const parts: Buffer[] = [];
  socket.on('data', (b: Buffer) => parts.push(b));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (initial !== undefined) {
    socket.write(initial);
  }
  const received = (): string => Buffer.concat(parts).toString('latin1');
  return {
    socket,
    received,
    closed,
    waitFor: (re, timeoutMs = 5_000) =>
      waitFor(() => re.test(received()) && received(), timeoutMs, `reply matching ${re}`),
    destroy: () => socket.destroy(),
  };
}

/**
 * Sends `request` as raw bytes and resolves with everything the server sent until it closed;
 * rejects (and hangs up) when the server has not closed within `timeoutMs`.
 */
export function rawRequest(port: number, request: string, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: TEST_HOST, port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no close within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString('latin1')}`,
        ),
      );
    }, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * Sends `request`, reads only the response head (through the blank line), then hangs up;
 * rejects when no whole head arrived within `timeoutMs`.
 */
export function rawHead(port: number, request: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: TEST_HOST, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no response head'));
    }, timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end !== -1) {
        clearTimeout(timer);
        socket.destroy();
        resolve(buf.subarray(0, end + 4).toString('latin1'));
      }
    });
  });
}
