/**
 * The public front door: raw TCP on `Socket.Port` (and `Port + 1` for SHOUTcast v1 sources),
 * two runtime `TcpDoor`s. The door reads one request head and hands health and metrics to the
 * edge's own HTTP app; this module routes the rest: sources to ingest, CORS preflights answered
 * here, live mounts to the listener code, and everything else to admin.
 */
import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { TcpDoor, TrustedProxies, endThenDestroy } from '@penguincast/runtime';
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

/** The listening front door. */
export class FrontDoor {
  readonly #main: TcpDoor;
  readonly #shoutcast: TcpDoor;
  readonly #trusted: TrustedProxies;

  constructor(private readonly opts: FrontDoorOptions) {
    this.#trusted = new TrustedProxies(opts.settings.trustedProxies);
    const { log, settings } = opts;
    this.#main = new TcpDoor({
      kind: 'head',
      log,
      headerTimeoutMs: settings.headerTimeoutMs,
      health: { server: opts.health, methods: ['GET', 'HEAD'] },
      onRequest: (socket, head, raw, acceptedAt) => this.#route(socket, head, raw, acceptedAt),
    });
    this.#shoutcast = new TcpDoor({
      kind: 'raw',
      log,
      headerTimeoutMs: settings.headerTimeoutMs,
      onSocket: (socket) => opts.routes.shoutcast(socket, normaliseIp(socket.remoteAddress)),
    });
  }

  /** The bound public port. */
  get port(): number {
    return this.#main.port;
  }

  /** The bound SHOUTcast port. */
  get shoutcastPort(): number {
    return this.#shoutcast.port;
  }

  /** Listens on both ports. */
  async start(): Promise<void> {
    const { host, port, shoutcastPort } = this.opts.settings;
    await this.#main.listen(port, host);
    await this.#shoutcast.listen(shoutcastPort, host);
  }

  /**
   * Stops accepting and drops connections still sending their head. It does not wait for the
   * connections already handed on: listeners are ended by their mounts, and sources and pages
   * belong to the service they were routed to (in the single process it stops after the edge).
   */
  async stop(): Promise<void> {
    void this.#main.close();
    void this.#shoutcast.close();
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
