/**
 * One append-only log file with size rotation and reopen: the single serialized writer every
 * line of that file goes through. Writes are synchronous and batched per event-loop turn, so no
 * two writes interleave, a rotation happens between lines, and nothing queued is lost when the
 * file is rotated or reopened. It never decides what a line says.
 */
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { LogFileError } from '../errors.js';

/** Options of a `LogFile`. */
export interface LogFileOptions {
  /** Path of the live file, e.g. `log/access.log`; archives are `<path>.1` (newest) .. `<path>.N`. */
  path: string;
  /** Rotate once the file reaches this many bytes; 0 never rotates. */
  maxBytes: number;
  /** Archives kept; 0 means a full file is simply truncated. */
  archives: number;
  /**
   * Write each line at once instead of batching a turn of the event loop. For rare lines that
   * must survive a crash right after them (error.log); access.log batches.
   */
  sync?: boolean;
  /** Told about a failure to open, write or rotate (once per failure streak). */
  onError?: (err: LogFileError) => void;
  /** A first line written whenever a new, empty file is started (stat.log's column names). */
  header?: string;
}

/** Upper bound of one batch, so a burst of lines never builds one huge buffer. */
const MAX_BATCH_BYTES = 256 * 1024;
/** Lines held while the file cannot be written; beyond it they are counted and dropped. */
const MAX_QUEUED_LINES = 100_000;

/**
 * A log file written through one serialized writer. Archive naming follows logrotate's
 * numbered scheme: on rotation `<path>.N-1` becomes `<path>.N` (the oldest is overwritten),
 * ..., `<path>` becomes `<path>.1`, and a new `<path>` is started.
 */
export class LogFile {
  /** Path of the live file. */
  readonly path: string;
  readonly #maxBytes: number;
  readonly #archives: number;
  readonly #sync: boolean;
  readonly #onError: ((err: LogFileError) => void) | undefined;
  readonly #header: string | undefined;
  #queue: string[] = [];
  #fd: number | null = null;
  #size = 0;
  #scheduled: NodeJS.Immediate | null = null;
  #failing = false;
  #closed = false;
  #dropped = 0;
  #written = 0;

  constructor(opts: LogFileOptions) {
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) {
      throw new TypeError(`maxBytes must be an integer >= 0, got ${opts.maxBytes}`);
    }
    if (!Number.isSafeInteger(opts.archives) || opts.archives < 0) {
      throw new TypeError(`archives must be an integer >= 0, got ${opts.archives}`);
    }
    this.path = opts.path;
    this.#maxBytes = opts.maxBytes;
    this.#archives = opts.archives;
    this.#sync = opts.sync ?? false;
    this.#onError = opts.onError;
    this.#header = opts.header;
  }

  /** Lines written to disk so far. */
  get written(): number {
    return this.#written;
  }

  /** Lines dropped because the file could not be written. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one line (without its newline). Lines after `close()` are ignored. */
  write(line: string): void {
    if (this.#closed) {
      return;
    }
    if (this.#queue.length >= MAX_QUEUED_LINES) {
      this.#dropped += 1;
      return;
    }
    this.#queue.push(`${line}\n`);
    if (this.#sync) {
      this.flush();
    } else if (this.#scheduled === null) {
      this.#scheduled = setImmediate(() => {
        this.#scheduled = null;
        this.flush();
      });
    }
  }

  /** Writes every queued line now, rotating between lines as the size limit requires. */
  flush(): void {
    while (this.#queue.length > 0) {
      if (!this.#ensureOpen()) {
        this.#dropQueue();
        return;
      }
      const batch = this.#takeBatch();
      if (!this.#writeBatch(batch.text)) {
        // Lines that failed once are dropped rather than retried forever; a full disk would
        // otherwise make memory grow without bound.
        this.#dropped += batch.lines + this.#queue.length;
        this.#queue = [];
        return;
      }
      this.#written += batch.lines;
      if (this.#maxBytes > 0 && this.#size >= this.#maxBytes) {
        this.rotate();
      }
    }
  }

  /**
   * Writes what is queued, then closes the file; the next line opens `path` anew. This is what
   * SIGHUP does: after an external logrotate moved the file, lines go to a new one.
   */
  reopen(): void {
    this.flush();
    this.#closeFd();
  }

  /** Moves the live file to the first archive now and starts a new one. */
  rotate(): void {
    this.#closeFd();
    try {
      if (this.#archives === 0) {
        removeIfExists(this.path);
      } else {
        for (let i = this.#archives - 1; i >= 1; i--) {
          renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        }
        renameIfExists(this.path, `${this.path}.1`);
      }
    } catch (err) {
      this.#fail('rotate', err);
    }
    // Start the new file at once, so the live file (and its header) always exists.
    if (!this.#closed) {
      this.#ensureOpen();
    }
  }

  /** Writes what is queued and closes the file for good. Idempotent. */
  close(): void {
    if (this.#closed) {
      return;
    }
    if (this.#scheduled !== null) {
      clearImmediate(this.#scheduled);
      this.#scheduled = null;
    }
    this.flush();
    this.#closed = true;
    this.#closeFd();
  }

  #takeBatch(): { text: string; lines: number } {
    // Take lines up to the batch cap and, when rotating, up to the line that reaches the limit,
    // so every file ends on a whole line close to the configured size.
    let bytes = 0;
    let n = 0;
    const room = this.#maxBytes > 0 ? this.#maxBytes - this.#size : Infinity;
    while (n < this.#queue.length && bytes < MAX_BATCH_BYTES && bytes < room) {
      bytes += Buffer.byteLength(this.#queue[n] as string);
      n += 1;
    }
    const lines = this.#queue.splice(0, Math.max(n, 1));
    return { text: lines.join(''), lines: lines.length };
  }

  #writeBatch(text: string): boolean {
    const buf = Buffer.from(text, 'utf8');
    try {
      let off = 0;
      while (off < buf.length) {
        off += writeSync(this.#fd as number, buf, off, buf.length - off);
      }
      this.#size += buf.length;
      this.#failing = false;
      return true;
    } catch (err) {
      this.#fail('write', err);
      this.#closeFd();
      return false;
    }
  }

  #ensureOpen(): boolean {
    if (this.#fd !== null) {
      return true;
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.#fd = openSync(this.path, 'a', 0o644);
      this.#size = fstatSync(this.#fd).size;
      if (this.#size === 0 && this.#header !== undefined) {
        return this.#writeBatch(`${this.#header}\n`);
      }
      return true;
    } catch (err) {
      this.#fail('open', err);
      return false;
    }
  }

  #dropQueue(): void {
    this.#dropped += this.#queue.length;
    this.#queue = [];
  }

  #closeFd(): void {
    if (this.#fd !== null) {
      try {
        closeSync(this.#fd);
      } catch {
        // Closing can only fail for a bad descriptor, which is gone either way.
      }
      this.#fd = null;
    }
  }

  #fail(op: string, err: unknown): void {
    if (this.#failing) {
      return;
    }
    this.#failing = true;
    this.#onError?.(new LogFileError(this.path, op, { cause: err }));
  }
}

function removeIfExists(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err;
    }
  }
}
