/**
 * The admin service's app factory: an Express app serving Icecast's admin API and pages, the
 * typed JSON API, the live monitor and the player, all from one declarative route table, plus
 * static files from `Paths.Web`. It reads shared state and sends bus commands; it never holds
 * audio, and it never listens by itself before `start()`.
 */
import { createServer, type Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Subjects, decodeConnectionEvent, type BusSubscription } from '@penguincast/bus';
import {
  closeServer,
  healthRouter,
  listen,
  type ServiceApp,
  type ServiceDeps,
} from '@penguincast/runtime';
import { AuthThrottle } from '@penguincast/runtime';
import { AdminCommands } from './commands.js';
import type { AdminConfig } from './config.js';
import { NotFoundError } from './errors.js';
import type { ConnectionCounters } from './icecast-xml.js';
import { Monitor } from './monitor.js';
import { NowPlaying } from './now-playing.js';
import { PlayerAssets } from './player.js';
import {
  commonHeaders,
  errorMiddleware,
  mountRouteTable,
  sendReply,
  type RouteSpec,
} from './route-table.js';
import { adminRoutes } from './routes-admin.js';
import { liveRoutes } from './routes-live.js';
import { publicRoutes } from './routes-public.js';
import type { AdminServices } from './services.js';
import { StaticFiles } from './static-files.js';
import { SERVER_START_TTL_MS, StationView } from './station-view.js';

/** What `createAdmin` needs. */
export interface AdminDeps extends ServiceDeps {
  settings: AdminConfig;
  /** The clock in milliseconds; `Date.now` by default (tests may inject one). */
  now?: () => number;
}

/** The running admin service. */
export interface AdminApp extends ServiceApp {
  /** The Express app, so the single process can serve it through the front door. */
  readonly http: Express;
  /** The bound port after `start()` (useful when configured as 0). */
  readonly port: number;
  /** The route table, for documentation and the auth matrix test. */
  readonly routes: readonly RouteSpec[];
}

/** Builds the admin service; `start()` listens, `stop()` closes. */
export function createAdmin(deps: AdminDeps): AdminApp {
  const { settings, bus, state } = deps;
  const log = deps.log.child({ component: 'admin' });
  const now = deps.now ?? Date.now;
  const subjects = new Subjects(settings.subjectPrefix);
  const view = new StationView({ settings, state, log, now });
  const commands = new AdminCommands({
    bus,
    subjects,
    instanceId: deps.instanceId,
    commandTimeoutMs: settings.commandTimeoutMs,
    gatherTimeoutMs: settings.gatherTimeoutMs,
    titlesTimeoutMs: settings.burstTimeoutMs,
    edgeCount: () => view.edgeCount(),
    log,
  });
  const counters: ConnectionCounters = { listenerConnections: 0, sourceConnections: 0 };
  const monitor = settings.useMonitor
    ? new Monitor({
        bus,
        subjects,
        view,
        log: log.child({ component: 'monitor' }),
        intervalMs: settings.monitorIntervalMs,
        history: settings.monitorHistory,
        maxClients: settings.maxMonitorClients,
        now,
      })
    : undefined;
  const services: AdminServices = {
    settings,
    view,
    commands,
    nowPlaying: new NowPlaying({ settings, commands, now }),
    counters,
    monitor,
    assets: new PlayerAssets(),
    files: new StaticFiles(settings.webDir),
    log,
    now,
  };
  const routes = [...adminRoutes(services), ...publicRoutes(services), ...liveRoutes(services)];

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(healthRouter(deps.registry, [{ name: 'bus', check: () => bus.state === 'connected' }]));
  app.use(commonHeaders);
  mountRouteTable(app, routes, { settings, throttle: new AuthThrottle({ now }), log });
  app.use(staticAndNotFound(services.files));
  app.use(errorMiddleware(log));

  let server: Server | undefined;
  let port = settings.port;
  let eventSub: BusSubscription | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  const recordStart = (): Promise<void> =>
    view.recordServerStart().catch((err: unknown) => {
      log.warn({ err }, 'server start time not recorded');
    });
  return {
    http: app,
    routes,
    get port() {
      return port;
    },
    async start() {
      await recordStart();
      startTimer = setInterval(() => void recordStart(), SERVER_START_TTL_MS / 5);
      startTimer.unref();
      // Icecast's connection counters, counted from the connect events every service publishes.
      eventSub = bus.subscribe(subjects.allEvt(), (msg) => {
        try {
          const evt = decodeConnectionEvent(msg.data);
          if (evt.action === 'connect') {
            counters[evt.role === 'listener' ? 'listenerConnections' : 'sourceConnections'] += 1;
          }
        } catch (err) {
          log.debug({ err }, 'undecodable connection event ignored');
        }
      });
      monitor?.start();
      if (!settings.listen) {
        return;
      }
      server = createServer(app);
      port = await listen(server, settings.port, settings.host);
      log.info({ port }, 'admin listening');
    },
    async stop() {
      clearInterval(startTimer);
      eventSub?.unsubscribe();
      monitor?.stop();
      if (server) {
        server.closeAllConnections();
        await closeServer(server);
      }
    },
  };
}

/** Files from the web folder for any other GET, then Icecast's 404 page. */
function staticAndNotFound(files: StaticFiles) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    res.locals['format'] = 'html';
    try {
      if (req.method === 'GET' || req.method === 'HEAD') {
        const file = await files.get(req.path);
        if (file !== undefined) {
          sendReply(res, 'asset', { type: file.type, body: file.body });
          return;
        }
      }
      throw new NotFoundError();
    } catch (err) {
      next(err);
    }
  };
}
