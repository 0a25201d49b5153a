/**
 * The one version source of every service: PenguinCast's version, read once from the
 * repository's root `package.json`, and the Icecast release PenguinCast answers like. The root
 * manifest sits three folders up from both `src/` (run by tsx) and `dist/` (built, and in the
 * container image, whose build copies it to `/app/package.json`).
 */
import { createRequire } from 'node:module';

const rootManifest = createRequire(import.meta.url)('../../../package.json') as {
  version?: unknown;
};

if (typeof rootManifest.version !== 'string' || rootManifest.version === '') {
  throw new TypeError('the root package.json has no version');
}

/** PenguinCast's version, e.g. `0.1.0`, from the root `package.json`. */
export const PENGUINCAST_VERSION: string = rootManifest.version;

/** The Icecast release whose behaviour PenguinCast reproduces, as the `Server` strings name it. */
export const ICECAST_COMPATIBLE = 'Icecast 2.4.4 compatible';
