/**
 * The ingest service's view of the station config: where it listens, who may send to which
 * mount, the source limits and timeouts, and the lease and heartbeat timings. Pure: derived from
 * the already-validated `StationConfig`, with no I/O.
 */
import { isAbsolute, join } from 'node:path';
import { bindAddress, type StationConfig } from '@penguincast/config';
import { ICECAST_COMPATIBLE, PENGUINCAST_VERSION } from '@penguincast/runtime';

/** What ingest needs to know about one configured mount. */
export interface IngestMountSettings {
  /** Normalised mount name, e.g. `/live.mp3`. */
  name: string;
  /** Source user name (`source` unless the mount says otherwise). */
  user: string;
  /** Source password. */
  password: string;
  /** Bytes a listener gets at once on connect (the mount's or the server's `BurstSize`). */
  burstSize: number;
  /** Nominal bitrate in kbit/s from the config, used when the source does not say. */
  bitrateKbps?: number;
  /** Where the source's audio is also written (relative paths are under `Paths.Log`). */
  dumpFile?: string;
  /** The upstream this mount is pulled from (`Relay`), instead of an encoder. */
  relay?: RelaySettings;
  /** The file played in a loop on this mount (`File`, resolved under `Paths.Web`). */
  file?: string;
}

/** Where a relayed mount is pulled from. */
export interface RelaySettings {
  /** The upstream stream URL. */
  url: string;
  /** Basic credentials for the upstream. */
  user?: string;
  password?: string;
  /** Pull only while some edge reports listeners for the mount. */
  onDemand: boolean;
}

/** The upstream whose every mount is mirrored (`Master`). */
export interface MasterSettings {
  /** Base URL of the upstream server. */
  url: string;
  /** Credentials for its stream list and streams. */
  user: string;
  password?: string;
  /** How often the stream list is fetched again. */
  intervalMs: number;
  /** Mirror each mount only while it has listeners. */
  onDemand: boolean;
}

/** Lease, heartbeat and takeover timings; tests shorten them. */
export interface IngestTiming {
  /** Lifetime of a mount lease in Redis; a crashed ingest frees its mounts after this. */
  leaseTtlMs: number;
  /** How often a live source renews its lease. */
  leaseRenewMs: number;
  /** Lifetime of the mount info hash; refreshed every `infoRefreshMs`. */
  infoTtlMs: number;
  /** How often the mount info hash (bytes read, last data time) is rewritten. */
  infoRefreshMs: number;
  /** A holder that sent nothing for this long is taken to be a dead connection. */
  takeoverIdleMs: number;
  /** How long a remote holder gets to confirm a `kill-source` during a takeover. */
  killTimeoutMs: number;
  /** A relay's first retry after its upstream drops or refuses; each further one doubles. */
  relayRetryMinMs: number;
  /** The longest wait between two relay attempts. */
  relayRetryMaxMs: number;
  /** Time a relay's upstream has to connect and send its reply head. */
  relayConnectTimeoutMs: number;
  /**
   * A relay connection that lasted this long resets the backoff to its first step (a shorter one
   * to its second, so the first retry after any connection comes within 1 s).
   */
  relayStableMs: number;
  /** An on-demand relay stops after this long without demand from any edge. */
  onDemandIdleMs: number;
}

/** Settings of the ingest service. */
export interface IngestConfig extends IngestTiming {
  /** Address to listen on. */
  host: string;
  /** Port of its own source/health server (`Cluster.IngestPort`); 0 picks a free one. */
  port: number;
  /** Port of its SHOUTcast v1 source server (port + 1); 0 picks a free one. */
  shoutcastPort: number;
  /** Whether it listens itself; false in the single process, where the front door feeds it. */
  listen: boolean;
  /** Configured mounts by normalised name. */
  mounts: ReadonlyMap<string, IngestMountSettings>;
  /** Password (user `source`) for mounts not listed; undefined refuses unlisted mounts. */
  sourcePassword: string | undefined;
  /** Admin user name (accepted by SHOUTcast `admin.cgi` title updates). */
  adminUser: string;
  /** Admin password (accepted by SHOUTcast `admin.cgi` title updates). */
  adminPassword: string;
  /** Burst size of mounts that are not listed. */
  defaultBurstSize: number;
  /** Sources allowed over the whole cluster (`Limits.Sources`). */
  maxSources: number;
  /** A source that sends nothing for this long is dropped; 0 disables the check. */
  sourceIdleTimeoutMs: number;
  /** Time a client has to send its request head or SHOUTcast handshake. */
  headerTimeoutMs: number;
  /** Proxies whose `X-Forwarded-For` is believed, besides loopback. */
  trustedProxies: readonly string[];
  /** Prefix of every NATS subject. */
  subjectPrefix: string;
  /** Prefix of every Redis key. */
  keyPrefix: string;
  /** The mount a SHOUTcast source without `/mount:` in its password line feeds by default. */
  shoutcastMount: string;
  /** Folder relative dump files are written under (`Paths.Log`). */
  logDir: string;
  /** Largest audio payload published in one message; larger pushes are cut on frame boundaries. */
  maxChunkBytes: number;
  /** The upstream mirrored through its stream list (`Master`), if any. */
  master: MasterSettings | undefined;
  /** User-Agent a relay sends upstream. */
  relayUserAgent: string;
}

