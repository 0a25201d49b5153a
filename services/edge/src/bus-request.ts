/**
 * One bus request whose failure is an ordinary outcome (a burst or relay demand nobody holds):
 * no responder, a timeout or a closing bus resolve to `undefined` quietly, and anything else, a
 * reply that does not decode say, is logged as a warning first. Nothing here retries.
 */
import { BusClosedError, BusTimeoutError, NoRespondersError, type Bus } from '@penguincast/bus';
import type { Logger } from 'pino';

/** Options of {@link requestOrNothing}. */
export interface RequestOrNothingOptions<T> {
  /** How long to wait for the reply. */
  timeoutMs: number;
  /** Decodes the reply's payload; a throw counts as an unexpected failure. */
  decode: (data: Uint8Array) => T;
  /** Where unexpected failures are logged. */
  log: Logger;
  /** The mount asked about, for the log line. */
  mount: string;
  /** The log message of an unexpected failure, e.g. `burst request failed`. */
  failure: string;
}

/** Sends a request and resolves with its decoded reply, or `undefined` when none came. */
export async function requestOrNothing<T>(
  bus: Bus,
  subject: string,
  payload: Uint8Array,
  opts: RequestOrNothingOptions<T>,
): Promise<T | undefined> {
  try {
    const msg = await bus.request(subject, payload, { timeoutMs: opts.timeoutMs });
    return opts.decode(msg.data);
  } catch (err) {
    const expected =
      err instanceof NoRespondersError ||
      err instanceof BusTimeoutError ||
      err instanceof BusClosedError;
    if (!expected) {
      opts.log.warn({ err, mount: opts.mount }, opts.failure);
    }
    return undefined;
  }
}
