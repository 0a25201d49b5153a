/**
 * The real client address of a connection on ingest's own ports: edges proxy raw TCP to ingest
 * and add `X-Forwarded-For` (a PROXY protocol line for SHOUTcast v1), which is believed only from
 * loopback or a trusted proxy (an address or CIDR range of `TrustedProxies`, matched by the
 * runtime's shared matcher). Pure: no I/O.
 */
import { normalisePeerAddress, type HeaderMap, type ProxyV1Header } from '@penguincast/icy';
import { isLoopbackAddress, trustedProxies, type TrustedProxies } from '@penguincast/runtime';
import { isIP } from 'node:net';

/** Strips the IPv4-mapped IPv6 prefix, so `::ffff:10.0.0.1` and `10.0.0.1` compare equal. */
export function normaliseAddress(address: string): string {
  return normalisePeerAddress(address);
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return isLoopbackAddress(address);
}

/**
 * Returns the client address: the last `X-Forwarded-For` entry when the peer is loopback or a
 * trusted proxy and the entry is a valid IP, otherwise the peer itself. The last entry is the
 * one the nearest proxy (the edge) added; earlier ones are whatever the client claimed.
 */
export function clientAddress(
  peer: string,
  headers: HeaderMap,
  trusted: TrustedProxies | readonly string[],
): string {
  const self = normaliseAddress(peer);
  if (!trustedProxies(trusted, { loopback: true }).has(self)) {
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

/**
 * The address of a SHOUTcast v1 source: the one a PROXY line names when a trusted peer sent it,
 * else the peer itself (`ignored` tells that a line was there but not believed).
 */
export function proxiedAddress(
  peer: string,
  header: ProxyV1Header | undefined,
  trusted: TrustedProxies | readonly string[],
): { ip: string; ignored: boolean } {
  const self = normaliseAddress(peer);
  if (header === undefined) {
    return { ip: self, ignored: false };
  }
  if (!trustedProxies(trusted, { loopback: true }).has(self)) {
    return { ip: self, ignored: true };
  }
  return { ip: header.sourceAddress ?? self, ignored: false };
}
