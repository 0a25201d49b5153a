/**
 * A client that gets a final reply and then never closes its side of the connection, as a
 * leaking or hostile client does, and reports whether the server let go of the connection
 * anyway. It only ever connects to loopback.
 */
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

/** Options of {@link silentClient}. */
export interface SilentClientOptions {
  /** How long to wait for the server to let go after its reply ended. Default 8000 ms. */
  timeoutMs?: number;
  /** Interval of the probe bytes. Default 200 ms. */
  probeMs?: number;
}

/** What a silent client saw. */
export interface SilentClientResult {
  /** Everything the server sent, as Latin-1 text. */
  reply: string;
  /** True when the server closed the connection for good (not only its sending side). */
  released: boolean;
  /** Milliseconds from the end of the reply until the server let go, when it did. */
  releasedAfterMs?: number;
}

/**
 * Connects to `127.0.0.1:port`, sends `request`, reads until the server ends its side, and
 * keeps its own side open. Once the reply has ended it writes a probe byte now and then: while
 * the server still holds the socket the bytes are just buffered there, but once the server has
 * closed it the kernel answers with a reset, which this client sees as an error and a close.
 */
export function silentClient(
  port: number,
  request: string | Buffer,
  opts: SilentClientOptions = {},
): Promise<SilentClientResult> {
  const timeoutMs = opts.timeoutMs ?? 8000;
  const probeMs = opts.probeMs ?? 200;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const parts: Buffer[] = [];
    let endedAt: number | undefined;
    let probe: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (released: boolean): void => {
      if (done) {
        return;
      }
      done = true;
      clearInterval(probe);
      clearTimeout(deadline);
      socket.destroy();
      const reply = Buffer.concat(parts).toString('latin1');
      resolve(
        released && endedAt !== undefined
          ? { reply, released, releasedAfterMs: performance.now() - endedAt }
          : { reply, released },
      );
    };
    // Counted from the start: a server that never ends its reply fails the same way.
    const deadline = setTimeout(() => finish(false), timeoutMs);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('end', () => {
      endedAt = performance.now();
      probe = setInterval(() => {
        if (!socket.destroyed) {
          socket.write('x');
        }
      }, probeMs);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(endedAt !== undefined));
  });
}
