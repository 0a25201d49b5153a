/**
 * One live source: splits its bytes into whole frames and publishes them with session, sequence
 * and position; publishes titles, announcements and connection events; keeps the burst buffer,
 * the mount info heartbeat, the lease and the dump file. It never awaits Redis in the data path
 * and never writes to a listener.
 */
import {
  decodeBurstRequest,
  encodeAudioChunk,
  encodeConnectionEvent,
  encodeSourceAnnouncement,
  encodeTitleChange,
  evtKindOf,
  type AudioInfo,
  type BusMsg,
  type BusSubscription,
  type TitleEntry,
} from '@penguincast/bus';
import {
  codecFromContentType,
  createFrameSplitter,
  type FrameSplitter,
  type SplitResult,
} from '@penguincast/icy';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { BurstBuffer } from './burst-buffer.js';
import { HeaderRuns, cutPieces, headerEnd } from './chunking.js';
import { burstSizeOf } from './config.js';
import { fireAndForget, publishOrLog, type IngestContext } from './context.js';
import { DumpFile } from './dump-file.js';
import { forgetMountSeries } from './metrics.js';
import type { SessionInit, SourceKind } from './session-init.js';
import { audioInfoOf, oggCodecOf } from './source-info.js';
import {
  announcement,
  burstReply,
  connectionEvent,
  mountInfoFields,
  type SessionFacts,
} from './session-messages.js';

export type { SessionInit, SourceKind } from './session-init.js';

/** Extra audio kept beyond the burst size, so a burst can be cut on a frame boundary. */
const BURST_MARGIN_BYTES = 256 * 1024;

/** A live source session. */
export class SourceSession {
  readonly id: string;
  readonly mount: string;
  readonly ip: string;
  readonly owner: string;
  readonly startedAtMs: number;
  /** When the last byte arrived, in milliseconds since the epoch (for takeover decisions). */
  lastDataMs: number;
  /** Bytes read from the source so far, before framing. */
  bytesRead = 0;
  readonly #ctx: IngestContext;
  readonly #init: SessionInit;
  readonly #log: Logger;
  readonly #splitter: FrameSplitter;
  readonly #burst: BurstBuffer;
  readonly #bytesIn: Counter.Internal;
  readonly #dump: DumpFile | undefined;
  readonly #headerRuns = new HeaderRuns();
  #position = 0;
  #seq = 0;
  #audio: AudioInfo;
  #headerPages: Uint8Array[] = [];
  #skipped = 0;
  #skipLogged = false;
  #infoTimer: NodeJS.Timeout | undefined;
  #burstSub: BusSubscription | undefined;
  #ending: Promise<void> | undefined;

  constructor(ctx: IngestContext, init: SessionInit) {
    this.#ctx = ctx;
    this.#init = init;
    this.id = init.id;
    this.mount = init.mount;
    this.ip = init.ip;
    this.owner = init.lease.owner;
    this.startedAtMs = ctx.now();
    this.lastDataMs = this.startedAtMs;
    this.#log = ctx.log.child({ mount: init.mount, session: init.id });
    this.#splitter = createFrameSplitter(init.contentType);
    const burstSize = burstSizeOf(ctx.settings, init.mount);
    this.#burst = new BurstBuffer(burstSize + Math.max(burstSize, BURST_MARGIN_BYTES));
    const mountCfg = ctx.settings.mounts.get(init.mount);
    this.#audio = audioInfoOf(
      init.info,
      codecFromContentType(init.contentType),
      mountCfg?.bitrateKbps,
    );
    this.#bytesIn = ctx.metrics.bytesIn.labels(init.mount);
    this.#dump =
      mountCfg?.dumpFile === undefined ? undefined : new DumpFile(mountCfg.dumpFile, this.#log);
  }

  /** The logger bound to this session's mount and id. */
  get log(): Logger {
    return this.#log;
  }

  /** Stream position of the next byte to be published. */
  get position(): number {
    return this.#position;
  }

  /** The title on air now, or null. */
  get title(): TitleEntry | null {
    return this.#burst.title;
  }

  /** True for a SHOUTcast v1 source. */
  get shoutcast(): boolean {
    return this.#init.shoutcast === true;
  }

  /** What feeds the session. */
  get kind(): SourceKind {
    return this.#init.kind ?? 'source';
  }

  /** Whether the session has ended. */
  get ended(): boolean {
    return this.#ending !== undefined;
  }

