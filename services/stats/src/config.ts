/**
 * The stats service's view of the station config: where it listens, where its log files go and
 * how they rotate, and how often stat.log is written. Pure: derived from the already-validated
 * `StationConfig`, no file system or environment access.
 */
import { join } from 'node:path';
import { bindAddress, type StationConfig } from '@penguincast/config';

/** Settings of the stats service. */
export interface StatsConfig {
  /** Address to listen on. */
  host: string;
  /** Port of its own HTTP server (health, metrics and its API). */
  port: number;
  /** Whether it listens itself; false in the single process, where the front door feeds it. */
  listen: boolean;
  /** Subject prefix of the bus (`Cluster.SubjectPrefix`). */
  subjectPrefix: string;
  /** Key prefix of the state store (`Cluster.KeyPrefix`). */
  keyPrefix: string;
  /** `Paths.Log`/access.log. */
  accessLogPath: string;
  /** `Paths.Log`/stat.log, or null when `Logging.UseStat` is off. */
  statLogPath: string | null;
  /** `Logging.Loglevel`: 1 errors .. 4 debug. */
  loglevel: number;
  /** Rotate a log file once it reaches this many bytes (`Logging.Logsize` kilobytes). */
  maxLogBytes: number;
  /** Archives kept per log file (`Logging.LogArchives`). */
  logArchives: number;
  /** Milliseconds between stat.log lines (`Logging.StatInterval` seconds). */
  statIntervalMs: number;
  /** Milliseconds between checks for instances whose heartbeats stopped. */
  expireIntervalMs: number;
  /** How long a start-up resync collects `list-clients` replies; 0 skips the resync. */
  resyncTimeoutMs: number;
}

/** Derives the stats service's settings from the station config. */
export function parseConfig(station: StationConfig, opts: { listen?: boolean } = {}): StatsConfig {
  const dir = station.Paths.Log;
  const { Logging } = station;
  return {
    host: bindAddress(station),
    port: station.Cluster.StatsPort,
    listen: opts.listen ?? true,
    subjectPrefix: station.Cluster.SubjectPrefix,
    keyPrefix: station.Cluster.KeyPrefix,
    accessLogPath: join(dir, 'access.log'),
    statLogPath: Logging.UseStat ? join(dir, 'stat.log') : null,
    loglevel: Logging.Loglevel,
    maxLogBytes: Logging.Logsize * 1024,
    logArchives: Logging.LogArchives,
    statIntervalMs: Logging.StatInterval * 1000,
    expireIntervalMs: 1000,
    resyncTimeoutMs: 1000,
  };
}
