/**
 * A real publisher for edge tests: it plays an MP3 file through the codec frame splitter and
 * publishes real source announcements, audio chunks and title changes on a real bus at about
 * real time (scaled by `speed`, bounded per tick), and answers burst requests like ingest does.
 * It records every byte it published so tests can compare what listeners received.
 */
import { randomUUID } from 'node:crypto';
import {
  decodeBurstRequest,
  encodeAudioChunk,
  encodeBurstReply,
  encodeSourceAnnouncement,
  encodeTitleChange,
  type Bus,
  type BusSubscription,
  type SourceAnnouncement,
  type Subjects,
  type TitleEntry,
} from '@penguincast/bus';
import { createFrameSplitter } from '@penguincast/icy';

/** Options of {@link Publisher}. */
export interface PublisherOptions {
  bus: Bus;
  subjects: Subjects;
  mount: string;
  /** The file's bytes; it is played in a loop (keep Ogg files longer than a test). */
  file: Uint8Array;
  /** Content type of the file. Default `audio/mpeg`. */
  contentType?: string;
  /** Playback speed: 1 is real time. Default 1. */
  speed?: number;
  /** Audio published at once when a session starts, as if the source had been on for a while. */
  prerollMs?: number;
  /** Frames per published chunk. Default 4. */
  framesPerChunk?: number;
  /** `ice-*` headers announced. */
  info?: Record<string, string>;
  /** Answer burst requests. Default true. */
  answerBursts?: boolean;
  /** A title published at position 0 of each session, before any audio. */
  initialTitle?: string;
}

interface Frame {
  data: Uint8Array;
  ms: number;
}

interface Sent {
  seq: number;
  position: number;
  data: Uint8Array;
}

/** One mount's fake ingest. */
export class Publisher {
  /** The current session id. */
  session = '';
  /** Stream position of the next chunk. */
  position = 0;
  #seq = 0;
  #frames: Frame[];
  #next = 0;
  #audioMs = 0;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #burstSub: BusSubscription | undefined;
  #sent = new Map<string, Sent[]>();
  #titles = new Map<string, TitleEntry[]>();
  #announcement: SourceAnnouncement | undefined;
  /** Codec header pages (Ogg) a listener needs first; empty for MP3. */
  readonly headerPages: Uint8Array;
  readonly #contentType: string;

