/**
 * The public station pages: `/info.html` (station and every public mount), `/status.xsl`
 * (Icecast's status page, same cards) and the `/info.json` document. Every value that a source
 * controls is escaped, and only http/https URLs become links. Pure: builds strings.
 */
import type { ApiMount, ApiStation } from './api-model.js';
import { escapeHtml, htmlLink, safeJson } from './escape.js';
import { page } from './page-layout.js';
import { formatDuration } from './time-format.js';

function row(label: string, valueHtml: string): string {
  return `<tr><th>${escapeHtml(label)}</th><td>${valueHtml}</td></tr>`;
}

function text(value: string | null | undefined): string {
  return value === null || value === undefined || value === ''
    ? '<span class="muted">–</span>'
    : escapeHtml(value);
}

/** One mount's card, with the labels Icecast's status page uses. */
export function mountCard(pm: PageMount): string {
  const m = pm.api;
  const enc = encodeURI(m.mount);
  const title = m.name === null ? '' : ` <span class="muted">${escapeHtml(m.name)}</span>`;
  return `<section class="card mount" data-mount="${escapeHtml(m.mount)}">
<h2>Mount point ${escapeHtml(m.mount)}${title}</h2>
<table class="kv">
${row('Stream Name', text(m.name))}
${row('Stream Description', text(m.description))}
${row('Content Type', text(m.contentType))}
${row('Stream started', `${escapeHtml(m.streamStart)} <span class="muted">(up ${escapeHtml(formatDuration(m.uptimeSeconds))})</span>`)}
${row('Bitrate', m.bitrateKbps === null ? text(null) : `${m.bitrateKbps} kbit/s`)}
${row('Listeners (current)', `<span class="listeners">${m.listeners}</span>`)}
${row('Listeners (peak)', String(m.listenerPeak))}
${row('Genre', text(m.genre))}
${row('Stream URL', pm.sourceUrl === undefined ? text(null) : htmlLink(pm.sourceUrl))}
${row('Currently playing', `<span class="now-playing">${text(m.nowPlaying)}</span>`)}
${row('Latest title', `<span class="latest-title">${text(m.latestTitle)}</span>`)}
${row('Listen URL', htmlLink(m.listenUrl))}
</table>
<p class="links"><a href="${escapeHtml(enc)}.m3u">M3U</a><a href="${escapeHtml(enc)}.pls">PLS</a><a href="${escapeHtml(enc)}.xspf">XSPF</a><a href="/player${escapeHtml(enc)}">Play in browser</a></p>
</section>`;
}

/** A mount as pages show it: the API model plus the source's URL as sent (shown as text). */
export interface PageMount {
  api: ApiMount;
  /** `ice-url` as the source sent it; a link only when it is http or https. */
  sourceUrl: string | undefined;
}

function noMounts(): string {
  return '<section class="card"><p class="muted">No mount is on air right now.</p></section>';
}

/** `/info.html`: the station, then every public live mount. */
export function infoPage(station: ApiStation, mounts: readonly PageMount[], nonce: string): string {
  const body = `<h1>${escapeHtml(station.name)}</h1>
<div class="grid">
<div class="stat"><div class="label">Listeners</div><div class="value" id="listeners">${station.listeners}</div></div>
<div class="stat"><div class="label">Peak</div><div class="value">${station.listenerPeak}</div></div>
<div class="stat"><div class="label">Mounts on air</div><div class="value">${station.sources}</div></div>
<div class="stat"><div class="label">Uptime</div><div class="value">${escapeHtml(formatDuration(station.uptimeSeconds))}</div></div>
</div>
<section class="card"><table class="kv">
${row('Station', escapeHtml(station.name))}
${row('Admin', escapeHtml(station.admin))}
${row('Location', escapeHtml(station.location))}
${row('Server started', escapeHtml(station.serverStart))}
${row('Server', escapeHtml(station.serverId))}
</table></section>
${mounts.length === 0 ? noMounts() : mounts.map(mountCard).join('\n')}`;
  return page({ title: `${station.name} – info`, nonce, station: station.name, body });
}

/** `/status.xsl`: Icecast's status page, one card per public live mount. */
export function statusPage(
  station: ApiStation,
  mounts: readonly PageMount[],
  nonce: string,
): string {
  const body = `<h1>Icecast-compatible status</h1>
${mounts.length === 0 ? noMounts() : mounts.map(mountCard).join('\n')}`;
  return page({ title: `${station.name} – status`, nonce, station: station.name, body });
}

/** `/info.json`: the same content as `/info.html`, always valid JSON. */
export function infoJson(station: ApiStation, mounts: readonly PageMount[]): string {
  return safeJson({ station, mounts: mounts.map((m) => m.api) });
}
