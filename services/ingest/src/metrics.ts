/**
 * The ingest service's Prometheus metrics, registered on the service's private registry. Labels
 * are mount names only, and only of configured or authenticated mounts; an unlisted mount's
 * series are removed when its source ends, so label sets stay bounded whatever clients send.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Label used for failures on mounts that are not configured (their names are client input). */
export const UNLISTED_MOUNT_LABEL = '(unlisted)';

/** The ingest service's metrics. */
export interface IngestMetrics {
  /** Live sources by mount (0 or 1 per mount on one instance). */
  sources: Gauge<'mount'>;
  /** Source bytes read by mount, before framing. */
  bytesIn: Counter<'mount'>;
  /** Accepted source connections by mount. */
  connects: Counter<'mount'>;
  /** Refused source credentials by mount (unlisted mounts share one label). */
  authFailures: Counter<'mount'>;
  /** Title changes published by mount (control commands, admin.cgi and in-stream tags). */
  metadataUpdates: Counter<'mount'>;
}

/** Creates the metrics on `registry`. Call once per registry. */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    sources: new Gauge({
      name: 'penguincast_sources',
      help: 'Live sources on this ingest instance',
      labelNames: ['mount'],
      registers,
    }),
    bytesIn: new Counter({
      name: 'penguincast_source_bytes_in_total',
      help: 'Bytes read from sources',
      labelNames: ['mount'],
      registers,
    }),
    connects: new Counter({
      name: 'penguincast_source_connects_total',
      help: 'Source connections accepted',
      labelNames: ['mount'],
      registers,
    }),
    authFailures: new Counter({
      name: 'penguincast_source_auth_failures_total',
      help: 'Source and title-update requests refused for bad credentials',
      labelNames: ['mount'],
      registers,
    }),
    metadataUpdates: new Counter({
      name: 'penguincast_metadata_updates_total',
      help: 'Title changes published',
      labelNames: ['mount'],
      registers,
    }),
  };
}

/**
 * Removes every series labelled with `mount` (used when the last source of a mount that is not
 * configured ends: an encoder may use any name with the default source password, and series
 * that are never removed would grow without bound).
 */
export function forgetMountSeries(metrics: IngestMetrics, mount: string): void {
  for (const metric of [
    metrics.sources,
    metrics.bytesIn,
    metrics.connects,
    metrics.metadataUpdates,
  ]) {
    metric.remove({ mount });
  }
}
