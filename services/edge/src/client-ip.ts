/**
 * Works out a client's IP address: the socket's peer, or the `X-Forwarded-For` chain when the
 * peer is a trusted proxy. Pure: no sockets, no logging.
 */
import { isIP } from 'node:net';

/** Turns an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) into plain IPv4; `''` for undefined. */
export function normaliseIp(address: string | undefined): string {
  if (address === undefined) {
    return '';
  }
  const trimmed = address.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? (mapped[1] as string) : trimmed.toLowerCase();
}

/**
 * The client's address. When `peer` is in `trusted`, the `X-Forwarded-For` values are read right
 * to left and the first address that is not itself a trusted proxy wins, since only the entries
 * our own proxies appended can be believed; anything unparsable stops the walk at the peer.
 */
export function clientIp(
  peer: string | undefined,
  forwardedFor: readonly string[],
  trusted: ReadonlySet<string>,
): string {
  let current = normaliseIp(peer);
  if (!trusted.has(current) || forwardedFor.length === 0) {
    return current;
  }
  const hops = forwardedFor
    .flatMap((v) => v.split(','))
    .map((v) => normaliseIp(v))
    .filter((v) => v !== '');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) {
      return current;
    }
    current = hop;
    if (!trusted.has(hop)) {
      return hop;
    }
  }
  return current;
}

/** Builds the lookup set of trusted proxies, normalised like peers are. */
export function trustedSet(proxies: readonly string[]): ReadonlySet<string> {
  return new Set(proxies.map((p) => normaliseIp(p)));
}
