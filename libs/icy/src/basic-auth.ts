/**
 * HTTP Basic credentials: decoding and building `Authorization: Basic ...` values, and a
 * constant-time string comparison for checking passwords. Pure: no I/O, no logging.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hasControlChar } from './headers.js';

/** Credentials carried by an `Authorization: Basic` header. */
export interface BasicCredentials {
  /** The user-id: everything before the first colon (may be empty). */
  user: string;
  /** The password: everything after the first colon, colons included. */
  password: string;
}

const BASIC_RE = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes an `Authorization` header value of the Basic scheme. Returns undefined for another
 * scheme, invalid base64, a missing colon or control characters. The credentials are read as
 * UTF-8 (RFC 7617) and, when that fails, as Latin-1, which is what old encoders send.
 */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = BASIC_RE.exec(header);
  if (match === null) {
    return undefined;
  }
  const b64 = match[1]!;
  const unpadded = b64.replace(/=+$/, '');
  // Padding may be omitted, but a lone sixth-bit remainder (length % 4 == 1) cannot be base64.
  if (unpadded.length % 4 === 1 || (b64 !== unpadded && b64.length % 4 !== 0)) {
    return undefined;
  }
  const bytes = Buffer.from(unpadded, 'base64');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = bytes.toString('latin1');
  }
  const colon = text.indexOf(':');
  if (colon === -1 || hasControlChar(text)) {
    return undefined;
  }
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Builds an `Authorization` header value, `Basic base64(user:password)` in UTF-8.
 * Throws `TypeError` when `user` contains a colon, which Basic cannot carry.
 */
export function basicAuthHeader(user: string, password: string): string {
  if (user.includes(':')) {
    throw new TypeError('a Basic user-id cannot contain ":"');
  }
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * Compares two strings in time that does not depend on where they differ or on their lengths,
 * so a wrong password leaks nothing through timing. Both sides are hashed with SHA-256 first,
 * which gives `timingSafeEqual` equal-length inputs; the final length check cannot leak content.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
