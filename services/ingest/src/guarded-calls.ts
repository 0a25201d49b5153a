/**
 * Calls on the data path that must neither wait nor throw: a state-store call run in the
 * background and a bus publish whose failure is only logged. Repeated failures are rate limited
 * through a `LogLimiter`. No state of its own.
 */
import type { Logger } from 'pino';
import type { Bus, BusHeaders } from '@penguincast/bus';
import type { LogLimiter } from './log-limiter.js';

/** Where a guarded call reports its failures. */
export interface FailureLog {
  /** The logger the failure is written to. */
  readonly log: Logger;
  /** Rate limit of the failure lines. */
  readonly limiter: LogLimiter;
}

/**
 * Runs a state-store call without waiting for it: the data path never awaits Redis. A failure
 * is logged at most once per `what` per interval, with how many were suppressed.
 */
export function fireAndForget(
  { log, limiter }: FailureLog,
  what: string,
  op: () => Promise<unknown>,
): void {
  let promise: Promise<unknown>;
  try {
    promise = op();
  } catch (err) {
    promise = Promise.reject(err);
  }
  promise.catch((err: unknown) => {
    const suppressed = limiter.allow(what);
    if (suppressed !== undefined) {
      log.warn({ err, op: what, suppressed }, 'state store call failed');
    }
  });
}

/**
 * Publishes on `bus` without letting a bus failure reach the caller: the data path goes on, and
 * the failure is logged at most once per interval with how many were suppressed.
 */
export function publishOrLog(
  bus: Bus,
  { log, limiter }: FailureLog,
  subject: string,
  data: Uint8Array,
  headers?: BusHeaders,
): void {
  try {
    bus.publish(subject, data, headers);
  } catch (err) {
    const suppressed = limiter.allow('bus-publish');
    if (suppressed !== undefined) {
      log.error({ err, suppressed }, 'bus publish failed');
    }
  }
}
