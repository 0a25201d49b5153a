/**
 * One live mount as every admin page shows it: the ingest's mount info hash merged with the
 * mount's config (config values as defaults, the source's own `ice-*`/`icy-*` values over them,
 * `Public` as an override, as the edge does for listener headers). Pure: no I/O.
 */
import type { AdminMountSettings } from './config.js';

/** A live mount, merged and typed. Every string may come from the source: escape on output. */
export interface MountView {
  /** Normalised mount name, e.g. `/live.mp3`. */
  name: string;
  /** Left out of public pages (still in admin stats). */
  hidden: boolean;
  /** Listeners over every edge. */
  listeners: number;
  /** Highest listener count seen. */
  peak: number;
  /** The newest title (empty when none was set). */
  title: string;
  /** Content type of the stream. */
  contentType: string;
  /** Bitrate in kbit/s, when known. */
  bitrateKbps: number | undefined;
  /** `ice-name`. */
  streamName: string | undefined;
  /** `ice-description`. */
  description: string | undefined;
  /** `ice-genre`. */
  genre: string | undefined;
  /** `ice-url` as sent (check it before making a link). */
  url: string | undefined;
  /** `ice-audio-info` as sent. */
  audioInfo: string | undefined;
  /** Whether the stream may be listed in directories. */
  public: boolean;
  /** When the source connected, milliseconds since the epoch. */
  streamStartMs: number;
  /** The source's IP address. */
  sourceIp: string;
  /** The source's User-Agent. */
  userAgent: string;
  /** Bytes read from the source. */
  totalBytesRead: number;
  /** The ingest instance holding the mount. */
  instanceId: string;
  /** Listener limit, when configured. */
  maxListeners: number | undefined;
  /** The fallback in force: a runtime one set by `/admin/fallbacks`, else the configured one. */
  fallback: string | undefined;
}

/** Names a source may use for each value: Icecast's `ice-*` first, SHOUTcast's `icy-*` second. */
const FIELDS = {
  streamName: ['ice-name', 'icy-name'],
  description: ['ice-description', 'icy-description'],
  genre: ['ice-genre', 'icy-genre'],
  url: ['ice-url', 'icy-url'],
  public: ['ice-public', 'icy-pub'],
  bitrate: ['ice-bitrate', 'icy-br'],
} as const;

function pick(
  info: Readonly<Record<string, string>>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const v = info[name];
    if (v !== undefined && v !== '') {
      return v;
    }
  }
  return undefined;
}

function int(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,15}\s*$/.test(text)) {
    return undefined;
  }
  return Number(text);
}

/** What `mountView` is built from besides the hash. */
export interface MountCounts {
  listeners: number;
  peak: number;
  runtimeFallback: string | undefined;
}

/** Builds the view of `name` from its mount info hash, config and counters. */
export function mountView(
  name: string,
  info: Readonly<Record<string, string>>,
  cfg: AdminMountSettings | undefined,
  counts: MountCounts,
): MountView {
  const bitrate = int(info['bitrate']) ?? int(pick(info, FIELDS.bitrate)) ?? cfg?.bitrateKbps;
  const publicFlag = cfg?.public ?? pick(info, FIELDS.public) === '1';
  return {
    name,
    hidden: cfg?.hidden ?? false,
    listeners: counts.listeners,
    peak: Math.max(counts.peak, counts.listeners),
    title: info['title'] ?? '',
    contentType: info['content_type'] || 'application/octet-stream',
    bitrateKbps: bitrate !== undefined && bitrate > 0 ? bitrate : undefined,
    streamName: pick(info, FIELDS.streamName),
    description: pick(info, FIELDS.description) ?? cfg?.description,
    genre: pick(info, FIELDS.genre) ?? cfg?.genre,
    url: pick(info, FIELDS.url),
    audioInfo: info['ice-audio-info'] || undefined,
    public: publicFlag,
    streamStartMs: int(info['stream_start_ms']) ?? 0,
    sourceIp: info['source_ip'] ?? '',
    userAgent: info['user_agent'] ?? '',
    totalBytesRead: int(info['total_bytes_read']) ?? 0,
    instanceId: info['instance_id'] ?? '',
    maxListeners: cfg?.maxListeners,
    fallback: counts.runtimeFallback || cfg?.fallback,
  };
}

/** `http://host:port/mount`, the URL listeners play. */
export function listenUrl(host: string, port: number, mount: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${h}:${port}${mount}`;
}
