/**
 * A scripted upstream stream server for relay tests: a loopback TCP server that reads each
 * request head, records it, and lets the test answer it (status, headers, a paced ICY stream
 * with changeable titles, or a plain text body). Every socket is destroyed on `stop()`.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { encodeMetadataBlock } from '@penguincast/icy';

/** One request the fake upstream received. */
export interface SeenRequest {
  /** The request line, e.g. `GET /live HTTP/1.0`. */
  line: string;
  /** The path of the request line. */
  path: string;
  /** Header names lowercased. */
  headers: Record<string, string>;
  /** When the request arrived (ms since the epoch). */
  atMs: number;
}

/** How a request is answered. */
export type Handler = (req: SeenRequest, socket: Socket) => void;

/** A running fake upstream. */
export interface FakeUpstream {
  port: number;
  requests: SeenRequest[];
  /** Replaces the handler of `path`. */
  route(path: string, handler: Handler): void;
  /** Destroys every open connection (the upstream "dies" but keeps listening). */
  dropAll(): void;
  stop(): Promise<void>;
}

/** Starts a fake upstream on 127.0.0.1 and a free port. */
export async function startUpstream(): Promise<FakeUpstream> {
  const routes = new Map<string, Handler>();
  const requests: SeenRequest[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) {
        return;
      }
      socket.off('data', onData);
      const [line = '', ...rest] = head.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of rest) {
        const c = l.indexOf(':');
        headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      const req = { line, path: line.split(' ')[1] ?? '', headers, atMs: Date.now() };
      requests.push(req);
      const handler = routes.get(req.path.split('?')[0] ?? '');
      if (handler === undefined) {
        socket.end('HTTP/1.0 404 Not Found\r\n\r\n');
      } else {
        handler(req, socket);
      }
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    requests,
    route: (path, handler) => routes.set(path, handler),
    dropAll: () => {
      for (const s of open) {
        s.destroy();
      }
    },
    async stop() {
      for (const s of open) {
        s.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Options of {@link icyStream}. */
export interface IcyStreamOptions {
  /** Audio looped forever (whole MP3 frames). */
  audio: Buffer;
  /** Metadata interval, or undefined for a stream without ICY metadata. */
  metaint?: number;
  /** The status line; default `ICY 200 OK`. */
  status?: string;
  /** Extra reply headers. */
  headers?: Record<string, string>;
  /** Title in force; read before each block, so the test can change it. */
  title: () => string;
  /** Bytes of audio per write and the pause between writes. */
  pieceBytes?: number;
  everyMs?: number;
  /** Every audio byte sent, in order, for comparison. */
  sent?: Buffer[];
}

/** A handler that streams `audio` in a loop with ICY metadata every `metaint` bytes. */
export function icyStream(o: IcyStreamOptions): Handler {
  return (_req, socket) => {
    const headers = {
      'Content-Type': 'audio/mpeg',
      ...(o.metaint === undefined ? {} : { 'icy-metaint': String(o.metaint) }),
      ...o.headers,
    };
    const head = Object.entries(headers).map(([k, v]) => `${k}:${v}`);
    socket.write(`${[o.status ?? 'ICY 200 OK', ...head].join('\r\n')}\r\n\r\n`);
    let at = 0;
    let untilMeta = o.metaint ?? Number.POSITIVE_INFINITY;
    let lastTitle: string | undefined;
    const timer = setInterval(() => {
      if (socket.destroyed) {
        clearInterval(timer);
        return;
      }
      let budget = o.pieceBytes ?? 4096;
      const parts: Buffer[] = [];
      while (budget > 0) {
        const n = Math.min(budget, untilMeta, o.audio.length - at);
        const slice = o.audio.subarray(at, at + n);
        parts.push(slice);
        o.sent?.push(slice);
        at = at + n === o.audio.length ? 0 : at + n;
        budget -= n;
        untilMeta -= n;
        if (untilMeta === 0) {
          const title = o.title();
          parts.push(
            title === lastTitle
              ? Buffer.of(0)
              : Buffer.from(encodeMetadataBlock({ title }, { charset: 'utf-8' })),
          );
          lastTitle = title;
          untilMeta = o.metaint!;
        }
      }
      socket.write(Buffer.concat(parts));
    }, o.everyMs ?? 20);
  };
}
