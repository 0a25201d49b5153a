/**
 * The edge's view of the station config: where the front door listens, the listener limits and
 * timeouts, per-mount streaming settings and where sources and pages are forwarded. Pure: derived
 * from the already-validated `StationConfig`, with no I/O.
 */
import { isAbsolute, join } from 'node:path';
import {
  DEFAULT_BURST_SIZE,
  DEFAULT_METAINT,
  DEFAULT_QUEUE_SIZE,
  bindAddress,
  type StationConfig,
} from '@penguincast/config';
import type { IcyCharset } from '@penguincast/icy';
import { ICECAST_COMPATIBLE, PENGUINCAST_VERSION } from '@penguincast/runtime';
import { EdgeConfigError } from './errors.js';
import { iceConfigOf, type IceConfig } from './ice-headers.js';

/** A `host:port` the edge connects to in distributed mode. */
export interface HostPort {
  host: string;
  port: number;
}

/** How one mount is served to listeners. */
export interface MountSettings {
  /** Normalised mount name, e.g. `/live.mp3`. */
  name: string;
  /** ICY metadata interval in bytes (`MetaInt`). */
  metaint: number;
  /** Charset of ICY titles sent to listeners. */
  charset: IcyCharset;
  /** Bytes a listener may fall behind the newest audio before it is dropped (`QueueSize`). */
  queueSize: number;
  /** Bytes of recent audio a new listener receives at once (`BurstSize`). */
  burstSize: number;
  /** Listener limit of this mount over the whole cluster; undefined means none. */
  maxListeners: number | undefined;
  /** Mount whose audio listeners move to when this mount's source is gone for good. */
  fallback: string | undefined;
  /** Move listeners back from the fallback when this mount's source returns. */
  fallbackOverride: boolean;
  /** True when the mount is listed in `Mounts[]`; such a mount answers 404 while it has no source. */
  configured: boolean;
  /** `ice-*` values from the mount's config (Genre, Description, BitRate, Public). */
  ice: IceConfig;
  /**
   * True for a mount relayed on demand (`Relay.OnDemand`): a first listener asks ingest to start
   * the relay and is held until its audio arrives.
   */
  onDemand: boolean;
  /** The file sent to each new listener before the live audio (`Intro`, under `Paths.Web`). */
  intro: string | undefined;
}

/** Settings of the edge service. */
export interface EdgeConfig {
  /** Address the front door binds to. */
  host: string;
  /** Public port (`Socket.Port`); 0 picks a free one (tests). */
  port: number;
  /** SHOUTcast v1 source port, `Socket.Port + 1`; 0 picks a free one (tests). */
  shoutcastPort: number;
  /** The `Server` header of listener replies. */
  serverName: string;
  /** `Limits.Clients`: listeners over the whole cluster. */
  maxClients: number;
  /** `Limits.HeaderTimeOut` in milliseconds. */
  headerTimeoutMs: number;
  /** `Limits.WriteTimeOut` in milliseconds: a listener with no write progress for this long is dropped. */
  writeTimeoutMs: number;
  /** `Limits.EmptyBufferIdleTimeOut` in milliseconds; 0 disables the check. */
  emptyBufferIdleTimeoutMs: number;
  /** `Limits.SourceGracePeriod` in milliseconds: how long listeners wait for a returning source. */
  sourceGraceMs: number;
  /** Settings of mounts not listed in `Mounts[]` (their `name` is empty). */
  defaults: MountSettings;
  /** Settings of the mounts listed in `Mounts[]`, by normalised name. */
  mounts: ReadonlyMap<string, MountSettings>;
  /** `Cors.AllowOrigin`. */
  corsOrigin: string;
  /** `TrustedProxies`: peers whose `X-Forwarded-For` is believed. */
  trustedProxies: readonly string[];
  /** `Cluster.SubjectPrefix`. */
  subjectPrefix: string;
  /** `Cluster.KeyPrefix`. */
  keyPrefix: string;
  /** Where sources go in distributed mode (`Cluster.IngestUrl`). */
  ingest: HostPort;
  /** Where SHOUTcast v1 sources go in distributed mode: the ingest port + 1. */
  ingestShoutcast: HostPort;
  /** Where pages and the admin API go in distributed mode (`Cluster.AdminUrl`). */
  admin: HostPort;
  /** How often the per-edge listener counts are written and the cluster sums re-read. */
  counterIntervalMs: number;
  /** TTL of the per-edge counters, so a dead edge's listeners stop counting. */
  counterTtlMs: number;
  /** How long a burst request to the owning ingest may take. */
  burstTimeoutMs: number;
  /** Most bytes one listener is given per write turn, so one fast socket cannot hog the loop. */
  maxBytesPerTurn: number;
  /** Least time between two write passes of a mount (see `MountTiming.writeIntervalMs`). */
  writeIntervalMs: number;
  /** `Master.OnDemand`: any unlisted mount may be a mirrored one that starts on demand. */
  masterOnDemand: boolean;
  /** How long ingest may take to answer a relay demand. */
  demandTimeoutMs: number;
  /** How long a first listener of an on-demand relay is held for the relay's first audio. */
  demandWaitMs: number;
  /** How often demand is repeated for on-demand relays that still have listeners here. */
  demandRefreshMs: number;
}

