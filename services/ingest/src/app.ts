/**
 * The ingest service's app factory: takes source connections (PUT, SOURCE, SHOUTcast v1) and
 * SHOUTcast title updates, either handed over by the single process's front door or on its own
 * ports, where it also answers /healthz, /readyz and /metrics; runs pull relays and file loops.
 * It never writes to a listener.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import express from 'express';
import { HEARTBEAT_FIGURES, Keys, Subjects, type BusSubscription } from '@penguincast/bus';
import {
  httpErrorResponse,
  methodNotAllowedResponse,
  notFoundResponse,
  type ParsedHead,
  type ProxyV1Header,
} from '@penguincast/icy';
import {
  TcpDoor,
  TrustedProxies,
  endThenDestroy,
  healthRouter,
  type ServiceApp,
  type ServiceDeps,
} from '@penguincast/runtime';
import { handleAdminCgi, type AdminCgiDeps } from './admin-cgi.js';
import { Admission } from './admission.js';
import { AuthThrottle } from '@penguincast/runtime';
import type { IngestConfig } from './config.js';
import { subscribeControl, updateTitle, type ControlDeps } from './control.js';
import { clientAddress, normaliseAddress, proxiedAddress } from './forwarded.js';
import { handleHttpSource } from './http-source.js';
import { LocalSessions } from './local-sessions.js';
import { LogLimiter } from './log-limiter.js';
import { createIngestMetrics } from './metrics.js';
import { startFileLoops, type FileLoop } from './file-loop.js';
import { Relays } from './relay/relays.js';
import { SourceSession, type OpenSession, type SessionDeps } from './session.js';
import { handleShoutcastSource } from './shoutcast-source.js';
import type { SourceDoorDeps } from './source-connection.js';

/** What `createIngest` needs. */
export interface IngestDeps extends ServiceDeps {
  settings: IngestConfig;
  /** The clock in milliseconds; default `Date.now` (tests may inject one). */
  now?: () => number;
}

/** The running ingest service. */
export interface IngestApp extends ServiceApp {
  /**
   * Takes a socket whose request head was already read (PUT, SOURCE, or GET /admin.cgi): the
   * single process's front door calls this. `head.rest` holds the body bytes read with the
   * head; `remoteAddress` is the real client address. The socket may be paused.
   */
  handleConnection(socket: Socket, head: ParsedHead, remoteAddress: string): void;
  /** Takes a raw socket of a SHOUTcast v1 source (connected to port + 1) before any byte was read. */
  handleShoutcast(socket: Socket, remoteAddress: string): void;
  /** Its own source port after `start()` (0 when `settings.listen` is false). */
  readonly port: number;
  /** Its own SHOUTcast port after `start()` (0 when not listening). */
  readonly shoutcastPort: number;
  /** Number of sources live on this instance. */
  readonly liveSources: number;
  /** Mounts this instance relays (configured and mirrored from `Master`), for tests. */
  relayedMounts(): string[];
  /**
   * This instance's figures for a `ServiceHeartbeat` (`sources`, `bytes_received_total`), for
   * the composition root's `startHeartbeat({ extra })`.
   */
  heartbeatFigures(): Record<string, number>;
}

/** How long `stop()` waits for leases to be released before it gives up on them. */
const STOP_RELEASE_TIMEOUT_MS = 3_000;

