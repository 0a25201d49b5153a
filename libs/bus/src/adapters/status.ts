/**
 * A tiny typed emitter for bus status events that isolates listeners from each other: a
 * throwing listener is reported to the error hook and the others still run.
 */
import type { BusStatusEvent } from '../ports.js';

/**
 * Receives errors thrown by subscription callbacks and status listeners, with the subject
 * (or `status`) they were thrown for. Services wire it to their logger.
 */
export type ErrorHook = (err: unknown, subject: string) => void;

/** Holds status listeners and calls each one in its own try/catch. */
export class StatusEmitter {
  #listeners = new Set<(event: BusStatusEvent) => void>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: (event: BusStatusEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every listener with `event`; throws are reported to `onError`, never rethrown. */
  emit(event: BusStatusEvent, onError: ErrorHook | undefined): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (err) {
        try {
          onError?.(err, 'status');
        } catch {
          // The hook itself failed; there is nowhere left to report it.
        }
      }
    }
  }
}
