/**
 * The start-up sequence every composition root shares, in the order style.md §4 fixes: args,
 * config, logger, bus and state, metrics registry, the app factory, start; then on SIGTERM or
 * SIGINT the reverse: app, bus drain, state close, exit 0. A bad config exits 2 with every
 * problem listed.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { ConfigError, loadStationConfig, type StationConfig } from '@penguincast/config';
import { Subjects, type Bus, type StateStore } from '@penguincast/bus';
import { parseCliArgs } from './cli.js';
import { createRootLogger } from './logger.js';
import { createRegistry } from './metrics.js';
import { connectAdapters } from './adapters.js';
import { startHeartbeat } from './heartbeat.js';
import { createErrorLogDestination, errorLogOptions } from './logs/error-log.js';

/** What a service's app factory receives. */
export interface ServiceDeps {
  config: StationConfig;
  log: Logger;
  bus: Bus;
  state: StateStore;
  registry: Registry;
  /** Unique id of this process (`<host>-<pid>`), used for leases and per-edge counters. */
  instanceId: string;
}

/** A started service. */
export interface ServiceApp {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Reopens the log files the app writes itself (SIGHUP, after an external logrotate). */
  reopen?(): void;
  /** The app's own figures for its heartbeat (see `HEARTBEAT_FIGURES` in `@penguincast/bus`). */
  heartbeatFigures?(): Record<string, number>;
}

/** How to run one service (or the single process). */
export interface RunServiceOptions {
  service: string;
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** A lone service needs NATS and Redis; the single process uses memory without them. */
  requireCluster: boolean;
  create: (deps: ServiceDeps) => ServiceApp | Promise<ServiceApp>;
}

/**
 * A process-unique id made of the host name, the pid and a random suffix, safe for keys and
 * subjects. The suffix matters in containers: every one has pid 1, and on host networking they
 * also share the host's name.
 */
export function makeInstanceId(): string {
  const suffix = randomBytes(3).toString('hex');
  return `${hostname()}-${process.pid}-${suffix}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(-120);
}

/** Runs a service until a signal stops it. Never returns normally before then. */
export async function runService(opts: RunServiceOptions): Promise<void> {
  const args = parseCliArgs(opts.argv, opts.env);
  let config: StationConfig;
  try {
    config = loadStationConfig(args.configPath, opts.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`penguincast ${opts.service}: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const instanceId = makeInstanceId();
  // The single process writes Icecast's error.log; a lone service writes error-<service>.log, so
  // services sharing a log folder never share a file (replicas need folders of their own).
  const single = !opts.requireCluster;
  const errorLog = createErrorLogDestination({
    ...errorLogOptions(config, single ? 'error.log' : `error-${opts.service}.log`),
    onError: (err) => process.stderr.write(`penguincast ${opts.service}: ${err.message}\n`),
  });
  const log = createRootLogger({
    service: opts.service,
    instance: instanceId,
    loglevel: config.Logging.Loglevel,
    extraDestinations: [errorLog],
  });
  const adapters = await connectAdapters(config, log, {
    name: `${opts.service}-${instanceId}`,
    requireCluster: opts.requireCluster,
  });
  const registry = createRegistry(opts.service, instanceId);
  const app = await opts.create({
    config,
    log,
    bus: adapters.bus,
    state: adapters.state,
    registry,
    instanceId,
  });
  await app.start();
  const stopHeartbeat = startHeartbeat({
    bus: adapters.bus,
    subjects: new Subjects(config.Cluster.SubjectPrefix),
    service: single ? 'server' : opts.service,
    instanceId,
    registry,
    log,
    ...(app.heartbeatFigures ? { extra: () => app.heartbeatFigures?.() ?? {} } : {}),
  });
  const onHup = (): void => {
    errorLog.reopen();
    app.reopen?.();
    log.info('log files reopened');
  };
  process.on('SIGHUP', onHup);
  log.info({ config: args.configPath, inMemory: adapters.inMemory }, 'started');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    log.info({ signal }, 'stopping');
    try {
      process.off('SIGHUP', onHup);
      await app.stop();
      stopHeartbeat();
      await adapters.close();
      errorLog.end();
    } catch (err) {
      log.error({ err }, 'stop failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
