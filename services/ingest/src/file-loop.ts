/**
 * File-loop mounts (`Mounts[].File`): the file is read once, split into whole frames, and fed to
 * an ordinary source session in a loop, paced in real time by the frames' own durations. It
 * holds the mount's lease like any source, so in a cluster exactly one ingest plays it, and it
 * takes the mount back whenever the lease is free. It never writes to a listener.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { contentTypeFromFileName, createFrameSplitter } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { Admission } from './admission.js';
import type { IngestConfig } from './config.js';
import { MountInUseError } from './errors.js';
import type { MountLease } from './lease.js';
import type { OpenSession, SourceSession } from './session.js';
import { newSessionId } from './source-connection.js';

/** Largest file played in a loop; it is held in memory whole. */
export const MAX_LOOP_FILE_BYTES = 64 * 1024 * 1024;
/** How often frames are handed to the session. */
const TICK_MS = 100;
/** Audio fed ahead of the wall clock, so the burst buffer and the edges never run dry. */
const LEAD_MS = 1_000;
/** Wait before reading a missing or unreadable file again. */
const FILE_RETRY_MS = 10_000;

/** What a file loop needs from its app. */
export interface FileLoopDeps {
  /** The service's logger. */
  log: Logger;
  /** The mounts, and the pace of taking a mount back. */
  settings: Pick<IngestConfig, 'mounts' | 'leaseRenewMs' | 'relayRetryMinMs'>;
  /** Hands out free mount leases. */
  admission: Pick<Admission, 'admitManaged'>;
  /** Creates the session the file feeds. */
  openSession: OpenSession;
}

/** A file's audio as whole frames, each with its duration. */
export interface LoopAudio {
  /** The content type, from the file name. */
  contentType: string;
  /** Every frame back to back, junk and tags removed. */
  data: Uint8Array;
  /** End offset in `data` of each frame. */
  ends: number[];
  /** Duration of each frame in milliseconds (0 for codec header pages). */
  durations: number[];
  /** Duration of one pass through the file. */
  totalMs: number;
}

/** Reads `path` and splits it into frames; throws when it is too large or cannot be paced. */
export async function loadLoopAudio(path: string): Promise<LoopAudio> {
  const size = (await stat(path)).size;
  if (size > MAX_LOOP_FILE_BYTES) {
    throw new RangeError(`${basename(path)} is larger than ${MAX_LOOP_FILE_BYTES} bytes`);
  }
  const bytes = await readFile(path);
  const contentType = contentTypeFromFileName(path);
  const splitter = createFrameSplitter(contentType);
  if (!splitter.framed) {
    throw new TypeError(`${basename(path)}: only MP3, AAC, Ogg and FLAC files can be paced`);
  }
  const parts = [splitter.push(bytes), splitter.flush()];
  const ends: number[] = [];
  const durations: number[] = [];
  let base = 0;
  for (const part of parts) {
    for (const f of part.frames) {
      ends.push(base + f.offset + f.length);
      durations.push(f.sampleRate > 0 ? (f.samples / f.sampleRate) * 1000 : 0);
    }
    base += part.data.length;
  }
  const totalMs = durations.reduce((a, b) => a + b, 0);
  if (ends.length === 0 || totalMs <= 0) {
    throw new TypeError(`${basename(path)} holds no audio frames of known duration`);
  }
  return {
    contentType,
    data: Buffer.concat(parts.map((p) => p.data)),
    ends,
    durations,
    totalMs,
  };
}

/** Plays one file-loop mount until stopped. */
export class FileLoop {
  readonly mount: string;
  readonly #path: string;
  readonly #deps: FileLoopDeps;
  readonly #log: Logger;
  #audio: LoopAudio | undefined;
  #session: SourceSession | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #loadError: string | undefined;

  constructor(deps: FileLoopDeps, mount: string, path: string) {
    this.#deps = deps;
    this.mount = mount;
    this.#path = path;
    this.#log = deps.log.child({ component: 'file-loop', mount });
  }

