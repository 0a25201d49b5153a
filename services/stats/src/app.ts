/**
 * The stats service's app factory: it listens to connection events and heartbeats on the bus,
 * writes access.log and stat.log, and serves station-wide metrics beside the health routes.
 * Nothing in the audio path waits on it; it never listens by itself before `start()`.
 */
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import { Keys, Subjects } from '@penguincast/bus';
import {
  closeServer,
  healthRouter,
  listen,
  type ServiceApp,
  type ServiceDeps,
} from '@penguincast/runtime';
import type { StatsConfig } from './config.js';
import { LogFile, type LogFileError } from '@penguincast/runtime';
import { STAT_LOG_HEADER, startStatLog } from './logs/stat-log.js';
import { startCollector } from './station/collector.js';
import { createStationMetrics } from './station/metrics.js';
import { resyncStation } from './station/resync.js';
import { Station, type StationObserver } from './station/station.js';

/** What `createStats` needs. */
export interface StatsDeps extends ServiceDeps {
  settings: StatsConfig;
  /** Wall clock in milliseconds; `Date.now` by default (tests pass their own). */
  now?: () => number;
}

/** The running stats service. */
export interface StatsApp extends ServiceApp {
  /** The Express app, so the single process can serve it through the front door. */
  readonly http: Express;
  /** The bound port after `start()` (useful when configured as 0). */
  readonly port: number;
  /** The aggregated station state (read-only use: tests, the single process's pages). */
  readonly station: Station;
  /**
   * Writes what is queued and reopens access.log and stat.log; wire it to SIGHUP so an external
   * logrotate can move the files. Lines are never lost across it.
   */
  reopen(): void;
  /** Writes every queued access.log and stat.log line now (tests, shutdown). */
  flush(): void;
  /** Resolves when the start-up resync has finished (tests). */
  readonly resynced: Promise<void>;
}

/** Builds the stats service; `start()` subscribes and listens, `stop()` undoes both. */
export function createStats(deps: StatsDeps): StatsApp {
  const { settings } = deps;
  const log = deps.log.child({ component: 'stats' });
  const now = deps.now ?? Date.now;
  const subjects = new Subjects(settings.subjectPrefix);
  const keys = new Keys(settings.keyPrefix);

  const metrics = createStationMetrics(deps.registry, () => station);
  const observer: StationObserver = {
    ...metrics,
    instanceGone(inst, lost, dropped) {
      metrics.instanceGone(inst, lost, dropped);
      const fields = { service: inst.service, instanceId: inst.instanceId, dropped };
      if (lost) {
        log.warn(fields, 'instance stopped sending heartbeats');
      } else {
        log.info(fields, 'instance stopped');
      }
    },
  };
  const station = new Station({ now, observer });

  const onFileError = (err: LogFileError): void => {
    log.error({ err, path: err.path }, 'log file not writable');
  };
  const rotation = { maxBytes: settings.maxLogBytes, archives: settings.logArchives };
  const access = new LogFile({ path: settings.accessLogPath, ...rotation, onError: onFileError });
  const stat =
    settings.statLogPath === null
      ? null
      : new LogFile({
          path: settings.statLogPath,
          ...rotation,
          header: STAT_LOG_HEADER,
          onError: onFileError,
        });

  const app = express();
  app.disable('x-powered-by');
  app.use(
    healthRouter(deps.registry, [{ name: 'bus', check: () => deps.bus.state === 'connected' }]),
  );
  let server: Server | undefined;
  let port = settings.port;
  const stops: Array<() => void> = [];
  let resynced: Promise<void> = Promise.resolve();

  return {
    http: app,
    station,
    get port() {
      return port;
    },
    get resynced() {
      return resynced;
    },
    async start() {
      stops.push(
        startCollector({ bus: deps.bus, subjects, station, access, registry: deps.registry, log }),
      );
      const expiry = setInterval(() => station.expire(), settings.expireIntervalMs);
      expiry.unref();
      stops.push(() => clearInterval(expiry));
      if (stat) {
        stops.push(startStatLog({ file: stat, station, intervalMs: settings.statIntervalMs, now }));
      }
      if (settings.resyncTimeoutMs > 0) {
        // In the background: start-up must not wait for edges that may not be up yet.
        resynced = resyncStation({
          station,
          state: deps.state,
          keys,
          bus: deps.bus,
          subjects,
          timeoutMs: settings.resyncTimeoutMs,
          log,
        }).then((r) => {
          log.info(r, 'station resynced');
        });
      }
      if (settings.listen) {
        server = createServer(app);
        port = await listen(server, settings.port, settings.host);
        log.info({ port }, 'stats listening');
      }
    },
    async stop() {
      for (const stop of stops.splice(0).reverse()) {
        stop();
      }
      if (server) {
        await closeServer(server);
      }
      await resynced;
      access.close();
      stat?.close();
    },
    reopen() {
      access.reopen();
      stat?.reopen();
      log.info('log files reopened');
    },
    flush() {
      access.flush();
      stat?.flush();
    },
  };
}
