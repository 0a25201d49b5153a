/**
 * The admin service's app factory: an Express app with the health, readiness and metrics routes
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
import type { AdminConfig } from './config.js';

/** What `createAdmin` needs. */
export interface AdminDeps extends ServiceDeps {
  settings: AdminConfig;
}

/** The running admin service. */
export interface AdminApp extends ServiceApp {
  /** The Express app, so the single process can serve it through the front door. */
  readonly http: Express;
  /** The bound port after `start()` (useful when configured as 0). */
  readonly port: number;
}

/** Builds the admin service; `start()` listens, `stop()` closes. */
export function createAdmin(deps: AdminDeps): AdminApp {
  const log = deps.log.child({ component: 'admin' });
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
      log.info({ port }, 'admin listening');
    },
    async stop() {
      if (server) {
        await closeServer(server);
      }
    },
  };
}
