/**
 * Test harness for ingest: starts an ingest listening on free loopback ports over a given (or
 * in-memory) bus and state store, records what it publishes, and offers raw-socket source
 * clients. It mocks nothing: every byte goes through real sockets.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import {
  MemoryBus,
  MemoryStateStore,
  Subjects,
  decodeAudioChunk,
  decodeConnectionEvent,
  decodeSourceAnnouncement,
  decodeTitleChange,
  type AudioChunk,
  type Bus,
  type BusSubscription,
  type ConnectionEvent,
  type SourceAnnouncement,
  type StateStore,
  type TitleChange,
} from '@penguincast/bus';
import { parseStationConfig, type StationConfigInput } from '@penguincast/config';
import { basicAuthHeader } from '@penguincast/icy';
import { logSink, rawClient, type LogSink, type RawClient } from '@penguincast/testkit';
import { createIngest, parseConfig, type IngestApp, type IngestTiming } from '../src/index.js';

/** The station config most tests use: two mounts and a source password for unlisted ones. */
export function testStation(over: Partial<StationConfigInput> = {}): StationConfigInput {
  return {
    Auth: { AdminPassword: 'adminpw', SourcePassword: 'sourcepw' },
    Limits: { Sources: 5, SourceIdleTimeOut: 10, HeaderTimeOut: 5 },
    Mounts: [
      { Name: '/live.mp3', Password: 'livepw', BurstSize: 16384 },
      { Name: 'dj.mp3', User: 'dj', Password: 'djpw' },
    ],
    ...over,
  };
}

/** Everything the ingest published, decoded. */
export class Recorder {
  readonly audio: AudioChunk[] = [];
  readonly titles: TitleChange[] = [];
  readonly sources: SourceAnnouncement[] = [];
  readonly events: ConnectionEvent[] = [];
  readonly #subs: BusSubscription[];

  constructor(bus: Bus, subjects: Subjects) {
    this.#subs = [
      bus.subscribe(subjects.allAudio(), (m) => this.audio.push(decodeAudioChunk(m))),
      bus.subscribe(subjects.allMeta(), (m) => this.titles.push(decodeTitleChange(m.data))),
      bus.subscribe(subjects.allSource(), (m) =>
        this.sources.push(decodeSourceAnnouncement(m.data)),
      ),
      bus.subscribe(subjects.allEvt(), (m) => this.events.push(decodeConnectionEvent(m.data))),
    ];
  }

  /** Audio chunks of one session, in arrival order. */
  chunksOf(session: string): AudioChunk[] {
    return this.audio.filter((c) => c.session === session);
  }

  /** Concatenated audio of one session. */
  bytesOf(session: string): Buffer {
    return Buffer.concat(this.chunksOf(session).map((c) => c.data));
  }

  /** Announcements of one mount. */
  sourcesOf(mount: string): SourceAnnouncement[] {
    return this.sources.filter((s) => s.mount === mount);
  }

  close(): void {
    for (const s of this.#subs) {
      s.unsubscribe();
    }
  }
}

/** Options of `startIngest`. */
export interface StartIngestOptions {
  station?: StationConfigInput;
  bus?: Bus;
  state?: StateStore;
  timing?: Partial<IngestTiming>;
  instanceId?: string;
}

/** A running ingest with its recorder. */
export interface TestIngest {
  app: IngestApp;
  bus: Bus;
  state: StateStore;
  subjects: Subjects;
  rec: Recorder;
  logs: LogSink;
  log: Logger;
  registry: Registry;
  port: number;
  shoutcastPort: number;
  stop(): Promise<void>;
}

/** Starts an ingest on 127.0.0.1 with free ports. */
export async function startIngest(opts: StartIngestOptions = {}): Promise<TestIngest> {
  const config = parseStationConfig(opts.station ?? testStation());
  const bus = opts.bus ?? new MemoryBus();
  const state = opts.state ?? new MemoryStateStore();
  const logs = logSink();
  const log = logs.log;
  const registry = new Registry();
  const settings = {
    ...parseConfig(config, { port: 0, timing: opts.timing }),
    host: '127.0.0.1',
  };
  const app = createIngest({
    config,
    log,
    bus,
    state,
    registry,
    instanceId: opts.instanceId ?? 'test-ingest',
    settings,
  });
  await app.start();
  const subjects = new Subjects(settings.subjectPrefix);
  const rec = new Recorder(bus, subjects);
  return {
    app,
    bus,
    state,
    subjects,
    rec,
    logs,
    log,
    registry,
    port: app.port,
    shoutcastPort: app.shoutcastPort,
    async stop() {
      rec.close();
      await app.stop();
      if (opts.bus === undefined) {
        await bus.close();
      }
      if (opts.state === undefined) {
        await state.close();
      }
    },
  };
}

/** Options of `sourceHead`. */
export interface SourceHeadOptions {
  method?: 'PUT' | 'SOURCE';
  user?: string;
  password?: string;
  contentType?: string | null;
  expect?: boolean;
  headers?: Record<string, string>;
  version?: string;
}

/** Builds a source request head. */
export function sourceHead(mount: string, o: SourceHeadOptions = {}): string {
  const lines = [`${o.method ?? 'PUT'} ${mount} ${o.version ?? 'HTTP/1.1'}`, 'Host: 127.0.0.1'];
  if (o.password !== undefined) {
    lines.push(`Authorization: ${basicAuthHeader(o.user ?? 'source', o.password)}`);
  }
  if (o.contentType !== null) {
    lines.push(`Content-Type: ${o.contentType ?? 'audio/mpeg'}`);
  }
  if (o.expect) {
    lines.push('Expect: 100-continue');
  }
  for (const [k, v] of Object.entries(o.headers ?? {})) {
    lines.push(`${k}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The first status line of a reply. */
export function statusLine(reply: string): string {
  return reply.split('\r\n')[0] ?? '';
}

/** The body of a reply (after the first blank line). */
export function bodyOf(reply: string): string {
  const at = reply.indexOf('\r\n\r\n');
  return at === -1 ? '' : reply.slice(at + 4);
}

/** Writes `data` in `pieces` slices with a short pause between them, like a live encoder. */
export async function trickle(socket: Socket, data: Buffer, pieceBytes = 4096, pauseMs = 2) {
  for (let at = 0; at < data.length && !socket.destroyed; at += pieceBytes) {
    socket.write(data.subarray(at, at + pieceBytes));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** A raw source that keeps sending `data` in a loop until stopped. */
export interface LoopingSource {
  client: RawClient;
  /** Stops sending (the socket stays open and silent). */
  pause(): void;
  /** Stops sending and closes the socket. */
  stop(): void;
}

/** Sends `head`, then loops `data` in 4 KiB pieces every `everyMs` until paused or stopped. */
export async function loopingSource(
  port: number,
  head: string,
  data: Buffer,
  opts: { localAddress?: string; everyMs?: number } = {},
): Promise<LoopingSource> {
  const client = await rawClient(port, head, opts.localAddress);
  let at = 0;
  const timer = setInterval(() => {
    if (client.socket.destroyed) {
      clearInterval(timer);
      return;
    }
    client.socket.write(data.subarray(at, at + 4096));
    at = at + 4096 >= data.length ? 0 : at + 4096;
  }, opts.everyMs ?? 20);
  return {
    client,
    pause: () => clearInterval(timer),
    stop: () => {
      clearInterval(timer);
      client.destroy();
    },
  };
}
