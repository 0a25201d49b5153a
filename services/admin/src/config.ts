/**
 * The admin service's view of the station config: where it listens. Pure: derived from the
 * already-validated `StationConfig`.
 */
import { bindAddress, type StationConfig } from '@penguincast/config';

/** Settings of the admin service. */
export interface AdminConfig {
  /** Address to listen on. */
  host: string;
  /** Port of its own HTTP server (health, metrics and its API). */
  port: number;
  /** Whether it listens itself; false in the single process, where the front door feeds it. */
  listen: boolean;
}

/** Derives the admin service's settings from the station config. */
export function parseConfig(station: StationConfig, opts: { listen?: boolean } = {}): AdminConfig {
  return {
    host: bindAddress(station),
    port: station.Cluster.AdminPort,
    listen: opts.listen ?? true,
  };
}
