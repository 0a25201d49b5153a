/**
 * Reads a `config.json` from disk and hands it to `parseStationConfig`. The only file I/O of the
 * config package; callers are composition roots (`main.ts`).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';
import { parseStationConfig } from './parse.js';
import type { StationConfig } from './schema.js';

/**
 * Loads and validates the config file at `path`, with `env` overrides applied.
 * Throws `ConfigError` for a missing file, invalid JSON or invalid values.
 */
export function loadStationConfig(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
): StationConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'ENOENT'
        ? 'the file does not exist; copy config.json from the repository root or pass --config PATH'
        : `cannot read it (${code ?? String(err)})`;
    throw new ConfigError([{ path: '', message: hint }], path, { cause: err });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ConfigError(
      [{ path: '', message: `not valid JSON: ${(err as Error).message}` }],
      path,
      { cause: err },
    );
  }
  return parseStationConfig(doc, env, path);
}
