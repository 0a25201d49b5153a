/**
 * Header rules shared by both bus adapters, so the in-memory bus refuses exactly what NATS
 * would mangle or refuse. Pure: no I/O.
 */
import type { BusHeaders } from '../ports.js';

/** NATS's default `max_payload` (1 MiB), which the in-memory bus enforces too. */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

const NAME_RE = /^[\x21-\x39\x3b-\x7e]+$/;
const CRLF_RE = /[\r\n]/;

/**
 * Throws `TypeError` unless every header name is printable ASCII without `:` and every value
 * is free of CR/LF and of leading or trailing whitespace (NATS would silently trim it).
 */
export function assertHeaders(headers: BusHeaders | undefined): void {
  if (headers === undefined) {
    return;
  }
  if (typeof headers !== 'object' || headers === null) {
    throw new TypeError('headers must be an object of strings');
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!NAME_RE.test(name)) {
      throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    }
    if (typeof value !== 'string' || CRLF_RE.test(value) || value.trim() !== value) {
      throw new TypeError(`invalid value for header ${name}: ${JSON.stringify(value)}`);
    }
  }
}

/** The size of the headers as NATS encodes them (`NATS/1.0\r\n`, `k: v\r\n`..., `\r\n`). */
export function encodedHeaderSize(headers: BusHeaders | undefined): number {
  if (!headers) {
    return 0;
  }
  const entries = Object.entries(headers);
  if (entries.length === 0) {
    return 0;
  }
  let size = 12;
  for (const [name, value] of entries) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value) + 4;
  }
  return size;
}

/** Looks a header up by exact name first, then case-insensitively. */
export function headerValue(headers: BusHeaders, name: string): string | undefined {
  const exact = headers[name];
  if (exact !== undefined) {
    return exact;
  }
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === lower) {
      return v;
    }
  }
  return undefined;
}
