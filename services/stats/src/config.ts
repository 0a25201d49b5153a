/**
 * The stats service's view of the station config: where it listens. Pure: derived from the
 * already-validated `StationConfig`.
 */
import { bindAddress, type StationConfig } from '@penguincast/config';

/** Settings of the stats service. */
export interface StatsConfig {
  /** Address to listen on. */
  host: string;
  /** Port of its own HTTP server (health, metrics and its API). */
  port: number;
  /** Whether it listens itself; false in the single process, where the front door feeds it. */
  listen: boolean;
}

/** Derives the stats service's settings from the station config. */
export function parseConfig(station: StationConfig, opts: { listen?: boolean } = {}): StatsConfig {
  return {
    host: bindAddress(station),
    port: station.Cluster.StatsPort,
    listen: opts.listen ?? true,
  };
}
