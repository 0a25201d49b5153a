/**
 * One raw-TCP door, shared by the edge's front door and ingest's own ports: it accepts a socket,
 * reads an optional PROXY v1 line or one request head under a deadline (answering bad or late
 * heads), hands health paths to the service's own HTTP app, and dispatches everything else to
 * the service's handler. A handler that throws costs its connection only; routing is the
 * service's.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { HeadLimits, HttpMethod, ParsedHead, ProxyV1Header } from '@penguincast/icy';
import type { Logger } from 'pino';
import { HEALTH_PATHS } from './health.js';
import { closeServer, listen } from './http.js';
import { HeadReadError, readRequestHead } from './read-head.js';
import { readProxyV1 } from './read-proxy-v1.js';

/** What every door takes. */
interface DoorBase {
  /** Where failures are logged (bad PROXY lines, missing heads, throwing handlers). */
  log: Logger;
  /** Time a client gets to send its PROXY line or its request head. */
  headerTimeoutMs: number;
  /** Called with every accepted socket before anything is read, e.g. to track it. */
  onAccept?: (socket: Socket) => void;
}

/** A door that reads one HTTP/ICE request head, then dispatches it. */
export interface HeadDoorOptions extends DoorBase {
  kind: 'head';
  /** Limits on the request head; `RequestHeadParser`'s defaults otherwise. */
  limits?: Partial<HeadLimits>;
  /**
   * The service's own HTTP app for `/healthz`, `/readyz` and `/metrics` (a server that is not
   * listening): requests with one of `methods` to those paths are replayed into it.
   */
  health?: { server: HttpServer; methods: readonly HttpMethod[] };
  /**
   * Takes a request that is not a health path. `raw` holds every byte read so far (head and
   * body start); `acceptedAt` is `performance.now()` when the socket was accepted. The socket
   * is paused.
   */
  onRequest(socket: Socket, head: ParsedHead, raw: Buffer, acceptedAt: number): void;
}

/** A door that reads nothing (or only a PROXY v1 line) before it hands the socket on. */
export interface RawDoorOptions extends DoorBase {
  kind: 'raw';
  /**
   * Read an optional PROXY v1 line first. A malformed one ends the connection; after the
   * handler returns, the socket (paused by the reader) is resumed.
   */
  proxyV1?: boolean;
  /** Takes the socket with the PROXY line it sent, if any. */
  onSocket(socket: Socket, proxy: ProxyV1Header | undefined): void;
}

/** Options of {@link TcpDoor}. */
export type TcpDoorOptions = HeadDoorOptions | RawDoorOptions;

/** A listening raw-TCP port of a service. */
export class TcpDoor {
  readonly #opts: TcpDoorOptions;
  readonly #server: Server;
  /** Sockets still sending their PROXY line or head: the door's own until handed on. */
  readonly #reading = new Set<Socket>();
  #port = 0;

  constructor(opts: TcpDoorOptions) {
    this.#opts = opts;
    this.#server = createServer((socket) => this.#onConnection(socket));
    this.#server.on('error', (err) => opts.log.error({ err }, 'door server error'));
  }

  /** The bound port after `listen()`. */
  get port(): number {
    return this.#port;
  }

  /** Listens on `host:port` (0 picks a free port) and resolves with the bound port. */
  async listen(port: number, host: string): Promise<number> {
    this.#port = await listen(this.#server, port, host);
    return this.#port;
  }

  /**
   * Stops accepting and destroys the sockets still being read. The promise resolves once every
   * connection the port accepted has closed, handed-on ones included, so a caller that leaves
   * those to others need not wait for it.
   */
  close(): Promise<void> {
    for (const socket of this.#reading) {
      socket.destroy();
    }
    this.#reading.clear();
    return closeServer(this.#server);
  }

  #onConnection(socket: Socket): void {
    const acceptedAt = performance.now();
    socket.on('error', () => socket.destroy());
    const opts = this.#opts;
    opts.onAccept?.(socket);
    if (opts.kind === 'head') {
      this.#readHead(socket, opts, acceptedAt);
    } else if (opts.proxyV1 === true) {
      this.#readProxyLine(socket, opts);
    } else {
      this.#hand(socket, () => opts.onSocket(socket, undefined));
    }
  }

  #readHead(socket: Socket, opts: HeadDoorOptions, acceptedAt: number): void {
    this.#reading.add(socket);
    readRequestHead(socket, { timeoutMs: opts.headerTimeoutMs, limits: opts.limits }).then(
      ({ head, raw }) => {
        this.#reading.delete(socket);
        const health = opts.health;
        if (
          health !== undefined &&
          health.methods.includes(head.method) &&
          HEALTH_PATHS.includes(head.path)
        ) {
          // Node's HTTP server parses the replayed bytes as if it had read them itself.
          socket.unshift(raw);
          health.server.emit('connection', socket);
          socket.resume();
          return;
        }
        this.#hand(socket, () => opts.onRequest(socket, head, raw, acceptedAt));
      },
      (err: unknown) => {
        this.#reading.delete(socket);
        if (err instanceof HeadReadError) {
          // readRequestHead has already answered a bad or late head; nothing else to do.
          opts.log.debug({ err }, 'no request head');
        } else {
          opts.log.error({ err }, 'reading a request head failed');
          socket.destroy();
        }
      },
    );
  }

  #readProxyLine(socket: Socket, opts: RawDoorOptions): void {
    this.#reading.add(socket);
    void readProxyV1(socket, opts.headerTimeoutMs).then((read) => {
      this.#reading.delete(socket);
      if (read.kind === 'invalid') {
        opts.log.info({ peer: socket.remoteAddress ?? '' }, 'malformed PROXY line');
        socket.destroy();
        return;
      }
      this.#hand(socket, () =>
        opts.onSocket(socket, read.kind === 'header' ? read.header : undefined),
      );
      // The reader paused the socket; the handler has attached its reader, so let bytes flow.
      socket.resume();
    });
  }

  /** Runs a handler; one that throws costs this connection only. */
  #hand(socket: Socket, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.#opts.log.error({ err }, 'route failed');
      socket.destroy();
    }
  }
}
