/**
 * Source credential checks: a configured mount's own `User`/`Password`, or `Auth.SourcePassword`
 * (user `source`) for unlisted mounts; title updates also accept the admin password. Every
 * comparison is constant-time. Pure apart from the settings it is given; it never logs secrets.
 */
import { safeEqual, type BasicCredentials } from '@penguincast/icy';
import type { IngestConfig } from './config.js';

/** The user name sources send for unlisted mounts and SHOUTcast sources. */
export const DEFAULT_SOURCE_USER = 'source';

/**
 * Checks HTTP Basic credentials of a PUT or SOURCE request for `mount`. Returns the user name on
 * success. Without `Auth.SourcePassword` an unlisted mount is always refused.
 */
export function checkSourceCredentials(
  cfg: IngestConfig,
  mount: string,
  creds: BasicCredentials | undefined,
): string | undefined {
  if (creds === undefined) {
    return undefined;
  }
  const m = cfg.mounts.get(mount);
  const user = m?.user ?? DEFAULT_SOURCE_USER;
  const password = m?.password ?? cfg.sourcePassword;
  if (password === undefined) {
    return undefined;
  }
  // Both comparisons always run, so timing does not tell a wrong user from a wrong password.
  const userOk = safeEqual(creds.user, user);
  const passOk = safeEqual(creds.password, password);
  return userOk && passOk ? creds.user : undefined;
}

/** Checks a bare password (SHOUTcast v1 sources have no user name) for `mount`. */
export function checkSourcePassword(cfg: IngestConfig, mount: string, password: string): boolean {
  const expected = cfg.mounts.get(mount)?.password ?? cfg.sourcePassword;
  return expected !== undefined && safeEqual(password, expected);
}

/**
 * The mount a SHOUTcast source without a `/mount:` prefix feeds: the first configured mount
 * whose password matches, so several SHOUTcast encoders can share one server, or else the
 * default SHOUTcast mount (whose check will then fail or pass on its own password).
 */
export function shoutcastMountForPassword(cfg: IngestConfig, password: string): string {
  let found: string | undefined;
  for (const m of cfg.mounts.values()) {
    // Every mount is compared, so the time taken does not reveal which one matched.
    if (safeEqual(password, m.password) && found === undefined) {
      found = m.name;
    }
  }
  return found ?? cfg.shoutcastMount;
}

/**
 * Checks the password of a SHOUTcast `admin.cgi` title update: the mount's source password, or
 * the admin password (with or without an `admin:` user prefix, as some tools send).
 */
export function checkTitleUpdatePassword(
  cfg: IngestConfig,
  mount: string,
  password: string,
  user?: string,
): boolean {
  const sourceOk = checkSourcePassword(cfg, mount, password);
  const adminOk =
    safeEqual(password, cfg.adminPassword) &&
    (user === undefined || safeEqual(user, cfg.adminUser));
  return sourceOk || adminOk;
}
