/**
 * Icecast's two date formats (`Sat, 21 Nov 2026 05:28:49 +0000` and `2026-11-21T05:28:49+0000`),
 * always in UTC so every admin replica prints the same text. Pure: takes milliseconds, reads no
 * clock.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** RFC 822 style as Icecast writes `server_start` and `stream_start`. */
export function icecastDate(ms: number): string {
  const d = new Date(ms);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000`;
}

/** ISO 8601 without milliseconds and with a `+0000` offset, as Icecast writes `*_iso8601`. */
export function icecastIso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+0000`;
}

/** Plain ISO 8601 with `Z`, for the typed JSON API. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

/** Whole seconds between two instants, never negative. */
export function secondsBetween(fromMs: number, toMs: number): number {
  return Math.max(0, Math.floor((toMs - fromMs) / 1000));
}

/** A duration as `1d 02:03:04` or `02:03:04`, for pages. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const hms = `${two(Math.floor((s % 86400) / 3600))}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  return days > 0 ? `${days}d ${hms}` : hms;
}
