/**
 * Playlist files per mount (`/live.mp3.m3u`, `.pls`, `.xspf`) pointing at `http://host:port/mount`.
 * Like Icecast, the host is the one the client asked for (so a playlist fetched through a public
 * name points at that name), accepted only when it is a plain host[:port]. Pure: builds strings.
 */
import type { StationInfo } from './config.js';
import { escapeXml, oneLine } from './escape.js';
import { listenUrl, type MountView } from './mount-view.js';

/** The playlist kinds, by file extension. */
export const PLAYLIST_KINDS = ['m3u', 'pls', 'xspf'] as const;
/** One playlist kind. */
export type PlaylistKind = (typeof PLAYLIST_KINDS)[number];

/** Content types Icecast and players use. */
export const PLAYLIST_TYPES: Readonly<Record<PlaylistKind, string>> = {
  m3u: 'audio/x-mpegurl',
  pls: 'audio/x-scpls',
  xspf: 'application/xspf+xml; charset=UTF-8',
};

const HOST_RE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** The base URL a playlist points at: the request's Host when it is sane, else the config's. */
export function playlistBase(hostHeader: string | undefined, station: StationInfo): string {
  const host = hostHeader?.trim();
  if (host !== undefined && host.length <= 260) {
    const m = HOST_RE.exec(host);
    if (m !== null && (m[1] === undefined || Number(m[1]) <= 65535)) {
      return `http://${host}`;
    }
  }
  return listenUrl(station.host, station.port, '');
}

/** Splits `/live.mp3.m3u` into the mount and the kind, or undefined when it is not a playlist. */
export function parsePlaylistPath(path: string): { mount: string; kind: PlaylistKind } | undefined {
  const m = /^(\/.+)\.(m3u|pls|xspf)$/.exec(path);
  if (m === null) {
    return undefined;
  }
  return { mount: m[1] as string, kind: m[2] as PlaylistKind };
}

/** What a playlist says about the stream (the mount may be configured but off air). */
export interface PlaylistEntry {
  mount: string;
  view: MountView | undefined;
}

/** Builds the playlist file. */
export function playlist(kind: PlaylistKind, base: string, entry: PlaylistEntry): string {
  const url = `${base}${entry.mount}`;
  const v = entry.view;
  const name = oneLine(v?.streamName ?? entry.mount);
  switch (kind) {
    case 'm3u':
      return `${url}\r\n`;
    case 'pls':
      return `[playlist]\r\nNumberOfEntries=1\r\nFile1=${url}\r\nTitle1=${name}\r\nLength1=-1\r\nVersion=2\r\n`;
    case 'xspf': {
      const annotation = v
        ? [
            `Stream Title: ${v.streamName ?? ''}`,
            `Stream Description: ${v.description ?? ''}`,
            `Content Type:${v.contentType}`,
            `Current Listeners: ${v.listeners}`,
            `Peak Listeners: ${v.peak}`,
            `Stream Genre: ${v.genre ?? ''}`,
          ].join('\n')
        : '';
      const title = v?.title ? `<title>${escapeXml(v.title)}</title>` : '<title/>';
      return `<?xml version="1.0" encoding="UTF-8"?>
<playlist xmlns="http://xspf.org/ns/0/" version="1">
  <title>${escapeXml(name)}</title>
  <creator/>
  <trackList>
    <track>
      <location>${escapeXml(url)}</location>
      ${title}
      <annotation>${escapeXml(annotation)}</annotation>
    </track>
  </trackList>
</playlist>
`;
    }
  }
}
