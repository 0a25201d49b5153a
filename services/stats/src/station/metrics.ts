/**
 * The station-wide Prometheus metrics of the stats service, in its own registry. Gauges are read
 * from the `Station` at scrape time (so a gone instance's series disappear with it); counters
 * and the session histogram are fed by the station's observer calls. Labels are bounded: mount
 * (only mounts that had a source), service, and instance ids of live instances.
 */
import { HEARTBEAT_FIGURES, type InstanceState } from '@penguincast/bus';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Station, StationObserver } from './station.js';

/** Buckets of the listener session histogram, 10 s to a day. */
export const SESSION_BUCKETS = [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400];

/** Station counters fed by cumulative heartbeat figures, by figure name. */
const FIGURE_COUNTERS: Record<string, { name: string; help: string }> = {
  [HEARTBEAT_FIGURES.bytesSent]: {
    name: 'penguincast_station_network_transmit_bytes_total',
    help: 'Audio bytes sent to listeners by all edges, from their heartbeats (live, unlike bytes_sent).',
  },
  [HEARTBEAT_FIGURES.bytesReceived]: {
    name: 'penguincast_station_network_receive_bytes_total',
    help: 'Audio bytes received from sources by all ingests, from their heartbeats.',
  },
  [HEARTBEAT_FIGURES.slowListenerDrops]: {
    name: 'penguincast_station_slow_listener_drops_total',
    help: 'Listeners dropped for falling too far behind, over all edges.',
  },
};

/** The metric objects, for tests and for the observer. */
export interface StationMetrics extends StationObserver {
  readonly registry: Registry;
}

/**
 * Registers the station metrics in `registry` and returns the observer that feeds them. The
 * station is reached through `stationOf` because it is built with this observer, after it.
 * Call once per registry (prom-client refuses a second registration of a name).
 */
export function createStationMetrics(registry: Registry, stationOf: () => Station): StationMetrics {
  const registers = [registry];
  new Gauge({
    name: 'penguincast_station_listeners',
    help: 'Listeners connected now, over all edges, by mount.',
    labelNames: ['mount'],
    registers,
    collect() {
      this.reset();
      for (const [mount, n] of stationOf().listenersByMount()) {
        this.set({ mount }, n);
      }
    },
  });
  new Gauge({
    name: 'penguincast_station_sources',
    help: 'Sources connected now, over all ingests.',
    registers,
    collect() {
      this.set(stationOf().sourceCount());
    },
  });
  new Gauge({
    name: 'penguincast_station_source_up',
    help: '1 while a mount has a source, 0 after it had one and lost it.',
    labelNames: ['mount'],
    registers,
    collect() {
      this.reset();
      const up = stationOf().mountsWithSource();
      for (const mount of stationOf().mounts()) {
        this.set({ mount }, up.has(mount) ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'penguincast_station_instances',
    help: 'Running instances by service, from their heartbeats.',
    labelNames: ['service'],
    registers,
    collect() {
      this.reset();
      for (const [service, n] of stationOf().instancesByService()) {
        this.set({ service }, n);
      }
    },
  });
  const perInstance = (
    name: string,
    help: string,
    value: (i: InstanceState) => number,
  ): Gauge<'service' | 'instance'> =>
    new Gauge({
      name,
      help,
      labelNames: ['service', 'instance'],
      registers,
      collect() {
        // Rebuilt at every scrape, so an instance whose heartbeats stopped has no series left.
        this.reset();
        for (const inst of stationOf().instances()) {
          this.set({ service: inst.service, instance: inst.instanceId }, value(inst));
        }
      },
    });
  perInstance(
    'penguincast_station_instance_cpu_ratio',
    'CPU used by each running instance, in cores (1 = one core busy), from heartbeats.',
    (i) => i.cpuPercent / 100,
  );
  perInstance(
    'penguincast_station_instance_resident_memory_bytes',
    'Resident memory of each running instance, from heartbeats.',
    (i) => i.rssBytes,
  );
  perInstance(
    'penguincast_station_instance_heap_used_bytes',
    'V8 heap in use of each running instance, from heartbeats.',
    (i) => i.heapUsedBytes,
  );
  perInstance(
    'penguincast_station_instance_uptime_seconds',
    'Uptime of each running instance, from heartbeats.',
    (i) => i.uptimeSeconds,
  );

  const connects = new Counter({
    name: 'penguincast_station_listener_connects_total',
    help: 'Listener connections accepted, over all edges, by mount.',
    labelNames: ['mount'],
    registers,
  });
  const bytesSent = new Counter({
    name: 'penguincast_station_bytes_sent_total',
    help: 'Bytes sent to listeners, counted when each connection ends (as access.log), by mount.',
    labelNames: ['mount'],
    registers,
  });
  const sourceBytes = new Counter({
    name: 'penguincast_station_source_bytes_total',
    help: 'Bytes received from sources, counted when each source connection ends, by mount.',
    labelNames: ['mount'],
    registers,
  });
  const listening = new Counter({
    name: 'penguincast_station_listening_seconds_total',
    help: 'Seconds listened, summed over ended listener sessions, by mount.',
    labelNames: ['mount'],
    registers,
  });
  const sessions = new Histogram({
    name: 'penguincast_station_listener_session_seconds',
    help: 'Length of ended listener sessions, by mount.',
    labelNames: ['mount'],
    buckets: SESSION_BUCKETS,
    registers,
  });
  const lost = new Counter({
    name: 'penguincast_station_instances_lost_total',
    help: 'Instances whose heartbeats stopped without a clean stop, by service.',
    labelNames: ['service'],
    registers,
  });
  const figures = new Map<string, Counter>();
  for (const [figure, spec] of Object.entries(FIGURE_COUNTERS)) {
    figures.set(figure, new Counter({ ...spec, registers }));
  }

  return {
    registry,
    mountAdded(mount) {
      // Zero-valued series from the first source on, so rate() sees the first increase.
      connects.inc({ mount }, 0);
      bytesSent.inc({ mount }, 0);
      sourceBytes.inc({ mount }, 0);
      listening.inc({ mount }, 0);
    },
    listenerConnected(mount) {
      connects.inc({ mount });
    },
    listenerEnded(mount, bytes, seconds) {
      bytesSent.inc({ mount }, bytes);
      listening.inc({ mount }, seconds);
      sessions.observe({ mount }, seconds);
    },
    sourceEnded(mount, bytes) {
      sourceBytes.inc({ mount }, bytes);
    },
    figureIncreased(name, delta) {
      figures.get(name)?.inc(delta);
    },
    instanceGone(inst, wasLost) {
      if (wasLost) {
        lost.inc({ service: inst.service });
      }
    },
  };
}