/** Builds the ingest service; `start()` subscribes and listens, `stop()` ends every source. */
export function createIngest(deps: IngestDeps): IngestApp {
  const { settings } = deps;
  const log = deps.log.child({ component: 'ingest' });
  const { bus, state, instanceId } = deps;
  const now = deps.now ?? Date.now;
  const subjects = new Subjects(settings.subjectPrefix);
  const keys = new Keys(settings.keyPrefix);
  const metrics = createIngestMetrics(deps.registry);
  const sessions = new LocalSessions();
  const throttle = new AuthThrottle({ now });
  const limiter = new LogLimiter(10_000, now);
  const totals = { bytesIn: 0 };
  // What most parts use. Each part declares the subset it needs in its own options type.
  const common = { bus, state, subjects, keys, log: deps.log, limiter, instanceId, now, settings };
  const sessionDeps: SessionDeps = { ...common, metrics, sessions, totals };
  const openSession: OpenSession = (init) => new SourceSession(sessionDeps, init);
  const admission = new Admission({ ...common, sessions });
  const doors: SourceDoorDeps = { ...common, metrics, throttle, admission, openSession };
  const control: ControlDeps = { ...common, sessions };
  const adminCgi: AdminCgiDeps = {
    ...common,
    metrics,
    throttle,
    sessions,
    updateTitle: (mount, title, url, charset) => updateTitle(control, mount, title, url, charset),
  };
  // Relays and file loops feed sessions like any source, from leases nobody else holds.
  const feeders = { ...common, admission, openSession };
  const health = express();
  health.disable('x-powered-by');
  health.use(
    healthRouter(deps.registry, [
      { name: 'bus', check: () => deps.bus.state === 'connected' },
      {
        name: 'state',
        check: async () => {
          await deps.state.get(keys.serverStart());
          return true;
        },
      },
    ]),
  );
  const healthServer: HttpServer = createHttpServer(health);
  let sourceDoor: TcpDoor | undefined;
  let shoutcastDoor: TcpDoor | undefined;
  let subscriptions: BusSubscription[] = [];
  const relays = new Relays({ ...feeders, bus, subjects, instanceId });
  let fileLoops: FileLoop[] = [];
  let port = 0;
  let shoutcastPort = 0;
  const open = new Set<Socket>();
  let stopped = false;
  // Edges on this host reach ingest over loopback; others must be listed in TrustedProxies.
  const trusted = new TrustedProxies(settings.trustedProxies, { loopback: true });

  const track = (socket: Socket): void => {
    if (open.has(socket)) {
      return;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', (err) => log.debug({ err }, 'client socket error'));
  };

  const handleConnection = (socket: Socket, head: ParsedHead, remoteAddress: string): void => {
    track(socket);
    if (stopped) {
      endThenDestroy(socket, httpErrorResponse(503, 'Server shutting down'));
      return;
    }
    const ip = normaliseAddress(remoteAddress);
    const run = (p: Promise<void>): void => {
      p.catch((err: unknown) => {
        log.error({ err }, 'source connection failed');
        socket.destroy();
      });
    };
    if (head.method === 'PUT' || head.method === 'SOURCE') {
      // Body bytes must wait for the session: a flowing socket without a reader loses them.
      socket.pause();
      run(handleHttpSource(doors, socket, head, ip));
    } else if (head.path === '/admin.cgi') {
      if (head.method === 'GET') {
        run(handleAdminCgi(adminCgi, socket, head, ip));
      } else {
        endThenDestroy(socket, methodNotAllowedResponse(['GET']));
      }
    } else {
      endThenDestroy(socket, notFoundResponse());
    }
  };

  const handleShoutcast = (socket: Socket, remoteAddress: string): void => {
    track(socket);
    if (stopped) {
      socket.destroy();
      return;
    }
    handleShoutcastSource(doors, socket, normaliseAddress(remoteAddress));
  };

  /**
   * A connection on ingest's own SHOUTcast port, after the door read its optional PROXY v1
   * line: an edge in front sends one (SHOUTcast v1 has no header to carry the encoder's address).
   * It is believed only from loopback or a trusted proxy; from anyone else it is skipped and the
   * peer is taken as the source, as with `X-Forwarded-For`.
   */
  const onOwnShoutcast = (socket: Socket, proxy: ProxyV1Header | undefined): void => {
    const peer = socket.remoteAddress ?? '';
    const { ip, ignored } = proxiedAddress(peer, proxy, trusted);
    if (ignored) {
      log.warn({ peer }, 'PROXY line from a peer not in TrustedProxies ignored');
    }
    handleShoutcast(socket, ip);
  };

  /** A request on ingest's own port that is not a health path: a source request. */
  const onOwnRequest = (socket: Socket, head: ParsedHead): void => {
    const peer = socket.remoteAddress ?? '';
    handleConnection(socket, head, clientAddress(peer, head.headers, trusted));
  };

  return {
    handleConnection,
    handleShoutcast,
    get port() {
      return port;
    },
    get shoutcastPort() {
      return shoutcastPort;
    },
    get liveSources() {
      return sessions.size;
    },
    relayedMounts: () => relays.mounts(),
    heartbeatFigures() {
      return {
        [HEARTBEAT_FIGURES.sources]: sessions.size,
        [HEARTBEAT_FIGURES.bytesReceived]: totals.bytesIn,
      };
    },
    async start() {
      subscriptions = subscribeControl(control);
      // Relays and file loops feed sessions like any source; they start before the ports open.
      relays.start();
      fileLoops = startFileLoops(feeders);
      if (!settings.listen) {
        return;
      }
      const timeouts = { log, headerTimeoutMs: settings.headerTimeoutMs, onAccept: track };
      // Only GET reaches the health app here; HEAD /healthz is a 404 on ingest's own port.
      const health = { server: healthServer, methods: ['GET'] as const };
      sourceDoor = new TcpDoor({ kind: 'head', ...timeouts, health, onRequest: onOwnRequest });
      shoutcastDoor = new TcpDoor({
        kind: 'raw',
        ...timeouts,
        proxyV1: true,
        onSocket: onOwnShoutcast,
      });
      port = await sourceDoor.listen(settings.port, settings.host);
      shoutcastPort = await shoutcastDoor.listen(settings.shoutcastPort, settings.host);
      log.info({ port, shoutcastPort }, 'ingest listening');
    },
    async stop() {
      stopped = true;
      for (const sub of subscriptions) {
        sub.unsubscribe();
      }
      subscriptions = [];
      const closing = [sourceDoor, shoutcastDoor]
        .filter((d): d is TcpDoor => d !== undefined)
        .map((d) => d.close());
      // Runners first, so none of them starts a new session while the others are ended.
      const managed = [relays.stop(), ...fileLoops.map((l) => l.stop())];
      const ending = [...managed, ...sessions.all().map((s) => s.kill('shutdown'))];
      for (const socket of open) {
        socket.destroy();
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(ending),
        new Promise((resolve) => {
          timer = setTimeout(resolve, STOP_RELEASE_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      await Promise.all(closing);
      healthServer.closeAllConnections();
      log.info('ingest stopped');
    },
  };
}
