/**
 * Argument checks shared by both `Bus` adapters, so they refuse the same inputs with the same
 * `TypeError`. Pure: no I/O.
 */
import type { BusCallback, BusHeaders } from '../ports.js';
import { assertHeaders } from '../wire/headers.js';
import { assertPublishSubject } from '../wire/subjects.js';

/** A message goes to a concrete subject (no wildcards) with valid headers. */
export function assertOutgoing(subject: string, headers: BusHeaders | undefined): void {
  assertPublishSubject(subject);
  assertHeaders(headers);
}

/** Subscription callbacks are functions. */
export function assertCallback(callback: BusCallback): void {
  if (typeof callback !== 'function') {
    throw new TypeError('callback must be a function');
  }
}

/** Request timeouts are positive. */
export function assertTimeout(timeoutMs: number): void {
  if (!(timeoutMs > 0)) {
    throw new TypeError('timeoutMs must be greater than 0');
  }
}
