/**
 * What both bus adapters report outside the message flow: status events to their listeners and
 * errors thrown by callbacks to the error hook. Each listener and the hook run isolated, so one
 * throwing listener never stops the others or delivery.
 */
import type { BusStatusEvent } from '../ports.js';

/**
 * Receives errors thrown by subscription callbacks and status listeners, with the subject
 * (or `status`) they were thrown for. Services wire it to their logger.
 */
export type ErrorHook = (err: unknown, subject: string) => void;

/** Holds status listeners and the error hook of one bus. */
export class BusEvents {
  readonly #listeners = new Set<(event: BusStatusEvent) => void>();
  readonly #onError: ErrorHook | undefined;

  constructor(onError: ErrorHook | undefined) {
    this.#onError = onError;
  }

  /** Adds a status listener; returns a function that removes it. */
  on(listener: (event: BusStatusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every status listener with `event`; throws are reported, never rethrown. */
  emit(event: BusStatusEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.report(err, 'status');
      }
    }
  }

  /** Hands an error thrown for `subject` to the error hook; a failing hook is swallowed. */
  report(err: unknown, subject: string): void {
    try {
      this.#onError?.(err, subject);
    } catch {
      // The hook itself failed; there is nowhere left to report it, and delivery must go on.
    }
  }
}
