/**
 * Reads an optional PROXY protocol v1 line off a fresh raw socket, under a deadline, and puts
 * every byte after it back for the next reader. The line itself is judged by `scanProxyV1` in
 * `@penguincast/icy`; whether to believe it is the caller's decision.
 */
import type { Socket } from 'node:net';
import { scanProxyV1, type ProxyV1Header } from '@penguincast/icy';

/** The outcome of {@link readProxyV1}. */
export type ProxyV1Read =
  /** The connection did not start with `PROXY `: its first bytes were put back. */
  | { kind: 'none' }
  /** A valid line was read and consumed; the bytes after it were put back. */
  | { kind: 'header'; header: ProxyV1Header }
  /** A `PROXY ` line that is malformed, too long or unfinished before the deadline or close. */
  | { kind: 'invalid' };

/**
 * Looks at the first bytes of a fresh socket for a PROXY v1 line. Everything read that is not
 * the line goes back with `unshift`, so the next reader sees the stream as the client sent it.
 * The socket is paused when this resolves.
 */
export function readProxyV1(socket: Socket, timeoutMs: number): Promise<ProxyV1Read> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const finish = (result: ProxyV1Read, rest?: Buffer): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (rest !== undefined && rest.length > 0) {
        socket.unshift(rest);
      }
      resolve(result);
    };
    const onClose = (): void => finish({ kind: 'invalid' });
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const scan = scanProxyV1(buf);
      if (scan.kind === 'none') {
        finish(scan, buf);
      } else if (scan.kind === 'header') {
        finish({ kind: 'header', header: scan.header }, buf.subarray(scan.length));
      } else if (scan.kind === 'invalid') {
        finish(scan);
      }
    };
    const timer = setTimeout(() => finish({ kind: 'invalid' }), timeoutMs);
    timer.unref();
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
