/**
 * The shared, per-app context every ingest module receives instead of importing singletons:
 * settings, logger, bus, state store, subject and key builders, metrics and the local session
 * table. Types and small fire-and-forget helpers only.
 */
import type { Logger } from 'pino';
import type { Bus, BusHeaders, Keys, StateStore, Subjects } from '@penguincast/bus';
import type { AuthThrottle } from '@penguincast/runtime';
import type { IngestConfig } from './config.js';
import type { LogLimiter } from './log-limiter.js';
import type { IngestMetrics } from './metrics.js';
import type { LocalSessions } from './local-sessions.js';

/** Everything an ingest module needs from its app. */
export interface IngestContext {
  readonly settings: IngestConfig;
  readonly log: Logger;
  readonly bus: Bus;
  readonly state: StateStore;
  readonly subjects: Subjects;
  readonly keys: Keys;
  readonly metrics: IngestMetrics;
  /** Id of this process, part of every lease owner and announcement. */
  readonly instanceId: string;
  /** The sources live on this instance. */
  readonly sessions: LocalSessions;
  /** Failed-authentication counts per client address. */
  readonly throttle: AuthThrottle;
  /** Rate limit of repeated error lines (Redis, bus). */
  readonly limiter: LogLimiter;
  /** Running totals of this instance, for its heartbeat figures. */
  readonly totals: { bytesIn: number };
  /** The wall clock in milliseconds (injectable for tests). */
  now(): number;
}

/**
 * Runs a state-store call without waiting for it: the data path never awaits Redis. A failure
 * is logged at most once per `what` per interval, with how many were suppressed.
 */
export function fireAndForget(ctx: IngestContext, what: string, op: () => Promise<unknown>): void {
  let promise: Promise<unknown>;
  try {
    promise = op();
  } catch (err) {
    promise = Promise.reject(err);
  }
  promise.catch((err: unknown) => {
    const suppressed = ctx.limiter.allow(what);
    if (suppressed !== undefined) {
      ctx.log.warn({ err, op: what, suppressed }, 'state store call failed');
    }
  });
}

/**
 * Publishes without letting a bus failure reach the caller: the data path goes on, and the
 * failure is logged to `log` at most once per interval with how many were suppressed.
 */
export function publishOrLog(
  ctx: IngestContext,
  log: Logger,
  subject: string,
  data: Uint8Array,
  headers?: BusHeaders,
): void {
  try {
    ctx.bus.publish(subject, data, headers);
  } catch (err) {
    const suppressed = ctx.limiter.allow('bus-publish');
    if (suppressed !== undefined) {
      log.error({ err, suppressed }, 'bus publish failed');
    }
  }
}
