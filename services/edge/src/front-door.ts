/**
 * The public front door: raw TCP on `Socket.Port` (and `Port + 1` for SHOUTcast v1 sources).
 * It reads one request head and routes it: sources to ingest, CORS preflights answered here,
 * health and metrics to the edge's own HTTP app, live mounts to the listener code, and
 * everything else to admin. It never crashes on bad input: every socket has an error handler.
 */
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  HeadReadError,
  TrustedProxies,
  endThenDestroy,
  listen,
  readRequestHead,
} from '@penguincast/runtime';
import { optionsResponse, type ParsedHead } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { Audience } from './audience.js';
import { clientIp, normaliseIp } from './client-ip.js';
import type { EdgeConfig } from './config.js';

/** Where the front door hands requests that are not listeners. */
export interface FrontDoorRoutes {
  /** PUT, SOURCE and GET /admin.cgi: hand to ingest. `raw` = every byte read so far. */
  source(socket: Socket, head: ParsedHead, raw: Buffer, remoteAddress: string): void;
  /** A connection to port+1 (SHOUTcast v1 source), nothing read yet. */
  shoutcast(socket: Socket, remoteAddress: string): void;
  /** Any other HTTP request (admin API, status, pages, static files, unknown paths): hand to admin. */
  http(socket: Socket, head: ParsedHead, raw: Buffer, remoteAddress: string): void;
}

/** Options of {@link FrontDoor}. */
export interface FrontDoorOptions {
  settings: EdgeConfig;
  routes: FrontDoorRoutes;
  audience: Audience;
  /** The edge's own HTTP server for `/healthz`, `/readyz` and `/metrics` (never listening). */
  health: HttpServer;
  log: Logger;
}

/** Paths the edge answers itself. */
const HEALTH_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** The listening front door. */
export class FrontDoor {
  readonly #main: Server;
  readonly #shoutcast: Server;
  readonly #reading = new Set<Socket>();
  readonly #trusted: TrustedProxies;
  #port = 0;
  #shoutcastPort = 0;

  constructor(private readonly opts: FrontDoorOptions) {
    this.#trusted = new TrustedProxies(opts.settings.trustedProxies);
    this.#main = createServer((socket) => this.#onConnection(socket));
    this.#shoutcast = createServer((socket) => this.#onShoutcast(socket));
    for (const server of [this.#main, this.#shoutcast]) {
      server.on('error', (err) => opts.log.error({ err }, 'front door server error'));
    }
  }

  /** The bound public port. */
  get port(): number {
    return this.#port;
  }

  /** The bound SHOUTcast port. */
  get shoutcastPort(): number {
    return this.#shoutcastPort;
  }

  /** Listens on both ports. */
  async start(): Promise<void> {
    const { host, port, shoutcastPort } = this.opts.settings;
    this.#port = await listen(this.#main, port, host);
    this.#shoutcastPort = await listen(this.#shoutcast, shoutcastPort, host);
  }

  /**
   * Stops accepting and drops connections still sending their head. It does not wait for the
   * connections already handed on: listeners are ended by their mounts, and sources and pages
   * belong to the service they were routed to (in the single process it stops after the edge).
   */
  async stop(): Promise<void> {
    for (const socket of this.#reading) {
      socket.destroy();
    }
    for (const server of [this.#main, this.#shoutcast]) {
      if (server.listening) {
        server.close();
      }
    }
  }

  #onShoutcast(socket: Socket): void {
    socket.on('error', () => socket.destroy());
    this.#hand(socket, () => this.opts.routes.shoutcast(socket, normaliseIp(socket.remoteAddress)));
  }

  #onConnection(socket: Socket): void {
    const acceptedAt = performance.now();
    socket.on('error', () => socket.destroy());
    this.#reading.add(socket);
    readRequestHead(socket, { timeoutMs: this.opts.settings.headerTimeoutMs })
      .then(({ head, raw }) => {
        this.#reading.delete(socket);
        this.#route(socket, head, raw, acceptedAt);
      })
      .catch((err: unknown) => {
        this.#reading.delete(socket);
        // A bad or late head was already answered; anything else leaves nothing to answer.
        if (!(err instanceof HeadReadError)) {
          this.opts.log.error({ err }, 'reading a request head failed');
          socket.destroy();
        }
      });
  }

  #route(socket: Socket, head: ParsedHead, raw: Buffer, acceptedAt: number): void {
    const { routes, settings, audience } = this.opts;
    const ip = clientIp(
      socket.remoteAddress,
      head.headers.getAll('x-forwarded-for'),
      this.#trusted,
    );
    if (head.method === 'PUT' || head.method === 'SOURCE' || head.path === '/admin.cgi') {
      this.#hand(socket, () => routes.source(socket, head, raw, ip));
      return;
    }
    if (head.method === 'OPTIONS') {
      const reply = optionsResponse({
        serverName: settings.serverName,
        cors: { allowOrigin: settings.corsOrigin },
      });
      endThenDestroy(socket, reply);
      return;
    }
    const readOnly = head.method === 'GET' || head.method === 'HEAD';
    if (readOnly && HEALTH_PATHS.has(head.path)) {
      socket.unshift(raw);
      this.opts.health.emit('connection', socket);
      socket.resume();
      return;
    }
    if (!readOnly) {
      this.#hand(socket, () => routes.http(socket, head, raw, ip));
      return;
    }
    audience
      .serve(socket, head, ip, acceptedAt)
      .then((served) => {
        if (!served) {
          this.#hand(socket, () => routes.http(socket, head, raw, ip));
        }
      })
      .catch((err: unknown) => {
        this.opts.log.error({ err, path: head.path }, 'serving a listener failed');
        socket.destroy();
      });
  }

  /** Runs a route; a route that throws costs this connection only. */
  #hand(socket: Socket, route: () => void): void {
    try {
      route();
    } catch (err) {
      this.opts.log.error({ err }, 'route failed');
      socket.destroy();
    }
  }
}
