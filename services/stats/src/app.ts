/**
 * The stats service's app factory: an Express app with the health, readiness and metrics routes
 * every service answers. Its features are added as routers here; it never listens by itself
 * before `start()`.
 */
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import {
  closeServer,
  healthRouter,
  listen,
  type ServiceApp,
  type ServiceDeps,
} from '@penguincast/runtime';
import type { StatsConfig } from './config.js';

/** What `createStats` needs. */
export interface StatsDeps extends ServiceDeps {
  settings: StatsConfig;
}

/** The running stats service. */
export interface StatsApp extends ServiceApp {
  /** The Express app, so the single process can serve it through the front door. */
  readonly http: Express;
  /** The bound port after `start()` (useful when configured as 0). */
  readonly port: number;
}

/** Builds the stats service; `start()` listens, `stop()` closes. */
export function createStats(deps: StatsDeps): StatsApp {
  const log = deps.log.child({ component: 'stats' });
  const app = express();
  app.disable('x-powered-by');
  app.use(
    healthRouter(deps.registry, [{ name: 'bus', check: () => deps.bus.state === 'connected' }]),
  );
  let server: Server | undefined;
  let port = deps.settings.port;
  return {
    http: app,
    get port() {
      return port;
    },
    async start() {
      if (!deps.settings.listen) {
        return;
      }
      server = createServer(app);
      port = await listen(server, deps.settings.port, deps.settings.host);
      log.info({ port }, 'stats listening');
    },
    async stop() {
      if (server) {
        await closeServer(server);
      }
    },
  };
}
