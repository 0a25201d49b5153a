/**
 * Icecast's `/status-json.xsl` shape, kept because players and dashboards depend on it (`source`
 * is an object for one visible mount, an array for several, absent for none, each ending in
 * `"dummy":null`) but without Icecast's bugs: the document is always valid JSON and titles and
 * names are always strings. Pure: builds a string from a snapshot.
 */
import { SERVER_ID, type StationInfo } from './config.js';
import { safeJson } from './escape.js';
import { listenUrl, type MountView } from './mount-view.js';
import type { StationSnapshot } from './station-view.js';
import { icecastDate, icecastIso } from './time-format.js';

/** The content type Icecast sends with status JSON. */
export const STATUS_JSON_TYPE = 'application/json; charset=UTF-8';

/** One `source` entry, keys in Icecast's order. Numbers only where Icecast's are numeric. */
function sourceEntry(m: MountView, station: StationInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (m.audioInfo !== undefined) {
    out['audio_info'] = m.audioInfo;
  }
  if (m.bitrateKbps !== undefined) {
    out['bitrate'] = m.bitrateKbps;
  }
  out['genre'] = m.genre ?? 'various';
  out['listener_peak'] = m.peak;
  out['listeners'] = m.listeners;
  out['listenurl'] = listenUrl(station.host, station.port, m.name);
  out['server_description'] = m.description ?? 'Unspecified description';
  out['server_name'] = m.streamName ?? 'Unspecified name';
  out['server_type'] = m.contentType;
  if (m.url !== undefined) {
    out['server_url'] = m.url;
  }
  out['stream_start'] = icecastDate(m.streamStartMs);
  out['stream_start_iso8601'] = icecastIso(m.streamStartMs);
  out['title'] = m.title;
  out['dummy'] = null;
  return out;
}

/** The public mounts of a snapshot: hidden ones are left out of every public document. */
export function visibleMounts(snap: StationSnapshot): MountView[] {
  return snap.mounts.filter((m) => !m.hidden);
}

/** Builds the `/status-json.xsl` document. */
export function statusJson(snap: StationSnapshot, station: StationInfo): string {
  const icestats: Record<string, unknown> = {
    admin: station.admin,
    host: station.host,
    location: station.location,
    server_id: SERVER_ID,
    server_start: icecastDate(snap.serverStartMs),
    server_start_iso8601: icecastIso(snap.serverStartMs),
  };
  const sources = visibleMounts(snap).map((m) => sourceEntry(m, station));
  if (sources.length === 1) {
    icestats['source'] = sources[0];
  } else if (sources.length > 1) {
    icestats['source'] = sources;
  } else {
    // Icecast's stylesheet closes the last object it writes with `"dummy":null`; with no
    // source that object is `icestats` itself.
    icestats['dummy'] = null;
  }
  return safeJson({ icestats });
}
