/**
 * Who may call what: HTTP Basic checks against the admin credentials and, for a mount's metadata
 * only, that mount's source credentials; a throttle that slows repeated failures from one
 * address; and the client address behind a trusted proxy. Comparisons are constant-time and
 * nothing here logs a secret.
 */
import { isIP } from 'node:net';
import { normalisePeerAddress, parseBasicAuth, safeEqual } from '@penguincast/icy';
import { isLoopbackAddress, trustedProxies, type TrustedProxies } from '@penguincast/runtime';
import type { AdminConfig } from './config.js';

/** Who may call a route: anyone, the admin, or the admin and the named mount's source. */
export type AuthScope = 'public' | 'admin' | 'mount';

/** The user name sources send for unlisted mounts. */
export const DEFAULT_SOURCE_USER = 'source';

/** The outcome of checking a request's credentials. */
export type AuthResult =
  { ok: true; role: 'admin' | 'source'; user: string } | { ok: false; supplied: boolean };

/**
 * Checks an `Authorization` header for `scope`. With scope `mount`, the source credentials of
 * `mount` (its configured `User`/`Password`, or `source` and `Auth.SourcePassword` for an
 * unlisted mount) are accepted besides the admin's.
 */
export function checkCredentials(
  cfg: AdminConfig,
  header: string | undefined,
  scope: AuthScope,
  mount: string | undefined,
): AuthResult {
  const creds = parseBasicAuth(header);
  if (creds === undefined) {
    return { ok: false, supplied: header !== undefined };
  }
  // Both halves are always compared, so timing does not tell a wrong user from a wrong password.
  const adminUser = safeEqual(creds.user, cfg.adminUser);
  const adminPass = safeEqual(creds.password, cfg.adminPassword);
  if (adminUser && adminPass) {
    return { ok: true, role: 'admin', user: creds.user };
  }
  if (scope === 'mount' && mount !== undefined) {
    const m = cfg.mounts.get(mount);
    const password = m?.password ?? cfg.sourcePassword;
    if (password !== undefined) {
      const userOk = safeEqual(creds.user, m?.user ?? DEFAULT_SOURCE_USER);
      const passOk = safeEqual(creds.password, password);
      if (userOk && passOk) {
        return { ok: true, role: 'source', user: creds.user };
      }
    }
  }
  return { ok: false, supplied: true };
}

/** Strips the IPv4-mapped IPv6 prefix, so `::ffff:10.0.0.1` and `10.0.0.1` compare equal. */
export function normaliseAddress(address: string | undefined): string {
  return normalisePeerAddress(address);
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return isLoopbackAddress(address);
}

/**
 * The client's address: the last `X-Forwarded-For` entry when the peer is loopback or a trusted
 * proxy (an address or CIDR range of `TrustedProxies`; the edge adds exactly one entry),
 * otherwise the peer itself. Earlier entries are whatever the client claimed and are never
 * believed.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies | readonly string[],
): string {
  const self = normaliseAddress(peer);
  if (!trustedProxies(trusted, { loopback: true }).has(self) || forwardedFor === undefined) {
    return self;
  }
  const entries = forwardedFor
    .split(',')
    .map((v) => normaliseAddress(v))
    .filter((v) => v !== '');
  const last = entries[entries.length - 1];
  return last !== undefined && isIP(last) !== 0 ? last : self;
}
