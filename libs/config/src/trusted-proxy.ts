/**
 * The syntax of one `TrustedProxies` entry: an IPv4 or IPv6 address, or a CIDR range such as
 * `10.0.0.0/8` or `fd00::/8`. The schema validates with it and `@penguincast/runtime` builds its
 * matcher from it, so both read an entry the same way. Pure: no I/O.
 */
import { isIP } from 'node:net';

/** One parsed `TrustedProxies` entry. */
export interface TrustedProxyEntry {
  /** The address, or the network address of a range; IPv4-mapped IPv6 is written as IPv4. */
  address: string;
  family: 'ipv4' | 'ipv6';
  /** Prefix length of a range; undefined for a single address. */
  prefix?: number;
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, brackets and case removed, so entries match peers as seen. */
function plainAddress(raw: string): string {
  const trimmed = raw.trim().replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(trimmed);
  return mapped ? (mapped[1] as string) : trimmed.toLowerCase();
}

/**
 * Parses an entry, or returns a message saying what is wrong with it (for the config error).
 * A range's host bits may be set (`10.1.2.3/8` means `10.0.0.0/8`), as in most proxy configs.
 */
export function parseTrustedProxy(entry: string): TrustedProxyEntry | string {
  const slash = entry.indexOf('/');
  const address = plainAddress(slash === -1 ? entry : entry.slice(0, slash));
  const version = isIP(address);
  if (version === 0) {
    return `${JSON.stringify(entry)} is not an IP address or CIDR range (e.g. 10.0.0.1, 10.0.0.0/8, fd00::/8)`;
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (slash === -1) {
    return { address, family };
  }
  const bits = entry.slice(slash + 1).trim();
  const max = version === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) {
    return `${JSON.stringify(entry)} has a bad prefix length; use /0 to /${max} for IPv${version}`;
  }
  return { address, family, prefix: Number(bits) };
}
