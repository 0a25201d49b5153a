/**
 * What one source session tells the cluster about its mount: audio chunks with session,
 * sequence and position, title changes, `up`/`down` announcements, connection events, the mount
 * info heartbeat, and the replies to requests sent to the mount (bursts for edges, titles for
 * admin). It keeps the burst buffer both are cut from. It never reads a socket and never awaits
 * Redis.
 */
import {
  decodeBurstRequest,
  decodeTitlesRequest,
  encodeAudioChunk,
  encodeConnectionEvent,
  encodeSourceAnnouncement,
  encodeTitleChange,
  encodeTitlesReply,
  evtKindOf,
  type AudioInfo,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type Keys,
  type StateStore,
  type Subjects,
  type TitleEntry,
} from '@penguincast/bus';
import { codecFromContentType, type SplitResult } from '@penguincast/icy';
import type { Logger } from 'pino';
import { burstSizeOf, type IngestConfig } from '../config.js';
import { fireAndForget, publishOrLog } from '../guarded-calls.js';
import type { LogLimiter } from '../log-limiter.js';
import type { IngestMetrics } from '../metrics.js';
import type { SessionInit, SourceKind } from '../session-init.js';
import { audioInfoOf, oggCodecOf } from '../source-info.js';
import { BurstBuffer } from './burst-buffer.js';
import { HeaderRuns, cutPieces, headerEnd } from './chunking.js';
import {
  announcement,
  connectionEvent,
  cutBurst,
  mountInfoFields,
  titlesReply,
  type SessionFacts,
} from './messages.js';

/** Extra audio kept beyond the burst size, so a burst can be cut on a frame boundary. */
const BURST_MARGIN_BYTES = 256 * 1024;

/** What a publisher needs from its app. */
export interface PublisherDeps {
  /** The bus every message goes out on. */
  bus: Bus;
  /** The store of the mount info hash. */
  state: StateStore;
  /** Subject builders of this cluster. */
  subjects: Subjects;
  /** Key builders of this cluster. */
  keys: Keys;
  /** The service's logger, for failed background state-store calls. */
  log: Logger;
  /** Rate limit of repeated failure lines. */
  limiter: LogLimiter;
  /** The counter of published title changes. */
  metrics: Pick<IngestMetrics, 'metadataUpdates'>;
  /** Id of this process, named in announcements, events and the mount info. */
  instanceId: string;
  /** The wall clock in milliseconds. */
  now: () => number;
  /** Burst sizes, chunk size and the mount info's refresh and lifetime. */
  settings: Pick<
    IngestConfig,
    'mounts' | 'defaultBurstSize' | 'maxChunkBytes' | 'infoTtlMs' | 'infoRefreshMs'
  >;
}

/** Counters the session keeps and the publisher reports. */
export interface SessionCounters {
  /** Bytes read from the source so far, before framing. */
  bytesRead: number;
  /** When the last byte arrived, in milliseconds since the epoch. */
  lastDataMs: number;
}

/** The session a publisher speaks for. */
export interface PublishedSession extends Pick<
  SessionInit,
  'mount' | 'id' | 'ip' | 'contentType' | 'info' | 'request' | 'user' | 'userAgent'
> {
  /** What feeds the session. */
  kind: SourceKind;
  /** When the session started, in milliseconds since the epoch. */
  startedAtMs: number;
  /** The session's logger (bound to its mount and id). */
  log: Logger;
  /** Reads the session's live counters. */
  counters(): SessionCounters;
}

/** Publishes one session's stream and answers the requests sent to its mount. */
export class MountPublisher {
  readonly #deps: PublisherDeps;
  readonly #session: PublishedSession;
  readonly #log: Logger;
  readonly #burst: BurstBuffer;
  readonly #headerRuns = new HeaderRuns();
  #position = 0;
  #seq = 0;
  #audio: AudioInfo;
  #headerPages: Uint8Array[] = [];
  #infoTimer: NodeJS.Timeout | undefined;
  #requests: BusSubscription[] = [];
  #stopped = false;

