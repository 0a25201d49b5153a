/**
 * The real ingest for edge tests: `startTestIngest` runs ingest's own code in-process on a
 * loopback port over the edge's bus, and a {@link LiveSource} streams a file to it through a
 * real PUT, as an encoder does, recording what ingest publishes so tests can compare what
 * listeners received. Nothing here imitates ingest; its chunks, titles and burst replies are its own.
 */
import { connect, type Socket } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  MemoryStateStore,
  Subjects,
  decodeAudioChunk,
  decodeSourceAnnouncement,
  decodeTitleChange,
  type Bus,
  type BusSubscription,
  type SourceAnnouncement,
  type StateStore,
  type TitleChange,
} from '@penguincast/bus';
import { parseStationConfig, type StationConfigInput } from '@penguincast/config';
import { basicAuthHeader, createFrameSplitter } from '@penguincast/icy';
import { createIngest, parseConfig, type IngestApp } from '@penguincast/ingest';
import { rawRequest, waitFor } from '@penguincast/testkit';

/** The source password every test ingest accepts for mounts without their own. */
export const SOURCE_PASSWORD = 'source-pw';

/**
 * Largest chunk ingest publishes in these tests: four frames of the 128 kbit/s test MP3, as a
 * live encoder's small writes give, so burst starts and their tolerances do not depend on how
 * the kernel happened to coalesce a source's writes.
 */
const TEST_CHUNK_BYTES = 1700;

/** Options of {@link startTestIngest}. */
export interface TestIngestOptions {
  /** The edge's bus: ingest publishes on it and answers burst requests from it. */
  bus: Bus;
  /**
   * The station config (the edge's own); a source password for unlisted mounts is added, and
   * sixteen sources are allowed unless the config says otherwise.
   */
  config?: Partial<StationConfigInput>;
  /** Largest published chunk; 1 makes every frame (Ogg page) a chunk of its own. */
  maxChunkBytes?: number;
  state?: StateStore;
}

/** A running in-process ingest. */
export interface TestIngest {
  app: IngestApp;
  bus: Bus;
  subjects: Subjects;
  port: number;
  /** The password a source of `mount` sends. */
  passwordOf(mount: string): string;
  stop(): Promise<void>;
}

/** Starts ingest's real code on a free loopback port over `opts.bus`. */
export async function startTestIngest(opts: TestIngestOptions): Promise<TestIngest> {
  const doc = opts.config ?? {};
  const config = parseStationConfig({
    ...doc,
    // Icecast's default of two sources is too few for tests with several live mounts.
    Limits: { Sources: 16, ...(doc.Limits ?? {}) },
    Auth: { AdminPassword: 'x', ...(doc.Auth ?? {}), SourcePassword: SOURCE_PASSWORD },
  });
  const state = opts.state ?? new MemoryStateStore();
  const settings = {
    ...parseConfig(config, { port: 0 }),
    host: '127.0.0.1',
    maxChunkBytes: opts.maxChunkBytes ?? TEST_CHUNK_BYTES,
  };
  const app = createIngest({
    config,
    log: pino({ level: 'silent' }),
    bus: opts.bus,
    state,
    registry: new Registry(),
    instanceId: `ingest-test-${process.pid}`,
    settings,
  });
  await app.start();
  return {
    app,
    bus: opts.bus,
    subjects: new Subjects(settings.subjectPrefix),
    port: app.port,
    passwordOf: (mount) => settings.mounts.get(mount)?.password ?? SOURCE_PASSWORD,
    async stop() {
      await app.stop();
      if (opts.state === undefined) {
        await state.close();
      }
    },
  };
}

/** Options of {@link LiveSource}. */
export interface LiveSourceOptions {
  ingest: TestIngest;
  mount: string;
  /** The file's bytes; its frames are played in a loop (keep Ogg files longer than a test). */
  file: Uint8Array;
  /** Content type of the file. Default `audio/mpeg`. */
  contentType?: string;
  /** Playback speed: 1 is real time. Default 1. */
  speed?: number;
  /**
   * Audio sent at once when a session starts, as if the source had been on for a while: an
   * unthrottled PUT fills ingest's burst buffer faster than real time, which `-re` would not.
   */
  prerollMs?: number;
  /** `ice-*` headers of the PUT. */
  info?: Record<string, string>;
  /** A title set through `admin.cgi` before the first audio, so it is in force from position 0. */
  initialTitle?: string;
}