/** Version string of the `Server` header. */
export const SERVER_NAME = `PenguinCast/${PENGUINCAST_VERSION} (${ICECAST_COMPATIBLE})`;

function hostPort(url: string, path: string): HostPort {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new EdgeConfigError(`${path} ${JSON.stringify(url)} is not a URL`, { cause: err });
  }
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

function charsetOf(charset: 'UTF-8' | 'ISO-8859-1'): IcyCharset {
  return charset === 'ISO-8859-1' ? 'latin1' : 'utf-8';
}

/** Derives the edge's settings from the station config. Throws `EdgeConfigError` on a bad URL. */
export function parseConfig(station: StationConfig): EdgeConfig {
  const limits = station.Limits;
  const defaults: MountSettings = {
    name: '',
    metaint: DEFAULT_METAINT,
    charset: 'utf-8',
    queueSize: limits.QueueSize ?? DEFAULT_QUEUE_SIZE,
    burstSize: limits.BurstSize ?? DEFAULT_BURST_SIZE,
    maxListeners: undefined,
    fallback: undefined,
    fallbackOverride: true,
    configured: false,
    ice: iceConfigOf(undefined),
    onDemand: false,
    intro: undefined,
  };
  const mounts = new Map<string, MountSettings>();
  for (const m of station.Mounts) {
    mounts.set(m.Name, {
      name: m.Name,
      metaint: m.MetaInt,
      charset: charsetOf(m.Charset),
      queueSize: m.QueueSize ?? defaults.queueSize,
      burstSize: m.BurstSize ?? defaults.burstSize,
      maxListeners: m.MaxListeners,
      fallback: m.Fallback,
      fallbackOverride: m.FallbackOverride,
      configured: true,
      ice: iceConfigOf(m),
      onDemand: m.Relay?.OnDemand === true,
      intro:
        m.Intro === undefined
          ? undefined
          : isAbsolute(m.Intro)
            ? m.Intro
            : join(station.Paths.Web, m.Intro),
    });
  }
  const ingest = hostPort(station.Cluster.IngestUrl, 'Cluster.IngestUrl');
  return Object.freeze({
    host: bindAddress(station),
    port: station.Socket.Port,
    shoutcastPort: station.Socket.Port + 1,
    serverName: SERVER_NAME,
    maxClients: limits.Clients,
    // A zero head timeout would refuse every client, so it falls back to Icecast's 15 s.
    headerTimeoutMs: (limits.HeaderTimeOut || 15) * 1000,
    writeTimeoutMs: (limits.WriteTimeOut || 10) * 1000,
    emptyBufferIdleTimeoutMs: limits.EmptyBufferIdleTimeOut * 1000,
    sourceGraceMs: limits.SourceGracePeriod * 1000,
    defaults: Object.freeze(defaults),
    mounts,
    corsOrigin: station.Cors.AllowOrigin,
    trustedProxies: [...station.TrustedProxies],
    subjectPrefix: station.Cluster.SubjectPrefix,
    keyPrefix: station.Cluster.KeyPrefix,
    ingest,
    ingestShoutcast: { host: ingest.host, port: ingest.port + 1 },
    admin: hostPort(station.Cluster.AdminUrl, 'Cluster.AdminUrl'),
    counterIntervalMs: 1000,
    counterTtlMs: 5000,
    burstTimeoutMs: 1500,
    maxBytesPerTurn: 64 * 1024,
    writeIntervalMs: limits.WriteIntervalMs,
    masterOnDemand: station.Master?.OnDemand === true,
    demandTimeoutMs: 1500,
    demandWaitMs: 10_000,
    demandRefreshMs: 2000,
  });
}

/** The settings of `mount`: its `Mounts[]` entry, or the defaults under its name. */
export function mountSettings(cfg: EdgeConfig, mount: string): MountSettings {
  return cfg.mounts.get(mount) ?? { ...cfg.defaults, name: mount };
}
