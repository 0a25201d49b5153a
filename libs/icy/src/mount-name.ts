/**
 * Mount-name rules: normalising `live` to `/live`, rejecting names that could escape a path,
 * break a URL or confuse a log line, and the names reserved for the server's own pages. Pure:
 * no I/O.
 */
import { InvalidMountNameError } from './errors.js';

/** Longest mount name allowed, in characters, leading `/` included. */
export const MAX_MOUNT_NAME_LENGTH = 255;

const ALLOWED_RE = /^[A-Za-z0-9\-_.~/]*$/;

/**
 * Explains why an already-normalised mount name is invalid, or returns undefined when it is
 * valid: it starts with `/`, has 2..255 characters, only letters, digits and `-_.~/`, no empty,
 * `.` or `..` segment, and does not end with `/`.
 */
export function mountNameProblem(name: string): string | undefined {
  if (!name.startsWith('/')) {
    return 'must start with "/"';
  }
  if (name.length > MAX_MOUNT_NAME_LENGTH) {
    return `is longer than ${MAX_MOUNT_NAME_LENGTH} characters`;
  }
  if (!ALLOWED_RE.test(name)) {
    const bad = [...name].find((c) => !ALLOWED_RE.test(c))!;
    return `contains ${JSON.stringify(bad)}; use letters, digits, "-", "_", ".", "~" and "/"`;
  }
  if (name === '/') {
    return 'needs a name after "/"';
  }
  if (name.endsWith('/')) {
    return 'must not end with "/"';
  }
  for (const segment of name.slice(1).split('/')) {
    if (segment === '') {
      return 'contains an empty segment ("//")';
    }
    if (segment === '.' || segment === '..') {
      return `contains a "${segment}" segment`;
    }
  }
  return undefined;
}

/** Says whether `name` is a valid mount name as it stands (no leading `/` is added). */
export function isValidMountName(name: string): boolean {
  return mountNameProblem(name) === undefined;
}

/**
 * Returns `name` with a leading `/` added when missing, after checking it against the rules.
 * Throws `InvalidMountNameError` (400) with a message that says what to fix.
 */
export function normaliseMountName(name: string): string {
  const normalised = name.startsWith('/') ? name : `/${name}`;
  const problem = mountNameProblem(normalised);
  if (problem !== undefined) {
    // JSON.stringify escapes control characters, so the message is safe to log; cap its size.
    const shown = JSON.stringify(
      normalised.length > 64 ? `${normalised.slice(0, 64)}…` : normalised,
    );
    throw new InvalidMountNameError(`invalid mount name ${shown}: ${problem}`);
  }
  return normalised;
}

/**
 * Exact paths of the server's own pages and endpoints. A source must never own one: the edge
 * serves these before live mounts, so such a mount could not be heard, and before that rule a
 * source could replace `/status-json.xsl` or the admin API for every client. Admin's
 * `reserved-paths.test.ts` checks this list against its route table.
 */
export const RESERVED_PAGE_PATHS: ReadonlySet<string> = new Set([
  '/admin',
  '/admin.cgi',
  '/status-json.xsl',
  '/status.xsl',
  '/server_version.xsl',
  '/info.html',
  '/info.json',
  '/monitor.html',
  '/monitor',
  '/api',
  '/player',
  '/player.html',
  '/player-assets',
  '/healthz',
  '/readyz',
  '/metrics',
  '/favicon.ico',
  '/robots.txt',
]);

/** Folders whose every path belongs to the server (admin API, live monitor, JSON API, player). */
export const RESERVED_PAGE_PREFIXES: readonly string[] = Object.freeze([
  '/admin/',
  '/monitor/',
  '/api/',
  '/player/',
  '/player-assets/',
]);

/** Suffixes of the per-mount playlist files the admin service answers (`/live.mp3.m3u`). */
export const RESERVED_PAGE_SUFFIXES: readonly string[] = Object.freeze(['.m3u', '.pls', '.xspf']);

/**
 * True when `name` (a normalised mount name or a request path) belongs to the server's pages:
 * the admin API, status and info pages, the monitor, the JSON API, the player, health and
 * metrics endpoints, and playlist files. Compared without case, as the admin's router does.
 */
export function isReservedMountName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    RESERVED_PAGE_PATHS.has(lower) ||
    RESERVED_PAGE_PREFIXES.some((p) => lower.startsWith(p)) ||
    RESERVED_PAGE_SUFFIXES.some((s) => lower.endsWith(s))
  );
}
