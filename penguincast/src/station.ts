/**
 * The single process: ingest, edge, admin and stats in one process on one public port, joined
 * by whatever bus and state it is given (in-memory by default). The edge's front door hands
 * sources to ingest and pages to admin by function call, with no proxy hop.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { createAdmin, parseConfig as adminConfig } from '@penguincast/admin';
import { createEdge, parseConfig as edgeConfig, type FrontDoorRoutes } from '@penguincast/edge';
import { createIngest, parseConfig as ingestConfig } from '@penguincast/ingest';
import { createStats, parseConfig as statsConfig } from '@penguincast/stats';
import type { ServiceApp, ServiceDeps } from '@penguincast/runtime';

/** The running single process, with its parts exposed for tests. */
export interface Station extends ServiceApp {
  readonly edge: ReturnType<typeof createEdge>;
  readonly ingest: ReturnType<typeof createIngest>;
  /** The public port after `start()`. */
  readonly port: number;
}

/** Builds every service over the same deps; `start()` opens the public port last. */
export function createStation(deps: ServiceDeps): Station {
  const ingest = createIngest({ ...deps, settings: ingestConfig(deps.config, { listen: false }) });
  const admin = createAdmin({ ...deps, settings: adminConfig(deps.config, { listen: false }) });
  const stats = createStats({ ...deps, settings: statsConfig(deps.config, { listen: false }) });
  // Admin's Express app is served through the front door: an HTTP server that never listens.
  // The front door routes per connection, so a kept-alive admin connection would carry the
  // client's next request (perhaps for a stream) to admin: close it after each response.
  const adminServer = createServer((req, res) => {
    res.setHeader('Connection', 'close');
    admin.http(req, res);
  });
  const routes: FrontDoorRoutes = {
    source: (socket, head, _raw, remoteAddress) =>
      ingest.handleConnection(socket, head, remoteAddress),
    shoutcast: (socket, remoteAddress) => ingest.handleShoutcast(socket, remoteAddress),
    http: (socket: Socket, _head, raw) => {
      socket.unshift(raw);
      adminServer.emit('connection', socket);
      socket.resume();
    },
  };
  const edge = createEdge({ ...deps, settings: edgeConfig(deps.config), routes });
  return {
    edge,
    ingest,
    get port() {
      return edge.port;
    },
    async start() {
      await stats.start();
      await admin.start();
      await ingest.start();
      await edge.start();
    },
    reopen() {
      stats.reopen();
    },
    heartbeatFigures() {
      return { ...ingest.heartbeatFigures(), ...edge.heartbeatFigures() };
    },
    async stop() {
      await edge.stop();
      await ingest.stop();
      await admin.stop();
      await stats.stop();
      adminServer.closeAllConnections();
    },
  };
}