interface Frame {
  data: Uint8Array;
  ms: number;
}

interface Recorded {
  position: number;
  data: Uint8Array;
}

/** One mount's source, streaming to a real ingest through a real PUT. */
export class LiveSource {
  /** The current session id, as ingest announced it. */
  session = '';
  #frames: Frame[];
  #next = 0;
  #audioMs = 0;
  #written = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #socket: Socket | undefined;
  #subs: BusSubscription[];
  #chunks = new Map<string, Recorded[]>();
  #titles: TitleChange[] = [];
  #announcements: SourceAnnouncement[] = [];
  /** Codec header pages (Ogg) of the file; empty for MP3. */
  readonly headerPages: Uint8Array;
  readonly #contentType: string;

  constructor(private readonly opts: LiveSourceOptions) {
    this.#contentType = opts.contentType ?? 'audio/mpeg';
    const splitter = createFrameSplitter(this.#contentType);
    const split = splitter.push(opts.file);
    this.headerPages = Buffer.from(splitter.headerPages);
    const rest = splitter.flush();
    const frames: Frame[] = [];
    for (const result of [split, rest]) {
      for (const f of result.frames) {
        if (f.header) {
          continue;
        }
        frames.push({
          data: result.data.subarray(f.offset, f.offset + f.length),
          ms: f.sampleRate > 0 ? (f.samples / f.sampleRate) * 1000 : 0,
        });
      }
    }
    this.#frames = frames;
    const { bus, subjects } = opts.ingest;
    this.#subs = [
      bus.subscribe(subjects.audio(opts.mount), (m) => {
        const c = decodeAudioChunk(m);
        const list = this.#chunks.get(c.session) ?? [];
        this.#chunks.set(c.session, list);
        list.push({ position: c.position, data: c.data });
      }),
      bus.subscribe(subjects.meta(opts.mount), (m) => this.#titles.push(decodeTitleChange(m.data))),
      bus.subscribe(subjects.source(opts.mount), (m) =>
        this.#announcements.push(decodeSourceAnnouncement(m.data)),
      ),
    ];
  }

  /** Stream position just past the newest chunk ingest published in the current session. */
  get position(): number {
    const last = this.#chunks.get(this.session)?.at(-1);
    return last === undefined ? 0 : last.position + last.data.length;
  }

  /**
   * Connects a new source session and waits for ingest's `up`; then the initial title, the
   * preroll at once, and real time from there. `prerollMs` overrides the option.
   */
  async start(prerollMs = this.opts.prerollMs ?? 0): Promise<void> {
    const { ingest, mount } = this.opts;
    const seen = this.#announcements.length;
    const head = [
      `PUT ${mount} HTTP/1.1`,
      'Host: 127.0.0.1',
      `Authorization: ${basicAuthHeader('source', ingest.passwordOf(mount))}`,
      `Content-Type: ${this.#contentType}`,
      ...Object.entries(this.opts.info ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    const socket = connect({ host: '127.0.0.1', port: ingest.port });
    socket.on('error', () => undefined);
    this.#socket = socket;
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
    if (this.headerPages.length > 0) {
      socket.write(this.headerPages);
    }
    await waitFor(
      () => this.#announcements.slice(seen).some((a) => a.state === 'up'),
      5000,
      `ingest to announce ${mount}`,
    );
    const up = this.#announcements.slice(seen).find((a) => a.state === 'up');
    this.session = up?.session ?? '';
    this.#written = 0;
    if (this.opts.initialTitle !== undefined) {
      await this.setTitle(this.opts.initialTitle);
    }
    this.#audioMs = 0;
    this.#send(prerollMs, Infinity);
    this.#startedAt = performance.now() - prerollMs / (this.opts.speed ?? 1);
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  /**
   * Sets a title through ingest's `admin.cgi` and resolves with the stream position ingest
   * stamped on it.
   */
  async setTitle(title: string): Promise<number> {
    const { ingest, mount } = this.opts;
    const query = new URLSearchParams({
      mode: 'updinfo',
      pass: ingest.passwordOf(mount),
      mount,
      song: title,
    });
    const seen = this.#titles.length;
    const reply = await rawRequest(
      ingest.port,
      `GET /admin.cgi?${query.toString()} HTTP/1.0\r\nUser-Agent: test\r\n\r\n`,
    );
    if (!reply.toString('latin1').startsWith('HTTP/1.0 200')) {
      throw new Error(`title not taken: ${reply.toString('latin1')}`);
    }
    let change: TitleChange | undefined;
    await waitFor(
      () => {
        change = this.#titles
          .slice(seen)
          .find((t) => t.session === this.session && t.title === title);
        return change !== undefined;
      },
      5000,
      `title ${title}`,
    );
    return (change as TitleChange).position;
  }

  /** Stops sending (the source stays connected, silent) once ingest published all it was sent. */
  async pause(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await waitFor(() => this.position >= this.#written, 5000, 'ingest to publish what was sent');
  }

  /** Sends again after {@link pause}, from where it stopped, without catching up. */
  resume(): void {
    if (this.#timer !== undefined || this.#socket === undefined) {
      return;
    }
    this.#startedAt = performance.now() - this.#audioMs / (this.opts.speed ?? 1);
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  /** Disconnects the source and waits for ingest's `down`. */
  async down(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined) {
      return;
    }
    socket.end();
    const session = this.session;
    await waitFor(
      () => this.#announcements.some((a) => a.session === session && a.state === 'down'),
      5000,
      'ingest to announce the source down',
    );
  }

  /** Disconnects and stops recording. */
  async stop(): Promise<void> {
    await this.down();
    for (const sub of this.#subs.splice(0)) {
      sub.unsubscribe();
    }
  }

  /** Every byte ingest published in `session` (the current one by default), in order. */
  audio(session = this.session): Buffer {
    return Buffer.concat((this.#chunks.get(session) ?? []).map((c) => c.data));
  }

  /** Stream positions where ingest's published chunks start in `session`. */
  chunkStarts(session = this.session): Set<number> {
    return new Set((this.#chunks.get(session) ?? []).map((c) => c.position));
  }

  /**
   * Stream positions where frames start in `session`: a burst from ingest may begin inside a
   * published chunk, always on a frame boundary.
   */
  frameStarts(session = this.session): Set<number> {
    const chunks = this.#chunks.get(session) ?? [];
    const first = chunks[0]?.position ?? 0;
    const splitter = createFrameSplitter(this.#contentType);
    const out = new Set<number>();
    let base = first;
    for (const result of [splitter.push(this.audio(session)), splitter.flush()]) {
      for (const f of result.frames) {
        out.add(base + f.offset);
      }
      base += result.data.length;
    }
    return out;
  }

  #tick(): void {
    const target = (performance.now() - this.#startedAt) * (this.opts.speed ?? 1);
    // At most half a second of audio per tick, so a stalled event loop cannot flood ingest.
    this.#send(target, 500);
  }

  #send(targetMs: number, maxMs: number): void {
    const socket = this.#socket;
    if (socket === undefined || socket.destroyed) {
      return;
    }
    const parts: Uint8Array[] = [];
    let sent = 0;
    while (this.#audioMs < targetMs && sent < maxMs) {
      const frame = this.#frames[this.#next] as Frame;
      this.#next = (this.#next + 1) % this.#frames.length;
      parts.push(frame.data);
      this.#audioMs += frame.ms;
      sent += frame.ms;
    }
    if (parts.length > 0) {
      const data = Buffer.concat(parts);
      this.#written += data.length;
      socket.write(data);
    }
  }
}
