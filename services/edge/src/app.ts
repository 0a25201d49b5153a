/**
 * The edge service's app factory: wires the mount table, listeners, cluster counters, control
 * commands and the front door over the deps it is given. It never listens before `start()` and
 * never reads the environment.
 */
import { createServer } from 'node:http';
import express from 'express';
import { HEARTBEAT_FIGURES, Keys, Subjects, type ClientInfo } from '@penguincast/bus';
import { healthRouter, type ServiceApp, type ServiceDeps } from '@penguincast/runtime';
import { Audience } from './audience.js';
import type { EdgeConfig } from './config.js';
import { Control } from './control.js';
import { ClusterCounters } from './counters.js';
import { EventPublisher } from './events.js';
import { FrontDoor, type FrontDoorRoutes } from './front-door.js';
import { loadIntros, type Intro } from './intro.js';
import { EdgeMetrics } from './metrics.js';
import { MountTable } from './mount-table.js';
import { proxyRoutes } from './proxy.js';

export type { FrontDoorRoutes } from './front-door.js';
export { proxyRoutes, withForwardedFor } from './proxy.js';

/** What `createEdge` needs. */
export interface EdgeDeps extends ServiceDeps {
  settings: EdgeConfig;
  /**
   * Where non-listener requests go. Absent: TCP proxying to `Cluster.IngestUrl` and
   * `Cluster.AdminUrl` (distributed mode); the single process passes in-process routes.
   */
  routes?: FrontDoorRoutes;
  /** The clock in milliseconds; default `Date.now` (tests may inject one). */
  now?: () => number;
}

/** The running edge service. */
export interface EdgeApp extends ServiceApp {
  /** The bound public port after `start()`. */
  readonly port: number;
  /** The bound SHOUTcast v1 port after `start()`. */
  readonly shoutcastPort: number;
  /** Listeners on this edge, on one mount or on all. */
  listenerCount(mount?: string): number;
  /** The listeners on `mount` as `list-clients` reports them. */
  clients(mount: string): ClientInfo[];
  /**
   * This instance's figures for a `ServiceHeartbeat` (`listeners`, `bytes_sent_total`,
   * `slow_listener_drops_total`), for the composition root's `startHeartbeat({ extra })`.
   */
  heartbeatFigures(): Record<string, number>;
}

/** How often idle mounts and stalled listeners are checked. */
const TICK_MS = 500;

/** Builds the edge; `start()` subscribes and listens, `stop()` ends listeners and closes. */
export function createEdge(deps: EdgeDeps): EdgeApp {
  const { settings, bus, state, instanceId } = deps;
  const log = deps.log.child({ component: 'edge' });
  const subjects = new Subjects(settings.subjectPrefix);
  const keys = new Keys(settings.keyPrefix);
  const now = deps.now ?? Date.now;
  // The gauge reads the table at scrape time; the table needs the metrics first.
  const tableRef: { current?: MountTable } = {};
  const metrics = new EdgeMetrics(deps.registry, () => tableRef.current?.counts() ?? new Map());
  const mounts = new MountTable({ settings, bus, subjects, instanceId, metrics, log, now });
  tableRef.current = mounts;
  const counters = new ClusterCounters({
    state,
    keys,
    instanceId,
    intervalMs: settings.counterIntervalMs,
    ttlMs: settings.counterTtlMs,
    limitedMounts: [...settings.mounts.values()]
      .filter((m) => m.maxListeners !== undefined)
      .map((m) => m.name),
    localCounts: () => mounts.counts(),
    log,
  });
  const events = new EventPublisher(bus, subjects, instanceId, log, now);
  const intros = new Map<string, Intro>();
  const audience = new Audience({
    settings,
    table: mounts,
    counters,
    metrics,
    events,
    intros,
    log,
    now,
  });
  const control = new Control({ bus, subjects, instanceId, audience, table: mounts, log });
  const routes =
    deps.routes ??
    proxyRoutes({
      ingest: settings.ingest,
      ingestShoutcast: settings.ingestShoutcast,
      admin: settings.admin,
      log,
    });
  const http = express();
  http.disable('x-powered-by');
  // One request per connection: the front door routed this connection for this request only,
  // so a kept-alive client's next request (perhaps for a stream) must come through it again.
  http.use((_req, res, next) => {
    res.setHeader('Connection', 'close');
    next();
  });
  http.use(healthRouter(deps.registry, [{ name: 'bus', check: () => bus.state === 'connected' }]));
  const health = createServer(http);
  const door = new FrontDoor({ settings, routes, audience, health, log });
  let ticker: NodeJS.Timeout | undefined;

  return {
    get port() {
      return door.port;
    },
    get shoutcastPort() {
      return door.shoutcastPort;
    },
    listenerCount: (mount) => audience.count(mount),
    clients: (mount) => audience.list(mount),
    heartbeatFigures: () => ({
      [HEARTBEAT_FIGURES.listeners]: audience.count(),
      [HEARTBEAT_FIGURES.bytesSent]: audience.bytesSentTotal,
      [HEARTBEAT_FIGURES.slowListenerDrops]: audience.slowDropsTotal,
    }),
    async start() {
      // Intros are read once, before the first listener can arrive.
      for (const [mount, intro] of await loadIntros(settings.mounts.values(), log)) {
        intros.set(mount, intro);
      }
      mounts.start();
      control.start();
      // Stored runtime fallbacks are read in the background: no listener waits on the store.
      void mounts.fallbacks.loadRuntime(state, keys);
      counters.start();
      await door.start();
      ticker = setInterval(() => mounts.tick(now()), TICK_MS);
      ticker.unref();
      log.info({ port: door.port, shoutcastPort: door.shoutcastPort }, 'edge listening');
    },
    async stop() {
      clearInterval(ticker);
      await door.stop();
      control.stop();
      mounts.stop();
      health.closeAllConnections();
      await counters.stop();
    },
  };
}
