/**
 * Feeds the station from the bus: connection events from every edge and ingest (the evt
 * wildcard) and service heartbeats. Each disconnect also becomes an access.log line. Callbacks
 * only decode, update memory and queue a line; they never await.
 */
import {
  decodeConnectionEvent,
  decodeServiceHeartbeat,
  type Bus,
  type BusSubscription,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { formatAccessLine } from '../logs/access-log.js';
import type { LogFile } from '@penguincast/runtime';
import type { Station } from './station.js';

/** What the collector needs. */
export interface CollectorDeps {
  bus: Bus;
  subjects: Subjects;
  station: Station;
  /** access.log; lines are written for every disconnect event. */
  access: LogFile;
  registry: Registry;
  log: Logger;
}

/** The counter `name` of `registry`, created on first use, so a restarted app reuses it. */
function counter(
  registry: Registry,
  spec: { name: string; help: string; labelNames: string[] },
): Counter<string> {
  const existing = registry.getSingleMetric(spec.name);
  return existing instanceof Counter
    ? (existing as Counter<string>)
    : new Counter({ ...spec, registers: [registry] });
}

/** Subscribes and returns the function that unsubscribes. */
export function startCollector(deps: CollectorDeps): () => void {
  const bad = counter(deps.registry, {
    name: 'penguincast_station_bad_messages_total',
    help: 'Connection events and heartbeats the stats service could not decode, by kind.',
    labelNames: ['kind'],
  });
  bad.inc({ kind: 'event' }, 0);
  bad.inc({ kind: 'heartbeat' }, 0);
  const ignored = counter(deps.registry, {
    name: 'penguincast_station_ignored_heartbeats_total',
    help: 'Heartbeats ignored for a bad service name or because too many instances are tracked.',
    labelNames: [],
  });
  let warned = false;
  const onBad = (kind: 'event' | 'heartbeat', err: unknown, subject: string): void => {
    bad.inc({ kind });
    // One warning is enough to point at a buggy publisher; the counter tells the rest.
    if (!warned) {
      warned = true;
      deps.log.warn({ err, subject, kind }, 'undecodable message ignored');
    }
  };
  const subs: BusSubscription[] = [
    deps.bus.subscribe(deps.subjects.allEvt(), (msg) => {
      let evt;
      try {
        evt = decodeConnectionEvent(msg.data);
      } catch (err) {
        onBad('event', err, msg.subject);
        return;
      }
      deps.station.apply(evt);
      if (evt.action === 'disconnect') {
        deps.access.write(formatAccessLine(evt));
      }
    }),
    deps.bus.subscribe(deps.subjects.heartbeat(), (msg) => {
      let hb;
      try {
        hb = decodeServiceHeartbeat(msg.data);
      } catch (err) {
        onBad('heartbeat', err, msg.subject);
        return;
      }
      if (!deps.station.heartbeat(hb)) {
        ignored.inc();
      }
    }),
  ];
  return () => {
    for (const s of subs) {
      s.unsubscribe();
    }
  };
}
