/**
 * The edge's Prometheus metrics on the service's private registry. Labels are mount names only,
 * and a mount's series are removed when the mount is forgotten, so cardinality stays bounded.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The edge's metrics. */
export class EdgeMetrics {
  /** Listeners connected to this edge, per mount (set at scrape time). */
  readonly listeners: Gauge<'mount'>;
  /** Listeners accepted. */
  readonly connects: Counter<'mount'>;
  /** Body bytes written to listeners, metadata blocks included. */
  readonly bytesSent: Counter<'mount'>;
  /** Listeners dropped for falling behind or making no write progress. */
  readonly slowDrops: Counter<'mount'>;
  /** Accept to first body byte written. */
  readonly timeToFirstByte: Histogram<'mount'>;
  /** Ingest receive time (the chunk's `timestampMs`) to arrival on this edge. */
  readonly ingestLatency: Histogram<'mount'>;

  constructor(registry: Registry, countListeners: () => Iterable<readonly [string, number]>) {
    this.listeners = new Gauge({
      name: 'penguincast_listeners',
      help: 'Listeners connected to this edge',
      labelNames: ['mount'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [mount, n] of countListeners()) {
          this.set({ mount }, n);
        }
      },
    });
    this.connects = new Counter({
      name: 'penguincast_listener_connects_total',
      help: 'Listeners accepted by this edge',
      labelNames: ['mount'],
      registers: [registry],
    });
    this.bytesSent = new Counter({
      name: 'penguincast_listener_bytes_sent_total',
      help: 'Bytes written to listeners, ICY metadata included',
      labelNames: ['mount'],
      registers: [registry],
    });
    this.slowDrops = new Counter({
      name: 'penguincast_slow_listener_drops_total',
      help: 'Listeners dropped because they fell too far behind or stopped reading',
      labelNames: ['mount'],
      registers: [registry],
    });
    this.timeToFirstByte = new Histogram({
      name: 'penguincast_time_to_first_byte_seconds',
      help: 'Time from accepting a listener to writing its first body byte',
      labelNames: ['mount'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.ingestLatency = new Histogram({
      name: 'penguincast_ingest_to_edge_latency_seconds',
      help: 'Time from ingest receiving audio to this edge receiving it',
      labelNames: ['mount'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
  }

  /** Drops every series of a mount that no longer exists. */
  forget(mount: string): void {
    for (const m of [this.connects, this.bytesSent, this.slowDrops]) {
      m.remove({ mount });
    }
    this.timeToFirstByte.remove({ mount });
    this.ingestLatency.remove({ mount });
  }
}
