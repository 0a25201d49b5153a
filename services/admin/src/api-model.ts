/**
 * The typed, versioned JSON model of `/api/v1` (and of `/info.json`): collections are always
 * arrays, counts are numbers, titles and names are strings, unknown values are `null`, and a
 * source's URL is given only when it is http or https. Pure: maps views to plain objects.
 */
import type { ClientInfo } from '@penguincast/bus';
import type { MountTitles } from './commands.js';
import { SERVER_ID, type StationInfo } from './config.js';
import { httpUrl } from './escape.js';
import { listenUrl, type MountView } from './mount-view.js';
import type { StationSnapshot } from './station-view.js';
import { isoUtc, secondsBetween } from './time-format.js';

/** The API version in paths and documents. */
export const API_VERSION = 'v1';

/** `GET /api/v1/station`. */
export interface ApiStation {
  name: string;
  admin: string;
  location: string;
  host: string;
  port: number;
  serverId: string;
  /** ISO 8601 UTC. */
  serverStart: string;
  uptimeSeconds: number;
  listeners: number;
  listenerPeak: number;
  /** Visible live mounts. */
  sources: number;
}

/** One live mount in `GET /api/v1/mounts`. */
export interface ApiMount {
  mount: string;
  listenUrl: string;
  playerUrl: string;
  listeners: number;
  listenerPeak: number;
  maxListeners: number | null;
  /** The title a listener who joins now hears first (the title at its burst start). */
  nowPlaying: string;
  /** The newest title the source set. */
  latestTitle: string;
  name: string | null;
  description: string | null;
  genre: string | null;
  /** The stream's web page, only when it is an http or https URL. */
  url: string | null;
  contentType: string;
  bitrateKbps: number | null;
  audioInfo: string | null;
  public: boolean;
  /** ISO 8601 UTC. */
  streamStart: string;
  uptimeSeconds: number;
  fallback: string | null;
}

/** One listener in `GET /api/v1/mounts/{mount}/listeners`. */
export interface ApiListener {
  id: string;
  ip: string;
  userAgent: string | null;
  referer: string | null;
  connectedSeconds: number;
  bytesSent: number;
  lagBytes: number | null;
}

/** Maps the station part of a snapshot. */
export function apiStation(
  snap: StationSnapshot,
  station: StationInfo,
  visible: number,
): ApiStation {
  return {
    name: station.name,
    admin: station.admin,
    location: station.location,
    host: station.host,
    port: station.port,
    serverId: SERVER_ID,
    serverStart: isoUtc(snap.serverStartMs),
    uptimeSeconds: secondsBetween(snap.serverStartMs, snap.atMs),
    listeners: snap.listeners,
    listenerPeak: snap.peak,
    sources: visible,
  };
}

/** Maps one mount with its titles. */
export function apiMount(
  m: MountView,
  titles: MountTitles,
  station: StationInfo,
  nowMs: number,
): ApiMount {
  return {
    mount: m.name,
    listenUrl: listenUrl(station.host, station.port, m.name),
    playerUrl: `/player${m.name}`,
    listeners: m.listeners,
    listenerPeak: m.peak,
    maxListeners: m.maxListeners ?? null,
    nowPlaying: titles.atJoin,
    latestTitle: titles.latest,
    name: m.streamName ?? null,
    description: m.description ?? null,
    genre: m.genre ?? null,
    url: httpUrl(m.url) ?? null,
    contentType: m.contentType,
    bitrateKbps: m.bitrateKbps ?? null,
    audioInfo: m.audioInfo ?? null,
    public: m.public,
    streamStart: isoUtc(m.streamStartMs),
    uptimeSeconds: secondsBetween(m.streamStartMs, nowMs),
    fallback: m.fallback ?? null,
  };
}

/** Maps one listener. */
export function apiListener(c: ClientInfo): ApiListener {
  return {
    id: c.id,
    ip: c.ip,
    userAgent: c.userAgent ?? null,
    referer: c.referer ?? null,
    connectedSeconds: c.connectedSeconds,
    bytesSent: c.bytes,
    lagBytes: c.lagBytes ?? null,
  };
}
