/**
 * Mount-name rules: normalising `live` to `/live` and rejecting names that could escape a path,
 * break a URL or confuse a log line. Pure: no I/O.
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