  constructor(deps: PublisherDeps, session: PublishedSession) {
    this.#deps = deps;
    this.#session = session;
    this.#log = session.log;
    const burstSize = burstSizeOf(deps.settings, session.mount);
    this.#burst = new BurstBuffer(burstSize + Math.max(burstSize, BURST_MARGIN_BYTES));
    this.#audio = audioInfoOf(
      session.info,
      codecFromContentType(session.contentType),
      deps.settings.mounts.get(session.mount)?.bitrateKbps,
    );
  }

  /** Stream position of the next byte to be published. */
  get position(): number {
    return this.#position;
  }

  /** The title on air now, or null. */
  get title(): TitleEntry | null {
    return this.#burst.title;
  }

  /**
   * Answers the mount's requests, announces the session `up`, records the connection and starts
   * the mount info heartbeat. Call once.
   */
  start(): void {
    const { bus, subjects, settings } = this.#deps;
    const mount = this.#session.mount;
    // Every request sent to a mount is answered here; each gets one subscription.
    const handlers: Array<[subject: string, answer: (msg: BusMsg) => void]> = [
      [subjects.burst(mount), (msg) => this.#answerBurst(msg)],
      [subjects.titles(mount), (msg) => this.#answerTitles(msg)],
    ];
    this.#requests = handlers.map(([subject, answer]) =>
      bus.subscribe(subject, (msg) => {
        if (!this.#stopped) {
          answer(msg);
        }
      }),
    );
    this.#announce('up');
    this.#event('connect');
    this.#writeInfo();
    this.#infoTimer = setInterval(() => this.#writeInfo(), settings.infoRefreshMs);
    this.#infoTimer.unref();
  }

  /**
   * Stops answering requests and the heartbeat; what the session still flushes is published
   * after this, then `end()`.
   */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#infoTimer);
    for (const sub of this.#requests) {
      sub.unsubscribe();
    }
    this.#requests = [];
  }

  /** Announces the session `down` with `reason` and records the disconnect. */
  end(reason: string): void {
    this.#announce('down', reason);
    this.#event('disconnect');
  }

  /** Removes the mount info hash (only for the lease holder: after a takeover it is not ours). */
  async removeInfo(): Promise<void> {
    const { state, keys } = this.#deps;
    await state.deleteKey(keys.mountInfo(this.#session.mount)).catch(() => false);
  }

  /**
   * Publishes the frames and in-stream titles of one splitter result at the current position.
   * `headerPages` is the splitter's header set after it (read when the result changed it).
   */
  publish(result: SplitResult, headerPages: Uint8Array): void {
    const { subjects, settings, now } = this.#deps;
    const base = this.#position;
    if (result.headersChanged) {
      this.#onHeaders(result, headerPages, base);
    }
    for (const t of result.titles) {
      this.publishTitle({ position: base + t.offset, title: t.title, charset: 'UTF-8' }, 'stream');
    }
    const subject = subjects.audio(this.#session.mount);
    const timestampMs = now();
    const { id, contentType } = this.#session;
    // A new header set (a chained Ogg link) starts a marked chunk: edges start no listener
    // before it, and switch to the new headers only when it arrives.
    const headerStarts = this.#headerRuns.starts(result);
    for (const p of cutPieces(result, settings.maxChunkBytes, headerStarts)) {
      const data = result.data.subarray(p.start, p.end);
      const position = base + p.start;
      const codecHeaders = p.codecHeaders === true;
      const { data: payload, headers } = encodeAudioChunk({
        session: id,
        seq: this.#seq,
        position,
        contentType,
        data,
        timestampMs,
        ...(p.frames === undefined ? {} : { frames: p.frames }),
        ...(p.samples === undefined ? {} : { samples: p.samples }),
        ...(p.sampleRate === undefined ? {} : { sampleRate: p.sampleRate }),
        ...(codecHeaders ? { codecHeaders } : {}),
      });
      this.#send(subject, payload, headers);
      this.#burst.push(position, data, p.starts, { seq: this.#seq, codecHeaders });
      this.#seq += 1;
    }
    this.#position = base + result.data.length;
  }

  /** Publishes a title change in force from `entry.position` and records it for bursts. */
  publishTitle(entry: TitleEntry, origin: string): void {
    const { subjects, state, keys, settings, metrics, now } = this.#deps;
    const mount = this.#session.mount;
    // Encoded first: a change the bus cannot carry must not reach the burst buffer either, or
    // the titles a new edge gets would differ from those every other edge has.
    const data = encodeTitleChange({
      mount,
      session: this.#session.id,
      timestampMs: now(),
      ...entry,
    });
    this.#burst.addTitle(entry);
    metrics.metadataUpdates.labels(mount).inc();
    this.#send(subjects.meta(mount), data);
    this.#log.info({ origin, position: entry.position }, 'title changed');
    fireAndForget(this.#deps, 'mount-info-title', () =>
      state.setHash(keys.mountInfo(mount), { title: entry.title }, settings.infoTtlMs),
    );
  }

  #onHeaders(result: SplitResult, pages: Uint8Array, base: number): void {
    this.#headerPages = pages.length > 0 ? [pages] : [];
    const end = headerEnd(result);
    if (end !== undefined) {
      this.#burst.setAudioStart(base + end);
    }
    const codec = oggCodecOf(pages);
    if (codec !== undefined) {
      this.#audio = { ...this.#audio, codec };
    }
    this.#log.info(
      { headerBytes: pages.length, codec: this.#audio.codec },
      'codec headers received',
    );
    // Re-announced so edges that joined earlier learn the headers new listeners need first.
    this.#announce('up');
  }

  #facts(): SessionFacts {
    const s = this.#session;
    const { bytesRead, lastDataMs } = s.counters();
    const title = this.title;
    return {
      mount: s.mount,
      id: s.id,
      ip: s.ip,
      instanceId: this.#deps.instanceId,
      contentType: s.contentType,
      info: s.info,
      audio: this.#audio,
      headerPages: this.#headerPages,
      startedAtMs: s.startedAtMs,
      position: this.#position,
      bytesRead,
      lastDataMs,
      nextSeq: this.#seq,
      request: s.request,
      kind: s.kind,
      ...(title === null ? {} : { title: title.title }),
      ...(s.user === undefined ? {} : { user: s.user }),
      ...(s.userAgent === undefined ? {} : { userAgent: s.userAgent }),
    };
  }

  #announce(state: 'up' | 'down', reason?: string): void {
    const msg = announcement(this.#facts(), state, reason);
    this.#send(this.#deps.subjects.source(this.#session.mount), encodeSourceAnnouncement(msg));
  }

  #event(action: 'connect' | 'disconnect'): void {
    const evt = connectionEvent(this.#facts(), action, this.#deps.now());
    this.#send(this.#deps.subjects.evt(evtKindOf(evt)), encodeConnectionEvent(evt));
  }

  /**
   * Writes the whole mount info hash. Always whole, so a hash that expired during a Redis
   * outage comes back complete rather than as a few counters.
   */
  #writeInfo(): void {
    const { state, keys, settings } = this.#deps;
    const fields = mountInfoFields(this.#facts());
    const key = keys.mountInfo(this.#session.mount);
    fireAndForget(this.#deps, 'mount-info', () =>
      state.setHash(key, fields, settings.infoTtlMs, { replace: true }),
    );
  }

  #answerBurst(msg: BusMsg): void {
    this.#answer(msg, 'burst', decodeBurstRequest, (wanted) => {
      const cut = cutBurst(this.#facts(), this.#burst, wanted, this.#deps.bus.maxPayload);
      return cut?.bytes;
    });
  }

  /** Answers with the titles of a burst of the asked size: no audio leaves in the reply. */
  #answerTitles(msg: BusMsg): void {
    this.#answer(msg, 'titles', decodeTitlesRequest, (wanted) => {
      const reply = titlesReply(this.#facts(), this.#burst, wanted, this.#deps.bus.maxPayload);
      return reply === undefined ? undefined : encodeTitlesReply(reply);
    });
  }

  /**
   * Answers one request about the mount's recent audio: decodes it (a malformed one is ignored
   * with a debug line), takes its byte budget (the mount's burst size when absent) and responds
   * with what `answer` makes of it, or not at all when that is nothing.
   */
  #answer(
    msg: BusMsg,
    what: string,
    decode: (data: Uint8Array) => { maxBytes?: number },
    answer: (wanted: number) => Uint8Array | undefined,
  ): void {
    let maxBytes: number | undefined;
    try {
      maxBytes = decode(msg.data).maxBytes;
    } catch (err) {
      this.#log.debug({ err }, `ignoring a malformed ${what} request`);
      return;
    }
    const bytes = answer(maxBytes ?? burstSizeOf(this.#deps.settings, this.#session.mount));
    if (bytes !== undefined) {
      msg.respond(bytes);
    }
  }

  #send(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    publishOrLog(
      this.#deps.bus,
      { log: this.#log, limiter: this.#deps.limiter },
      subject,
      data,
      headers,
    );
  }
}