  constructor(private readonly opts: PublisherOptions) {
    this.#contentType = opts.contentType ?? 'audio/mpeg';
    const splitter = createFrameSplitter(this.#contentType);
    const split = splitter.push(opts.file);
    this.headerPages = Buffer.from(splitter.headerPages);
    const rest = splitter.flush();
    const frames: Frame[] = [];
    for (const result of [split, rest]) {
      for (const f of result.frames) {
        frames.push({
          data: result.data.subarray(f.offset, f.offset + f.length),
          ms: f.sampleRate > 0 ? (f.samples / f.sampleRate) * 1000 : 0,
        });
      }
    }
    this.#frames = frames;
  }

  /** Announces a new session and starts publishing; `prerollMs` overrides the option. */
  start(prerollMs = this.opts.prerollMs ?? 0): void {
    this.session = randomUUID().replaceAll('-', '');
    this.position = 0;
    this.#seq = 0;
    this.#sent.set(this.session, []);
    this.#titles.set(this.session, []);
    this.#announcement = {
      state: 'up',
      mount: this.opts.mount,
      session: this.session,
      contentType: this.#contentType,
      info: this.opts.info ?? {},
      audio: {},
      headerPages: this.headerPages.length > 0 ? [this.headerPages] : [],
      startedAtMs: Date.now(),
      sourceIp: '127.0.0.1',
      instanceId: 'test-ingest',
      position: 0,
    };
    this.opts.bus.publish(
      this.opts.subjects.source(this.opts.mount),
      encodeSourceAnnouncement(this.#announcement),
    );
    if (this.opts.answerBursts !== false && this.#burstSub === undefined) {
      this.#burstSub = this.opts.bus.subscribe(this.opts.subjects.burst(this.opts.mount), (msg) => {
        const req = decodeBurstRequest(msg.data);
        msg.respond(this.#burstReply(req.maxBytes ?? 65536));
      });
    }
    if (this.opts.initialTitle !== undefined) {
      this.setTitle(this.opts.initialTitle);
    }
    this.#audioMs = 0;
    this.#publishUntil(prerollMs, Infinity);
    this.#startedAt = performance.now() - prerollMs / (this.opts.speed ?? 1);
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  /** Publishes a title change at the current position and returns that position. */
  setTitle(title: string): number {
    const entry: TitleEntry = { position: this.position, title, charset: 'UTF-8' };
    this.#titles.get(this.session)?.push(entry);
    this.opts.bus.publish(
      this.opts.subjects.meta(this.opts.mount),
      encodeTitleChange({ mount: this.opts.mount, session: this.session, ...entry }),
    );
    return this.position;
  }

  /** Stops publishing without announcing anything (a source that went silent). */
  pause(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Publishes again after {@link pause}, from where it stopped and at the same pace, without
   * catching up on the paused time.
   */
  resume(): void {
    if (this.#timer !== undefined) {
      return;
    }
    this.#startedAt = performance.now() - this.#audioMs / (this.opts.speed ?? 1);
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  /** Announces the session's end and stops publishing; burst requests go unanswered. */
  down(): void {
    this.pause();
    this.#burstSub?.unsubscribe();
    this.#burstSub = undefined;
    if (this.#announcement !== undefined) {
      this.opts.bus.publish(
        this.opts.subjects.source(this.opts.mount),
        encodeSourceAnnouncement({
          ...this.#announcement,
          state: 'down',
          position: this.position,
          reason: 'disconnect',
        }),
      );
    }
  }

  /** Every byte published in `session` (the current one by default), in order. */
  audio(session = this.session): Buffer {
    return Buffer.concat((this.#sent.get(session) ?? []).map((s) => s.data));
  }

  /** Stream positions where chunks (hence frames) start in `session`. */
  chunkStarts(session = this.session): Set<number> {
    return new Set((this.#sent.get(session) ?? []).map((s) => s.position));
  }

  #tick(): void {
    const target = (performance.now() - this.#startedAt) * (this.opts.speed ?? 1);
    // At most half a second of audio per tick, so a stalled event loop cannot flood the bus.
    this.#publishUntil(target, 500);
  }

  #publishUntil(targetMs: number, maxMs: number): void {
    const per = this.opts.framesPerChunk ?? 4;
    let published = 0;
    while (this.#audioMs < targetMs && published < maxMs) {
      const parts: Uint8Array[] = [];
      let ms = 0;
      for (let i = 0; i < per; i++) {
        const frame = this.#frames[this.#next] as Frame;
        this.#next = (this.#next + 1) % this.#frames.length;
        parts.push(frame.data);
        ms += frame.ms;
      }
      const data = Buffer.concat(parts);
      const sent: Sent = { seq: this.#seq, position: this.position, data };
      this.#sent.get(this.session)?.push(sent);
      const payload = encodeAudioChunk({
        session: this.session,
        seq: this.#seq,
        position: this.position,
        contentType: this.#contentType,
        frames: per,
        timestampMs: Date.now(),
        data,
      });
      this.opts.bus.publish(
        this.opts.subjects.audio(this.opts.mount),
        payload.data,
        payload.headers,
      );
      this.#seq += 1;
      this.position += data.length;
      this.#audioMs += ms;
      published += ms;
    }
  }

  #burstReply(maxBytes: number): Uint8Array {
    const sent = this.#sent.get(this.session) ?? [];
    const frames: Sent[] = [];
    let bytes = 0;
    for (let i = sent.length - 1; i >= 0; i--) {
      const s = sent[i] as Sent;
      if (bytes + s.data.length > maxBytes) {
        break;
      }
      frames.unshift(s);
      bytes += s.data.length;
    }
    const titles = this.#titles.get(this.session) ?? [];
    return encodeBurstReply({
      mount: this.opts.mount,
      session: this.session,
      contentType: this.#contentType,
      headerPages: this.headerPages.length > 0 ? [this.headerPages] : [],
      frames: frames.map((f) => ({ position: f.position, data: f.data })),
      endPosition: this.position,
      nextSeq: this.#seq,
      title: titles[titles.length - 1] ?? null,
      titles,
      ...(this.#announcement === undefined ? {} : { announcement: this.#announcement }),
    });
  }
}