  /** Starts playing (idempotent). */
  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) => {
      this.#log.error({ err }, 'file loop failed');
    });
  }

  /** Stops playing and ends the session. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#session?.kill('file-loop-stopped');
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { settings } = this.#deps;
    while (!this.#stopped) {
      const audio = await this.#load();
      if (audio === undefined) {
        await this.#sleep(FILE_RETRY_MS);
        continue;
      }
      const sessionId = newSessionId();
      let lease;
      try {
        lease = await this.#deps.admission.admitManaged({ mount: this.mount, sessionId });
      } catch (err) {
        if (!(err instanceof MountInUseError)) {
          this.#log.warn({ err: (err as Error).message }, 'file loop cannot take its mount');
        }
        await this.#sleep(settings.leaseRenewMs);
        continue;
      }
      if (this.#stopped) {
        await lease.release();
        break;
      }
      const reason = await this.#play(sessionId, lease, audio);
      if (!this.#stopped) {
        this.#log.info({ reason }, 'file loop ended; taking the mount back');
        await this.#sleep(settings.relayRetryMinMs);
      }
    }
  }

  async #load(): Promise<LoopAudio | undefined> {
    if (this.#audio !== undefined) {
      return this.#audio;
    }
    try {
      this.#audio = await loadLoopAudio(this.#path);
      this.#loadError = undefined;
      this.#log.info(
        { file: basename(this.#path), seconds: Math.round(this.#audio.totalMs / 100) / 10 },
        'loop file loaded',
      );
      return this.#audio;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== this.#loadError) {
        // Once per distinct problem: the file is retried every few seconds.
        this.#loadError = message;
        this.#log.error({ err: message, file: this.#path }, 'cannot play the loop file');
      }
      return undefined;
    }
  }

  /** Feeds the file in a loop until the session ends; resolves with the end reason. */
  #play(sessionId: string, lease: MountLease, audio: LoopAudio): Promise<string> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const kbps = Math.round((audio.data.length * 8) / audio.totalMs);
      const session = this.#deps.openSession({
        mount: this.mount,
        id: sessionId,
        lease,
        contentType: audio.contentType,
        info: { 'ice-bitrate': String(kbps) },
        ip: '127.0.0.1',
        request: `GET ${this.mount} FILE`,
        closeTransport: () => clearTimeout(timer),
        kind: 'file',
        onFinish: (reason) => {
          clearTimeout(timer);
          resolve(reason);
        },
      });
      this.#session = session;
      session.start();
      const startedAt = performance.now();
      let index = 0;
      let fedMs = 0;
      const tick = (): void => {
        if (session.ended) {
          return;
        }
        const target = performance.now() - startedAt + LEAD_MS;
        let from = index === 0 ? 0 : audio.ends[index - 1]!;
        // Bounded: one pass at most per tick, however far behind the clock the loop is.
        for (let n = 0; n < audio.ends.length && fedMs < target; n++) {
          fedMs += audio.durations[index]!;
          index += 1;
          if (index === audio.ends.length) {
            session.feed(audio.data.subarray(from, audio.data.length));
            index = 0;
            from = 0;
          }
        }
        const to = index === 0 ? 0 : audio.ends[index - 1]!;
        if (to > from) {
          session.feed(audio.data.subarray(from, to));
        }
        timer = setTimeout(tick, TICK_MS);
      };
      tick();
    });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

/** Starts a loop for every `Mounts[].File`; returns them for `stop()`. */
export function startFileLoops(deps: FileLoopDeps): FileLoop[] {
  const loops: FileLoop[] = [];
  for (const m of deps.settings.mounts.values()) {
    if (m.file !== undefined) {
      const loop = new FileLoop(deps, m.name, m.file);
      loop.start();
      loops.push(loop);
    }
  }
  return loops;
}