/** Default lease and heartbeat timings: a ~10 s lease renewed every ~3 s, as design.md fixes. */
export const DEFAULT_TIMING: Readonly<IngestTiming> = Object.freeze({
  leaseTtlMs: 10_000,
  leaseRenewMs: 3_000,
  infoTtlMs: 15_000,
  infoRefreshMs: 2_000,
  takeoverIdleMs: 2_000,
  killTimeoutMs: 1_000,
  relayRetryMinMs: 500,
  relayRetryMaxMs: 30_000,
  relayConnectTimeoutMs: 10_000,
  relayStableMs: 10_000,
  onDemandIdleMs: 10_000,
});

/** Mount a SHOUTcast source feeds when no mount is configured (Icecast's `shoutcast-mount`). */
export const DEFAULT_SHOUTCAST_MOUNT = '/stream';

/** Options of `parseConfig`. */
export interface ParseIngestOptions {
  /** Listen on its own ports (default true); false when the single process's front door feeds it. */
  listen?: boolean;
  /** Overrides `Cluster.IngestPort` (tests pass 0). */
  port?: number;
  /** Overrides the SHOUTcast port (default port + 1, or 0 when port is 0). */
  shoutcastPort?: number;
  /** Overrides of the lease and heartbeat timings. */
  timing?: Partial<IngestTiming>;
}

/** Derives the ingest service's settings from the station config. */
export function parseConfig(station: StationConfig, opts: ParseIngestOptions = {}): IngestConfig {
  const mounts = new Map<string, IngestMountSettings>();
  for (const m of station.Mounts) {
    // parseStationConfig has already normalised every mount name.
    const settings: IngestMountSettings = {
      name: m.Name,
      user: m.User,
      password: m.Password,
      burstSize: m.BurstSize ?? station.Limits.BurstSize,
    };
    if (m.BitRate !== undefined) {
      settings.bitrateKbps = m.BitRate;
    }
    if (m.DumpFile !== undefined) {
      settings.dumpFile = isAbsolute(m.DumpFile) ? m.DumpFile : join(station.Paths.Log, m.DumpFile);
    }
    if (m.Relay !== undefined) {
      settings.relay = {
        url: m.Relay.Url,
        onDemand: m.Relay.OnDemand,
        ...(m.Relay.User === undefined ? {} : { user: m.Relay.User }),
        ...(m.Relay.Password === undefined ? {} : { password: m.Relay.Password }),
      };
    }
    if (m.File !== undefined) {
      settings.file = isAbsolute(m.File) ? m.File : join(station.Paths.Web, m.File);
    }
    mounts.set(m.Name, settings);
  }
  const master = station.Master;
  const port = opts.port ?? station.Cluster.IngestPort;
  return {
    ...DEFAULT_TIMING,
    ...opts.timing,
    host: bindAddress(station),
    port,
    shoutcastPort: opts.shoutcastPort ?? (port === 0 ? 0 : port + 1),
    listen: opts.listen ?? true,
    mounts,
    sourcePassword: station.Auth.SourcePassword,
    adminUser: station.Auth.AdminUser,
    adminPassword: station.Auth.AdminPassword,
    defaultBurstSize: station.Limits.BurstSize,
    maxSources: station.Limits.Sources,
    sourceIdleTimeoutMs: station.Limits.SourceIdleTimeOut * 1000,
    headerTimeoutMs: Math.max(1, station.Limits.HeaderTimeOut) * 1000,
    trustedProxies: station.TrustedProxies,
    subjectPrefix: station.Cluster.SubjectPrefix,
    keyPrefix: station.Cluster.KeyPrefix,
    shoutcastMount: station.Mounts[0]?.Name ?? DEFAULT_SHOUTCAST_MOUNT,
    logDir: station.Paths.Log,
    maxChunkBytes: 64 * 1024,
    master:
      master === undefined
        ? undefined
        : {
            url: master.Url,
            user: master.User,
            intervalMs: master.Interval * 1000,
            onDemand: master.OnDemand,
            ...(master.Password === undefined ? {} : { password: master.Password }),
          },
    relayUserAgent: RELAY_USER_AGENT,
  };
}

/** The User-Agent of relay requests; Icecast servers log it for each relay client. */
export const RELAY_USER_AGENT = `PenguinCast/${PENGUINCAST_VERSION} (relay; ${ICECAST_COMPATIBLE})`;

/** The settings of `mount`, or undefined when it is not configured. */
export function mountSettings(cfg: IngestConfig, mount: string): IngestMountSettings | undefined {
  return cfg.mounts.get(mount);
}

/** The burst size of `mount`: its own, or the server's for unlisted mounts. */
export function burstSizeOf(
  cfg: Pick<IngestConfig, 'mounts' | 'defaultBurstSize'>,
  mount: string,
): number {
  return cfg.mounts.get(mount)?.burstSize ?? cfg.defaultBurstSize;
}
