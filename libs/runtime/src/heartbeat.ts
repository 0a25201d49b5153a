/**
 * The periodic `ServiceHeartbeat` every process publishes on `<prefix>.stats.heartbeat`: CPU
 * since the previous beat, memory, uptime and the service's own figures. It only publishes; it
 * never waits on the bus, so a slow or absent stats service costs nothing.
 */
import { performance } from 'node:perf_hooks';
import {
  HEARTBEAT_FIGURE_NAME,
  encodeServiceHeartbeat,
  type Bus,
  type ServiceHeartbeat,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

/** Default milliseconds between two heartbeats. */
export const HEARTBEAT_INTERVAL_MS = 5000;

/** Options of `startHeartbeat`. */
export interface HeartbeatOptions {
  /** Where heartbeats are published. */
  bus: Bus;
  /** Subject builders bound to the station's prefix. */
  subjects: Subjects;
  /** Service name, e.g. `edge`; `server` for the single process (one heartbeat per process). */
  service: string;
  /** The process's instance id. */
  instanceId: string;
  /** When given, counts published and failed heartbeats in it. */
  registry?: Registry;
  /** Milliseconds between heartbeats; default `HEARTBEAT_INTERVAL_MS`. */
  intervalMs?: number;
  /**
   * The service's own figures (see `HEARTBEAT_FIGURES` in `@penguincast/bus`), read at each
   * beat. Names must be lowercase snake_case and values finite and >= 0; others are left out.
   */
  extra?: () => Record<string, number>;
  /** Where a failing `extra()` or publish is reported (once per failure streak). */
  log?: Logger;
  /** Wall clock in milliseconds since the epoch; `Date.now` by default (tests pass their own). */
  now?: () => number;
}

function counter(registry: Registry | undefined, name: string, help: string): Counter | null {
  if (!registry) {
    return null;
  }
  // Several services of the single process may share one registry; they share the counter too.
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) {
    return existing;
  }
  return new Counter({ name, help, registers: [registry] });
}

/**
 * Starts publishing heartbeats: one at once, then every `intervalMs`. Returns a function that
 * stops the timer and publishes a last heartbeat marked `stopping`, so the stats service forgets
 * the instance at once instead of after three missed beats. Call it before closing the bus.
 */
export function startHeartbeat(opts: HeartbeatOptions): () => void {
  const intervalMs = opts.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
    throw new TypeError(`heartbeat interval must be a positive integer, got ${intervalMs}`);
  }
  const now = opts.now ?? Date.now;
  const subject = opts.subjects.heartbeat();
  const published = counter(
    opts.registry,
    'penguincast_heartbeats_published_total',
    'Service heartbeats this process published.',
  );
  const failed = counter(
    opts.registry,
    'penguincast_heartbeat_failures_total',
    'Service heartbeats this process could not build or publish.',
  );
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let failing = false;

  const figures = (): Record<string, number> => {
    const out: Record<string, number> = {};
    if (!opts.extra) {
      return out;
    }
    for (const [name, value] of Object.entries(opts.extra())) {
      if (HEARTBEAT_FIGURE_NAME.test(name) && Number.isFinite(value) && value >= 0) {
        out[name] = value;
      }
    }
    return out;
  };

  const beat = (stopping: boolean): void => {
    try {
      const cpu = process.cpuUsage(lastCpu);
      const at = performance.now();
      const elapsedMs = Math.max(at - lastAt, 1);
      lastCpu = process.cpuUsage();
      lastAt = at;
      const mem = process.memoryUsage();
      // cpuUsage is in microseconds, so busy µs / elapsed µs * 100 is percent of one core.
      const cpuPercent = ((cpu.user + cpu.system) / (elapsedMs * 1000)) * 100;
      const msg: ServiceHeartbeat = {
        service: opts.service,
        instanceId: opts.instanceId,
        timestampMs: Math.floor(now()),
        intervalMs,
        uptimeSeconds: process.uptime(),
        cpuPercent: Math.round(cpuPercent * 100) / 100,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        heapTotalBytes: mem.heapTotal,
        figures: figures(),
        ...(stopping ? { stopping: true } : {}),
      };
      opts.bus.publish(subject, encodeServiceHeartbeat(msg));
      published?.inc();
      failing = false;
    } catch (err) {
      failed?.inc();
      if (!failing) {
        failing = true;
        opts.log?.warn({ err }, 'heartbeat not published');
      }
    }
  };

  beat(false);
  const timer = setInterval(() => beat(false), intervalMs);
  // A heartbeat alone must never keep a stopping process alive.
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) {
      return;
    }
    stopped = true;
    clearInterval(timer);
    if (opts.bus.state !== 'closed') {
      beat(true);
    }
  };
}
