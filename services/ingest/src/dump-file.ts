/**
 * Appends one source session's framed audio to its mount's `DumpFile`. A failing disk is logged
 * once and then ignored: the dump never slows or stops the audio, and a disk that cannot keep
 * up makes the dump drop data rather than grow memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';

/** Bytes queued for the disk (before and after the file opens) beyond which writes are dropped. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** An append-only dump of one session. */
export class DumpFile {
  readonly #path: string;
  readonly #log: Logger;
  #stream: WriteStream | undefined;
  /** Writes that arrive while the folder is being created. */
  #early: Uint8Array[] | undefined = [];
  #earlyBytes = 0;
  #failed = false;
  #closed = false;
  #droppedLogged = false;

  /** Starts creating the folder and opening `path` for appending. */
  constructor(path: string, log: Logger) {
    this.#path = path;
    this.#log = log;
    mkdir(dirname(path), { recursive: true }).then(
      () => this.#open(),
      (err: unknown) => this.#fail(err),
    );
  }

  /** Queues `data` for the file; never throws and never waits. */
  write(data: Uint8Array): void {
    if (this.#failed || this.#closed || data.length === 0) {
      return;
    }
    if (this.#stream === undefined) {
      if (this.#earlyBytes + data.length > MAX_QUEUED_BYTES) {
        this.#dropped();
        return;
      }
      this.#early?.push(data);
      this.#earlyBytes += data.length;
      return;
    }
    if (this.#stream.writableLength > MAX_QUEUED_BYTES) {
      this.#dropped();
      return;
    }
    this.#stream.write(data);
  }

  /** Flushes what is queued and closes the file. */
  close(): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    if (this.#stream !== undefined) {
      this.#stream.end();
    }
  }

  #open(): void {
    if (this.#failed) {
      return;
    }
    const stream = createWriteStream(this.#path, { flags: 'a' });
    stream.on('error', (err) => this.#fail(err));
    this.#stream = stream;
    for (const chunk of this.#early ?? []) {
      stream.write(chunk);
    }
    this.#early = undefined;
    this.#earlyBytes = 0;
    if (this.#closed) {
      stream.end();
    }
  }

  #fail(err: unknown): void {
    if (this.#failed) {
      return;
    }
    this.#failed = true;
    this.#early = undefined;
    this.#log.error({ err, dumpFile: this.#path }, 'dump file failed; audio continues without it');
    this.#stream?.destroy();
  }

  #dropped(): void {
    if (!this.#droppedLogged) {
      this.#droppedLogged = true;
      this.#log.warn({ dumpFile: this.#path }, 'dump file cannot keep up; dropping dump data');
    }
  }
}
