/**
 * Builds Icecast's access.log line from a disconnect `ConnectionEvent`: Common Log Format plus
 * referer, user agent and seconds connected. Pure: every client-controlled field is escaped so
 * no line can be forged, and query strings (which may carry passwords) never reach the file.
 */
import type { ConnectionEvent } from '@penguincast/bus';
import { escapeLogField } from '@penguincast/runtime';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The request line with the query string and fragment removed from its URI, and any
 * `user:password@` of an absolute URI dropped: `GET /live.mp3?pass=x HTTP/1.1` becomes
 * `GET /live.mp3 HTTP/1.1`. The method and protocol are kept as sent (and escaped later).
 */
export function requestWithoutQuery(request: string): string {
  const parts = request.split(' ');
  let head = '';
  let tail = '';
  let uri = request;
  if (parts.length >= 3) {
    head = `${parts[0] as string} `;
    tail = ` ${parts[parts.length - 1] as string}`;
    uri = parts.slice(1, -1).join(' ');
  } else if (parts.length === 2) {
    head = `${parts[0] as string} `;
    uri = parts[1] as string;
  }
  uri = uri.replace(/[?#][\s\S]*$/, '').replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1');
  return `${head}${uri}${tail}`;
}

/** A time as Common Log Format writes it, in UTC: `21/Nov/2026:05:30:28 +0000`. */
export function clfDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] as string}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/**
 * One access.log line, Icecast's format:
 * `ip - user [time] "request" status bytes "referer" "user agent" seconds`. The time is when the
 * connection ended (the event's timestamp), as Icecast logs the moment it writes the line at
 * disconnect; `seconds` is truncated to whole seconds as Icecast's `(int)stayed` is.
 */
export function formatAccessLine(evt: ConnectionEvent): string {
  const ip = escapeLogField(evt.ip, true);
  const user = escapeLogField(evt.user ?? '', true);
  const request = escapeLogField(requestWithoutQuery(evt.request));
  const referer = escapeLogField(evt.referer ?? '');
  const agent = escapeLogField(evt.userAgent ?? '');
  const seconds = Math.max(0, Math.floor(evt.seconds));
  return (
    `${ip} - ${user} [${clfDate(evt.timestampMs)}] "${request}" ${evt.status} ${evt.bytes} ` +
    `"${referer}" "${agent}" ${seconds}`
  );
}
