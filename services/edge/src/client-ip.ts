/**
 * Works out a client's IP address: the socket's peer, or the `X-Forwarded-For` chain when the
 * peer is a trusted proxy (an address or CIDR range of `TrustedProxies`, matched by the runtime's
 * shared matcher). Pure: no sockets, no logging.
 */
import { isIP } from 'node:net';
import { normalisePeerAddress } from '@penguincast/icy';
import { trustedProxies, type TrustedProxies } from '@penguincast/runtime';

/** Turns an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) into plain IPv4; `''` for undefined. */
export function normaliseIp(address: string | undefined): string {
  return normalisePeerAddress(address);
}

/**
 * The client's address. When `peer` is a trusted proxy, the `X-Forwarded-For` values are read
 * right to left and the first address that is not itself a trusted proxy wins, since only the
 * entries our own proxies appended can be believed; anything unparsable stops the walk at the
 * peer.
 */
export function clientIp(
  peer: string | undefined,
  forwardedFor: readonly string[],
  trusted: TrustedProxies | readonly string[],
): string {
  const proxies = trustedProxies(trusted);
  let current = normaliseIp(peer);
  if (!proxies.has(current) || forwardedFor.length === 0) {
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
    if (!proxies.has(hop)) {
      return hop;
    }
  }
  return current;
}
