/**
 * Icecast's error.log as a pino destination: a Writable that receives pino's JSON lines, keeps
 * those at or below `Logging.Loglevel` (1 errors .. 4 debug) and writes them in Icecast's format,
 * `[2026-11-21  05:28:49] INFO edge/listener message`, through a rotating `LogFile`. It never
 * writes to stdout; the root logger keeps doing that.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { StationConfig } from '@penguincast/config';
import type { LogFileError } from '../errors.js';
import { escapeLogField } from './log-escape.js';
import { LogFile } from './log-file.js';

/** Icecast's level names (`log.c`), indexed by seed level 1..4. */
export const ICECAST_LEVEL_NAMES: Readonly<Record<1 | 2 | 3 | 4, string>> = {
  1: 'EROR',
  2: 'WARN',
  3: 'INFO',
  4: 'DBUG',
};

/** Longest line written; longer messages are cut (Icecast's own cap is 1024 bytes). */
export const MAX_ERROR_LINE = 8192;

/** Fields of a pino line that the format shows in their own place or leaves out. */
const OWN_FIELDS = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'service',
  'instance',
  'component',
  'msg',
  'err',
  'v',
]);

/** The seed level (1 error .. 4 debug) of a pino numeric level; fatal counts as error. */
export function seedLevelOf(pinoLevel: number): 1 | 2 | 3 | 4 {
  if (pinoLevel >= 50) {
    return 1;
  }
  if (pinoLevel >= 40) {
    return 2;
  }
  return pinoLevel >= 30 ? 3 : 4;
}

/** Icecast's error.log time stamp, in UTC, with its two spaces: `[2026-11-21  05:28:49]`. */
export function errorLogTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `[${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}  ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}]`
  );
}

function timeOf(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) {
    return v;
  }
  const parsed = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(parsed) ? parsed : Date.now();
}

function contextValue(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const escaped = escapeLogField(text ?? String(v));
  return /[\s=]/.test(text ?? '') ? `"${escaped}"` : escaped;
}

function errorText(err: unknown): string {
  if (typeof err !== 'object' || err === null) {
    return '';
  }
  const e = err as Record<string, unknown>;
  const type = typeof e['type'] === 'string' ? `${e['type']}: ` : '';
  const message = typeof e['message'] === 'string' ? e['message'] : '';
  const code = typeof e['code'] === 'string' ? ` (${e['code']})` : '';
  return `: ${escapeLogField(`${type}${message}${code}`)}`;
}

/**
 * One error.log line from a parsed pino record: time, level name, `service/component`, the
 * message, the error's type and message, and the record's other fields as `key=value`. Every
 * value is escaped, so a message holding CR/LF stays on one line.
 */
export function formatErrorLine(record: Record<string, unknown>): string {
  const level = seedLevelOf(typeof record['level'] === 'number' ? record['level'] : 30);
  const service = typeof record['service'] === 'string' ? record['service'] : 'main';
  const component = typeof record['component'] === 'string' ? record['component'] : service;
  const msg = typeof record['msg'] === 'string' ? escapeLogField(record['msg']) : '-';
  let context = '';
  for (const [key, value] of Object.entries(record)) {
    if (!OWN_FIELDS.has(key) && value !== undefined) {
      context += ` ${escapeLogField(key, true)}=${contextValue(value)}`;
    }
  }
  const line =
    `${errorLogTime(timeOf(record['time']))} ${ICECAST_LEVEL_NAMES[level]} ` +
    `${escapeLogField(service, true)}/${escapeLogField(component, true)} ` +
    `${msg}${errorText(record['err'])}${context}`;
  return line.length > MAX_ERROR_LINE ? `${line.slice(0, MAX_ERROR_LINE)}...` : line;
}

/** Options of `createErrorLogDestination`. */
export interface ErrorLogOptions {
  /** Path of the file, e.g. `log/error.log` (`Paths.Log` + `error.log`). */
  path: string;
  /** `Logging.Loglevel`: 1 errors, 2 warnings, 3 info, 4 debug. */
  loglevel: number;
  /** Rotate once the file reaches this many bytes (`Logging.Logsize` * 1024); 0 never. */
  maxBytes: number;
  /** Archives kept (`Logging.LogArchives`). */
  archives: number;
  /** Told when the file cannot be written (it must not log through the same logger). */
  onError?: (err: LogFileError) => void;
}

/**
 * The error.log writer. Pass it to `createRootLogger({ extraDestinations: [dest] })`, call
 * `reopen()` on SIGHUP and `end()` at exit. Lines are written synchronously, one at a time, so
 * the last error before a crash is on disk.
 */
export class ErrorLogDestination extends Writable {
  readonly #file: LogFile;
  readonly #loglevel: number;
  #partial = '';

  constructor(opts: ErrorLogOptions) {
    super({ decodeStrings: false });
    if (!Number.isInteger(opts.loglevel) || opts.loglevel < 1 || opts.loglevel > 4) {
      throw new TypeError(`loglevel must be 1..4, got ${opts.loglevel}`);
    }
    this.#loglevel = opts.loglevel;
    this.#file = new LogFile({
      path: opts.path,
      maxBytes: opts.maxBytes,
      archives: opts.archives,
      sync: true,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  /** Path of the file written. */
  get path(): string {
    return this.#file.path;
  }

  /** Closes the file; the next line reopens it (for SIGHUP after an external logrotate). */
  reopen(): void {
    this.#file.reopen();
  }

  /** Handles one pino chunk, which may hold several lines or part of one. */
  writeLines(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) {
      this.#writeLine(line);
    }
  }

  override _write(
    chunk: Buffer | string,
    _enc: BufferEncoding,
    cb: (err?: Error | null) => void,
  ): void {
    this.writeLines(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.#partial !== '') {
      this.#writeLine(this.#partial);
      this.#partial = '';
    }
    this.#file.close();
    cb();
  }

  #writeLine(line: string): void {
    if (line.trim() === '') {
      return;
    }
    let record: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      record =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : { msg: line };
    } catch {
      // Not pino JSON (something wrote raw text to the stream): keep it, escaped, as info.
      record = { msg: line };
    }
    const level = seedLevelOf(typeof record['level'] === 'number' ? record['level'] : 30);
    if (level <= this.#loglevel) {
      this.#file.write(formatErrorLine(record));
    }
  }
}

/** Creates the error.log destination; see `ErrorLogDestination`. */
export function createErrorLogDestination(opts: ErrorLogOptions): ErrorLogDestination {
  return new ErrorLogDestination(opts);
}

/**
 * Options of the error.log destination for one process, from the station config: the file under
 * `Paths.Log`, `Logging.Loglevel`, and the same rotation as the other logs. Processes sharing a
 * folder must use distinct `fileName`s (one writer per file), e.g. `error-edge-<id>.log`.
 */
export function errorLogOptions(
  station: StationConfig,
  fileName = 'error.log',
): Omit<ErrorLogOptions, 'onError'> {
  return {
    path: join(station.Paths.Log, fileName),
    loglevel: station.Logging.Loglevel,
    maxBytes: station.Logging.Logsize * 1024,
    archives: station.Logging.LogArchives,
  };
}
