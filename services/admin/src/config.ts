/**
 * The admin service's view of the station config: where it listens, who may use the admin API,
 * what the station is called, how each mount is shown and where static pages live. Pure: derived
 * from the already-validated `StationConfig`, with no I/O.
 */
import { bindAddress, type StationConfig } from '@penguincast/config';
import { ICECAST_COMPATIBLE, PENGUINCAST_VERSION } from '@penguincast/runtime';

/** Version string shown as `server_id` and in the `Server` header of admin replies. */
export const SERVER_ID = `PenguinCast ${PENGUINCAST_VERSION} (${ICECAST_COMPATIBLE})`;

/** What admin needs to know about one configured mount. */
export interface AdminMountSettings {
  /** Normalised mount name, e.g. `/live.mp3`. */
  name: string;
  /** Source user name; with `password`, it may update this mount's metadata. */
  user: string;
  /** Source password. */
  password: string;
  /** Left out of public pages, status JSON and streamlist.txt. */
  hidden: boolean;
  /** Bytes a joining listener is sent at once (the mount's or the server's `BurstSize`). */
  burstSize: number;
  /** Configured genre, used when the source sends none. */
  genre?: string;
  /** Configured description, used when the source sends none. */
  description?: string;
  /** Configured bitrate in kbit/s, used when the source does not say. */
  bitrateKbps?: number;
  /** Overrides the source's `ice-public` flag. */
  public?: boolean;
  /** Listener limit of the mount. */
  maxListeners?: number;
  /** Configured fallback mount. */
  fallback?: string;
}

/** Station identity shown on pages and in Icecast's `icestats`. */
export interface StationInfo {
  /** `Name`. */
  name: string;
  /** `Admin` contact. */
  admin: string;
  /** `Location`. */
  location: string;
  /** `Host`: the public host name of listen URLs. */
  host: string;
  /** `Socket.Port`: the public port of listen URLs. */
  port: number;
}

/** Settings of the admin service. */
export interface AdminConfig {
  /** Address to listen on. */
  host: string;
  /** Port of its own HTTP server (health, metrics and its API). */
  port: number;
  /** Whether it listens itself; false in the single process, where the front door feeds it. */
  listen: boolean;
  /** Station identity. */
  station: StationInfo;
  /** `Auth.AdminUser`. */
  adminUser: string;
  /** `Auth.AdminPassword`. */
  adminPassword: string;
  /** `Auth.SourcePassword` (user `source`) for mounts not listed; may update their metadata. */
  sourcePassword: string | undefined;
  /** Configured mounts by normalised name. */
  mounts: ReadonlyMap<string, AdminMountSettings>;
  /** Burst size of mounts that are not listed (`Limits.BurstSize`). */
  defaultBurstSize: number;
  /** `Paths.Web`: the only folder static files are served from (resolved by the app). */
  webDir: string;
  /** `Logging.UseMonitor`: whether `/monitor.html` and its event stream exist. */
  useMonitor: boolean;
  /** `Cors.AllowOrigin` for the public JSON documents. */
  corsOrigin: string;
  /** `TrustedProxies`: peers (besides loopback) whose `X-Forwarded-For` is believed. */
  trustedProxies: readonly string[];
  /** `Cluster.SubjectPrefix`. */
  subjectPrefix: string;
  /** `Cluster.KeyPrefix`. */
  keyPrefix: string;
  /** How long a command to the ingest or edge holding a target may take. */
  commandTimeoutMs: number;
  /** How long replies of every edge are gathered for `list-clients` and `move-clients`. */
  gatherTimeoutMs: number;
  /** How long a burst request (for the title a joining listener hears) may take. */
  burstTimeoutMs: number;
  /** How long station snapshots read from the state store are reused. */
  snapshotMaxAgeMs: number;
  /** How often the monitor samples the station and pushes to its pages. */
  monitorIntervalMs: number;
  /** Samples the monitor keeps for its chart. */
  monitorHistory: number;
  /** Most monitor pages connected at once. */
  maxMonitorClients: number;
}

/** Options of `parseConfig`. */
export interface ParseAdminOptions {
  /** Listen on its own port (default true); false when the single process's front door feeds it. */
  listen?: boolean;
  /** Overrides `Cluster.AdminPort` (tests pass 0). */
  port?: number;
}

/** Derives the admin service's settings from the station config. */
export function parseConfig(station: StationConfig, opts: ParseAdminOptions = {}): AdminConfig {
  const mounts = new Map<string, AdminMountSettings>();
  for (const m of station.Mounts) {
    // parseStationConfig has already normalised every mount name.
    mounts.set(m.Name, {
      name: m.Name,
      user: m.User,
      password: m.Password,
      hidden: m.Hidden,
      burstSize: m.BurstSize ?? station.Limits.BurstSize,
      ...(m.Genre === undefined ? {} : { genre: m.Genre }),
      ...(m.Description === undefined ? {} : { description: m.Description }),
      ...(m.BitRate === undefined ? {} : { bitrateKbps: m.BitRate }),
      ...(m.Public === undefined ? {} : { public: m.Public }),
      ...(m.MaxListeners === undefined ? {} : { maxListeners: m.MaxListeners }),
      ...(m.Fallback === undefined ? {} : { fallback: m.Fallback }),
    });
  }
  return Object.freeze({
    host: bindAddress(station),
    port: opts.port ?? station.Cluster.AdminPort,
    listen: opts.listen ?? true,
    station: Object.freeze({
      name: station.Name,
      admin: station.Admin,
      location: station.Location,
      host: station.Host,
      port: station.Socket.Port,
    }),
    adminUser: station.Auth.AdminUser,
    adminPassword: station.Auth.AdminPassword,
    sourcePassword: station.Auth.SourcePassword,
    mounts,
    defaultBurstSize: station.Limits.BurstSize,
    webDir: station.Paths.Web,
    useMonitor: station.Logging.UseMonitor,
    corsOrigin: station.Cors.AllowOrigin,
    trustedProxies: [...station.TrustedProxies],
    subjectPrefix: station.Cluster.SubjectPrefix,
    keyPrefix: station.Cluster.KeyPrefix,
    commandTimeoutMs: 2000,
    gatherTimeoutMs: 500,
    burstTimeoutMs: 1000,
    snapshotMaxAgeMs: 250,
    monitorIntervalMs: 500,
    monitorHistory: 600,
    maxMonitorClients: 64,
  });
}

/** The burst size a listener joining `mount` gets. */
export function burstSizeOf(cfg: AdminConfig, mount: string): number {
  return cfg.mounts.get(mount)?.burstSize ?? cfg.defaultBurstSize;
}