  /** Registers the session, announces it and starts its heartbeats. Call once, after the 200. */
  start(): void {
    const ctx = this.#ctx;
    ctx.sessions.add(this);
    ctx.metrics.sources.labels(this.mount).inc();
    ctx.metrics.connects.labels(this.mount).inc();
    this.#burstSub = ctx.bus.subscribe(ctx.subjects.burst(this.mount), (msg) =>
      this.#answerBurst(msg),
    );
    this.#announce('up');
    this.#event('connect');
    this.#writeInfo();
    this.#infoTimer = setInterval(() => this.#writeInfo(), ctx.settings.infoRefreshMs);
    this.#infoTimer.unref();
    this.#init.lease.startRenewing(() => {
      this.#log.warn('mount lease taken by another source; ending this one');
      this.kill('lease-lost');
    });
    this.#log.info(
      { ip: this.ip, contentType: this.#init.contentType, userAgent: this.#init.userAgent },
      'source connected',
    );
  }

  /** Takes the next bytes of the stream. A stream the splitter cannot take ends the session. */
  feed(bytes: Uint8Array): void {
    if (this.ended || bytes.length === 0) {
      return;
    }
    this.lastDataMs = this.#ctx.now();
    this.bytesRead += bytes.length;
    this.#ctx.totals.bytesIn += bytes.length;
    this.#bytesIn.inc(bytes.length);
    let result: SplitResult;
    try {
      result = this.#splitter.push(bytes);
    } catch (err) {
      this.#log.error({ err }, 'frame splitter failed; dropping the source');
      this.kill('bad-stream');
      return;
    }
    this.#publish(result);
  }

  /** Sets the title from now on (position = next byte to be published) and publishes it. */
  setTitle(title: string, url: string | undefined, charset: string, origin: string): void {
    this.#title({ position: this.#position, title, charset, ...(url ? { url } : {}) }, origin);
  }

  /**
   * Sets a title carried inside the stream itself (a relay's ICY metadata), in force from the
   * next byte fed: the bytes the splitter still holds come before it, so its position is the
   * publish cursor plus those.
   */
  setStreamTitle(title: string, url: string | undefined, origin: string): void {
    if (this.ended) {
      return;
    }
    const position = this.#position + this.#splitter.pendingBytes;
    this.#title({ position, title, charset: 'UTF-8', ...(url ? { url } : {}) }, origin);
  }

  /** Ends the session from this side: closes the transport, then finishes. */
  kill(reason: string): Promise<void> {
    this.#init.closeTransport();
    return this.finish(reason);
  }

  /**
   * Ends the session (idempotent): publishes what the splitter still holds, announces `down`,
   * records the disconnect, and frees the lease and mount info. Resolves once Redis answered.
   */
  finish(reason: string): Promise<void> {
    if (this.#ending !== undefined) {
      return this.#ending;
    }
    const ctx = this.#ctx;
    this.#ending = Promise.resolve();
    clearInterval(this.#infoTimer);
    this.#burstSub?.unsubscribe();
    try {
      this.#publish(this.#splitter.flush());
    } catch (err) {
      this.#log.warn({ err }, 'frame splitter failed at the end of the stream');
    }
    ctx.sessions.remove(this);
    ctx.metrics.sources.labels(this.mount).dec();
    if (!ctx.settings.mounts.has(this.mount) && ctx.sessions.get(this.mount) === undefined) {
      forgetMountSeries(ctx.metrics, this.mount);
    }
    this.#dump?.close();
    this.#announce('down', reason);
    this.#event('disconnect');
    const seconds = Math.round((ctx.now() - this.startedAtMs) / 1000);
    this.#log.info(
      { reason, bytes: this.bytesRead, published: this.#position, skipped: this.#skipped, seconds },
      'source disconnected',
    );
    this.#ending = this.#init.lease.release().then(async (freed) => {
      // Only the holder removes the mount info; after a takeover it belongs to the new source.
      if (freed) {
        await ctx.state.deleteKey(ctx.keys.mountInfo(this.mount)).catch(() => false);
      }
    });
    const onFinish = this.#init.onFinish;
    if (onFinish !== undefined) {
      // After the lease is released, so a relay retrying at once can take the mount again.
      void this.#ending.then(() => onFinish(reason));
    }
    return this.#ending;
  }

  #publish(result: SplitResult): void {
    const ctx = this.#ctx;
    if (result.skippedBytes > 0) {
      this.#skipped += result.skippedBytes;
      if (!this.#skipLogged) {
        // Once per session: a source that sends junk tends to keep sending it.
        this.#skipLogged = true;
        this.#log.warn(
          { skipped: result.skippedBytes },
          'skipping bytes that are not whole frames',
        );
      }
    }
    const base = this.#position;
    if (result.headersChanged) {
      this.#onHeaders(result, base);
    }
    for (const t of result.titles) {
      this.#title({ position: base + t.offset, title: t.title, charset: 'UTF-8' }, 'stream');
    }
    const subject = ctx.subjects.audio(this.mount);
    const timestampMs = ctx.now();
    const contentType = this.#init.contentType;
    // A new header set (a chained Ogg link) starts a marked chunk: edges start no listener
    // before it, and switch to the new headers only when it arrives.
    const headerStarts = this.#headerRuns.starts(result);
    for (const p of cutPieces(result, ctx.settings.maxChunkBytes, headerStarts)) {
      const data = result.data.subarray(p.start, p.end);
      const position = base + p.start;
      const codecHeaders = p.codecHeaders === true;
      const { data: payload, headers } = encodeAudioChunk({
        session: this.id,
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
    this.#dump?.write(result.data);
    this.#position = base + result.data.length;
  }

  #onHeaders(result: SplitResult, base: number): void {
    const pages = this.#splitter.headerPages;
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

  #title(entry: TitleEntry, origin: string): void {
    const ctx = this.#ctx;
    // Encoded first: a change the bus cannot carry must not reach the burst buffer either, or
    // the titles a new edge gets would differ from those every other edge has.
    const data = encodeTitleChange({
      mount: this.mount,
      session: this.id,
      timestampMs: ctx.now(),
      ...entry,
    });
    this.#burst.addTitle(entry);
    ctx.metrics.metadataUpdates.labels(this.mount).inc();
    this.#send(ctx.subjects.meta(this.mount), data);
    this.#log.info({ origin, position: entry.position }, 'title changed');
    fireAndForget(ctx, 'mount-info-title', () =>
      ctx.state.setHash(
        ctx.keys.mountInfo(this.mount),
        { title: entry.title },
        ctx.settings.infoTtlMs,
      ),
    );
  }

  #facts(): SessionFacts {
    const init = this.#init;
    return {
      mount: this.mount,
      id: this.id,
      ip: this.ip,
      instanceId: this.#ctx.instanceId,
      contentType: init.contentType,
      info: init.info,
      audio: this.#audio,
      headerPages: this.#headerPages,
      startedAtMs: this.startedAtMs,
      position: this.#position,
      bytesRead: this.bytesRead,
      lastDataMs: this.lastDataMs,
      nextSeq: this.#seq,
      request: init.request,
      kind: this.kind,
      ...(this.title === null ? {} : { title: this.title.title }),
      ...(init.user === undefined ? {} : { user: init.user }),
      ...(init.userAgent === undefined ? {} : { userAgent: init.userAgent }),
    };
  }

  #announce(state: 'up' | 'down', reason?: string): void {
    const msg = announcement(this.#facts(), state, reason);
    this.#send(this.#ctx.subjects.source(this.mount), encodeSourceAnnouncement(msg));
  }

  #event(action: 'connect' | 'disconnect'): void {
    const evt = connectionEvent(this.#facts(), action, this.#ctx.now());
    this.#send(this.#ctx.subjects.evt(evtKindOf(evt)), encodeConnectionEvent(evt));
  }

  /**
   * Writes the whole mount info hash. Always whole, so a hash that expired during a Redis
   * outage comes back complete rather than as a few counters.
   */
  #writeInfo(): void {
    const ctx = this.#ctx;
    const fields = mountInfoFields(this.#facts());
    const key = ctx.keys.mountInfo(this.mount);
    fireAndForget(ctx, 'mount-info', () =>
      ctx.state.setHash(key, fields, ctx.settings.infoTtlMs, { replace: true }),
    );
  }

  #answerBurst(msg: BusMsg): void {
    if (this.ended) {
      return;
    }
    const ctx = this.#ctx;
    let maxBytes: number | undefined;
    try {
      maxBytes = decodeBurstRequest(msg.data).maxBytes;
    } catch (err) {
      this.#log.debug({ err }, 'ignoring a malformed burst request');
      return;
    }
    const wanted = maxBytes ?? burstSizeOf(ctx.settings, this.mount);
    const bytes = burstReply(this.#facts(), this.#burst, wanted, ctx.bus.maxPayload);
    if (bytes !== undefined) {
      msg.respond(bytes);
    }
  }

  #send(subject: string, data: Uint8Array, headers?: Record<string, string>): void {
    publishOrLog(this.#ctx, this.#log, subject, data, headers);
  }
}
