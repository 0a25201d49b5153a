/**
 * Static files from `Paths.Web` only, when that folder exists. A path that tries to leave it,
 * plainly or percent-encoded (`/../`, `/%2e%2e/`, `..%2f`, backslashes, NUL), is refused before
 * the file system is touched, and symbolic links that point outside are refused after.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { BadRequestError, ForbiddenError } from './errors.js';

/** Largest file served; the web folder holds pages and images, not media libraries. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'text/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

/** A file to send. */
export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * Checks a raw request path and returns its decoded segments. Throws `ForbiddenError` for
 * anything that could climb out of the folder and `BadRequestError` for broken encoding.
 */
export function safeSegments(rawPath: string): string[] {
  // Encoded separators and dots-with-encoding are refused outright: no legitimate page needs them.
  if (/\\|\0|%00|%2f|%5c/i.test(rawPath)) {
    throw new ForbiddenError();
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch (err) {
    throw new BadRequestError('Bad Request', { cause: err });
  }
  if (!decoded.startsWith('/') || /[\\\0]/.test(decoded)) {
    throw new ForbiddenError();
  }
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) {
    throw new ForbiddenError();
  }
  return segments;
}

/** The web folder. */
export class StaticFiles {
  readonly #root: string;
  #realRoot: Promise<string | undefined> | undefined;

  /** `webDir` is resolved against the working directory, as the config's other paths are. */
  constructor(webDir: string) {
    this.#root = resolve(webDir);
  }

  /** The file for a raw request path, or undefined when there is none (or no web folder). */
  async get(rawPath: string): Promise<StaticFile | undefined> {
    const segments = safeSegments(rawPath);
    const root = await this.#rootReal();
    if (root === undefined) {
      return undefined;
    }
    // Dot files (.htaccess, .git) are never served.
    if (segments.some((s) => s.startsWith('.'))) {
      return undefined;
    }
    const last = segments[segments.length - 1];
    const names =
      last === '' || last === undefined ? [...segments.slice(0, -1), 'index.html'] : segments;
    const target = join(root, ...names);
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      return undefined;
    }
    if (real !== root && !real.startsWith(root + sep)) {
      throw new ForbiddenError();
    }
    const info = await stat(real).catch(() => undefined);
    if (info === undefined || !info.isFile() || info.size > MAX_FILE_BYTES) {
      return undefined;
    }
    const type = TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
    return { body: await readFile(real), type };
  }

  /** The folder's real path; a missing folder is looked for again next time. */
  async #rootReal(): Promise<string | undefined> {
    this.#realRoot ??= realpath(this.#root).then(
      async (real) => ((await stat(real)).isDirectory() ? real : undefined),
      () => undefined,
    );
    const root = await this.#realRoot;
    if (root === undefined) {
      this.#realRoot = undefined;
    }
    return root;
  }
}
