/**
 * Icecast 2.4's XML documents byte for byte where tools parse them: `<iceresponse>` replies,
 * `/admin/stats`, `/admin/listclients` and `/admin/listmounts`. Every value is escaped and
 * stripped of characters XML cannot hold. Pure: builds strings, no I/O.
 */
import type { ClientInfo } from '@penguincast/bus';
import type { StationInfo } from './config.js';
import { SERVER_ID } from './config.js';
import { escapeXml } from './escape.js';
import { listenUrl, type MountView } from './mount-view.js';
import type { StationSnapshot } from './station-view.js';
import { icecastDate, icecastIso, secondsBetween } from './time-format.js';

/** The XML declaration libxml2 writes, with its newline. */
export const XML_HEAD = '<?xml version="1.0"?>\n';

/** The content type of every XML reply. */
export const XML_TYPE = 'text/xml; charset=utf-8';

/** Icecast's body for a successful metadata update. */
export const METADATA_SUCCESS_XML = iceResponse('Metadata update successful', true);

/** `<iceresponse><message>…</message><return>1|0</return></iceresponse>`. */
export function iceResponse(message: string, ok: boolean): string {
  return `${XML_HEAD}<iceresponse><message>${escapeXml(message)}</message><return>${ok ? 1 : 0}</return></iceresponse>`;
}

function el(name: string, value: string | number): string {
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** An element with children, or libxml2's self-closing form when it has none. */
function wrap(name: string, attrs: string, children: string): string {
  return children === '' ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}

/** Counters of connections since this admin instance started, from the event stream. */
export interface ConnectionCounters {
  /** Listener connections accepted. */
  listenerConnections: number;
  /** Source connections accepted. */
  sourceConnections: number;
}

/** What `/admin/stats` adds about the listeners of one mount (from the edges' lists). */
export interface MountListenerFacts {
  /** Bytes sent to the mount's current listeners. */
  bytesSent: number;
  /** Listeners currently further behind than the burst size. */
  slow: number;
}

/**
 * One `<source>` of `/admin/stats` with all of Icecast's children in its alphabetical order.
 * Icecast leaves out values it does not know; they are written empty here so readers that
 * expect every child find one.
 */
function statsSource(
  m: MountView,
  station: StationInfo,
  facts: MountListenerFacts | undefined,
): string {
  return `<source mount="${escapeXml(m.name)}">${[
    el('audio_info', m.audioInfo ?? ''),
    el('bitrate', m.bitrateKbps ?? ''),
    el('genre', m.genre ?? 'various'),
    el('listener_peak', m.peak),
    el('listeners', m.listeners),
    el('listenurl', listenUrl(station.host, station.port, m.name)),
    el('max_listeners', m.maxListeners ?? 'unlimited'),
    el('public', m.public ? 1 : 0),
    el('server_description', m.description ?? 'Unspecified description'),
    el('server_name', m.streamName ?? 'Unspecified name'),
    el('server_type', m.contentType),
    el('server_url', m.url ?? ''),
    el('slow_listeners', facts?.slow ?? 0),
    el('source_ip', m.sourceIp),
    el('stream_start', icecastDate(m.streamStartMs)),
    el('stream_start_iso8601', icecastIso(m.streamStartMs)),
    el('title', m.title),
    el('total_bytes_read', m.totalBytesRead),
    el('total_bytes_sent', facts?.bytesSent ?? 0),
    el('user_agent', m.userAgent),
  ].join('')}</source>`;
}

/**
 * `/admin/stats`: global values in alphabetical order, then one `<source>` per mount (hidden
 * ones included). Connection counters count since this admin instance started.
 */
export function statsXml(
  snap: StationSnapshot,
  station: StationInfo,
  counters: ConnectionCounters,
  facts: ReadonlyMap<string, MountListenerFacts>,
): string {
  const sources = snap.mounts.length;
  const clients = snap.listeners + sources;
  const global = [
    el('admin', station.admin),
    el('client_connections', counters.listenerConnections + counters.sourceConnections),
    el('clients', clients),
    el('connections', counters.listenerConnections + counters.sourceConnections),
    el('file_connections', 0),
    el('host', station.host),
    el('listener_connections', counters.listenerConnections),
    el('listeners', snap.listeners),
    el('location', station.location),
    el('server_id', SERVER_ID),
    el('server_start', icecastDate(snap.serverStartMs)),
    el('server_start_iso8601', icecastIso(snap.serverStartMs)),
    el('source_client_connections', counters.sourceConnections),
    el('source_relay_connections', 0),
    el('source_total_connections', counters.sourceConnections),
    el('sources', sources),
    el('stats', 0),
    el('stats_connections', 0),
  ].join('');
  const perMount = snap.mounts.map((m) => statsSource(m, station, facts.get(m.name))).join('');
  return `${XML_HEAD}<icestats>${global}${perMount}</icestats>`;
}

/**
 * `/admin/listclients`: Icecast's `<Listeners>` and, for AzuraCast and Icecast-KH readers, the
 * lower-case `<listeners>` too; each listener with IP, UserAgent, Connected and ID (and the
 * Referer when the listener sent one).
 */
export function listClientsXml(mount: string, clients: readonly ClientInfo[]): string {
  const listeners = clients
    .map((c) => {
      const referer = c.referer === undefined ? '' : el('Referer', c.referer);
      return `<listener>${el('IP', c.ip)}${el('UserAgent', c.userAgent ?? '')}${el('Connected', c.connectedSeconds)}${el('ID', c.id)}${referer}</listener>`;
    })
    .join('');
  const count = el('Listeners', clients.length) + el('listeners', clients.length);
  return `${XML_HEAD}<icestats><source mount="${escapeXml(mount)}">${count}${listeners}</source></icestats>`;
}

/** `/admin/listmounts`: fallback, listeners, seconds connected and content type per mount. */
export function listMountsXml(mounts: readonly MountView[], nowMs: number): string {
  const sources = mounts
    .map(
      (m) =>
        `<source mount="${escapeXml(m.name)}">${el('fallback', m.fallback ?? '')}${el('listeners', m.listeners)}` +
        `${el('Connected', secondsBetween(m.streamStartMs, nowMs))}${el('content-type', m.contentType)}</source>`,
    )
    .join('');
  return `${XML_HEAD}${wrap('icestats', '', sources)}`;
}
