/**
 * Publishes listener connection records on the `evt` subjects for the stats service (access.log).
 * Publishing never waits; a closed or failing bus costs one log line, not the listener.
 */
import {
  encodeConnectionEvent,
  evtKindOf,
  type Bus,
  type ConnectionEvent,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';

/** An event without the fields the publisher fills in. */
export type ListenerEvent = Omit<ConnectionEvent, 'role' | 'instanceId' | 'timestampMs'>;

/** Sends listener connect and disconnect events. */
export class EventPublisher {
  #failing = false;

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly instanceId: string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  /** Publishes one listener event. */
  publish(event: ListenerEvent): void {
    const full: ConnectionEvent = {
      ...event,
      role: 'listener',
      instanceId: this.instanceId,
      timestampMs: this.now(),
    };
    try {
      this.bus.publish(this.subjects.evt(evtKindOf(full)), encodeConnectionEvent(full));
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) {
        this.#failing = true;
        this.log.warn({ err }, 'cannot publish listener events');
      }
    }
  }
}
