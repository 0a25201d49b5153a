/**
 * The real client address of a connection on ingest's own port: edges proxy raw TCP to ingest
 * and add `X-Forwarded-For`, which is believed only from loopback or a configured trusted proxy.
 * Pure: no I/O.
 */
import type { HeaderMap } from '@penguincast/icy';
import { isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix, so `::ffff:10.0.0.1` and `10.0.0.1` compare equal. */
export function normaliseAddress(address: string): string {
  const lower = address.trim().toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  const a = normaliseAddress(address);
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/**
 * Returns the client address: the last `X-Forwarded-For` entry when the peer is loopback or a
 * trusted proxy and the entry is a valid IP, otherwise the peer itself. The last entry is the
 * one the nearest proxy (the edge) added; earlier ones are whatever the client claimed.
 */
export function clientAddress(
  peer: string,
  headers: HeaderMap,
  trustedProxies: readonly string[],
): string {
  const self = normaliseAddress(peer);
  const trusted = isLoopback(self) || trustedProxies.some((p) => normaliseAddress(p) === self);
  if (!trusted) {
    return self;
  }
  const entries = headers
    .getAll('x-forwarded-for')
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const last = entries[entries.length - 1];
  return last !== undefined && isIP(normaliseAddress(last)) !== 0 ? normaliseAddress(last) : self;
}
