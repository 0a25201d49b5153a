/**
 * Which peers are trusted proxies: the `TrustedProxies` addresses and CIDR ranges (IPv4 and
 * IPv6) and, where a service wants it, loopback. Edge, ingest and admin all ask this one matcher
 * before believing `X-Forwarded-For` or a PROXY protocol line. It only matches addresses; it
 * never reads a header itself.
 */
import { BlockList, isIP } from 'node:net';
import { parseTrustedProxy } from '@penguincast/config';
import { normalisePeerAddress } from '@penguincast/icy';

/** True for 127.0.0.0/8 and ::1 (mapped IPv4 included). */
export function isLoopbackAddress(address: string | undefined): boolean {
  const a = normalisePeerAddress(address);
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/** Options of {@link TrustedProxies}. */
export interface TrustedProxiesOptions {
  /** Also trust loopback peers (ingest and admin, which only an edge on the host reaches). */
  loopback?: boolean;
}

/** A matcher of trusted proxy addresses. */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly #loopback: boolean;
  #empty = true;

  /**
   * Builds the matcher from `TrustedProxies` entries. Entries the config schema would refuse
   * throw a `TypeError` here too, so a bad entry never silently trusts nobody (or everybody).
   */
  constructor(entries: readonly string[], opts: TrustedProxiesOptions = {}) {
    this.#loopback = opts.loopback ?? false;
    for (const entry of entries) {
      const parsed = parseTrustedProxy(entry);
      if (typeof parsed === 'string') {
        throw new TypeError(`TrustedProxies: ${parsed}`);
      }
      if (parsed.prefix === undefined) {
        this.#list.addAddress(parsed.address, parsed.family);
      } else {
        this.#list.addSubnet(parsed.address, parsed.prefix, parsed.family);
      }
      this.#empty = false;
    }
  }

  /** True when `address` (a socket peer, in any usual spelling) is a trusted proxy. */
  has(address: string | undefined): boolean {
    const a = normalisePeerAddress(address);
    const version = isIP(a);
    if (version === 0) {
      return false;
    }
    if (this.#loopback && isLoopbackAddress(a)) {
      return true;
    }
    return !this.#empty && this.#list.check(a, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** `trusted` as a matcher: a list is turned into one (tests and one-off calls pass lists). */
export function trustedProxies(
  trusted: TrustedProxies | readonly string[],
  opts: TrustedProxiesOptions = {},
): TrustedProxies {
  return trusted instanceof TrustedProxies ? trusted : new TrustedProxies(trusted, opts);
}
