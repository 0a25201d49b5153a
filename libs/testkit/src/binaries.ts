/**
 * Finds the Debian binaries the test kit runs (nats-server, redis-server, ffmpeg, mp3check) and
 * fails with the command that installs a missing one.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Finds `name` on PATH or in the sbin folders, or throws with the command that installs it. */
export function requireBinary(name: string, hint: string): string {
  const dirs = [
    ...(process.env['PATH'] ?? '').split(delimiter),
    '/usr/sbin',
    '/usr/local/sbin',
    '/usr/local/bin',
    '/usr/bin',
    '/sbin',
  ];
  for (const dir of dirs) {
    if (!dir) {
      continue;
    }
    const p = join(dir, name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // Not in this folder; keep looking.
    }
  }
  throw new Error(`${name} is not installed or not on PATH; install it with: ${hint}`);
}
