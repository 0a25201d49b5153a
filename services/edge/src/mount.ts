/**
 * One mount as this edge sees it: the source's state and announcement, the shared ring of recent
 * audio with its title timeline, and the listeners reading it. Bus input only appends and
 * schedules a write pass; listeners are written to from that pass, never from the bus callback.
 */
import { TitleTimeline, type TitleInfo } from '@penguincast/icy';
import type { AudioChunk, BurstReply, SourceAnnouncement, TitleChange } from '@penguincast/bus';
import type { Logger } from 'pino';
import type { MountSettings } from './config.js';
import { HeaderPages } from './header-pages.js';
import type { Listener, ListenerSource, StartPoint } from './listener.js';
import { ChunkRing } from './ring.js';

/** What the mount table learns from a mount. */
export interface MountHooks {
  /**
   * The source went down and its grace period passed without a new session (`source-gone`), or
   * no audio came for the empty-buffer idle timeout (`idle`).
   */
  onSourceGone(mount: Mount, reason: 'source-gone' | 'idle'): void;
  /** A source session started sending audio (fallback override brings listeners back). */
  onSourceBack(mount: Mount): void;
}

/** Timing settings shared by every mount. */
export interface MountTiming {
  /** How long listeners wait for a returning source. */
  sourceGraceMs: number;
  /** A mount with no audio for this long ends its listeners; 0 disables it. */
  emptyBufferIdleTimeoutMs: number;
  /**
   * Least time between two write passes of the mount. Sources send one small frame at a time;
   * gathering a few frames per pass turns many tiny writes per listener into one `writev`,
   * which is most of the CPU a listener costs. 0 writes on every chunk.
   */
  writeIntervalMs?: number;
}

/** Sessions remembered as ended, so their late chunks and titles are ignored. */
const ENDED_MEMORY = 16;
/** Titles kept for sessions whose audio has not arrived yet. */
const PENDING_TITLES = 32;
/** Chunks held while a burst request is in flight, beyond which they are applied at once. */
const QUEUE_LIMIT = 2048;

/** One mount's state on this edge. */
export class Mount implements ListenerSource {
  /** The shared buffer. */
  readonly ring = new ChunkRing();
  /** Titles by edge offset, so each listener hears the title of what it is about to hear. */
  readonly titles = new TitleTimeline();
  /** Listeners reading this mount. */
  readonly listeners = new Set<Listener>();
  /** The newest `up` announcement, for the listener headers. */
  announcement: SourceAnnouncement | undefined;
  /** Content type of the stream. */
  contentType = 'application/octet-stream';
  /** The session of the newest chunk. */
  session: string | undefined;
  /** True while a source is up (announced or sending audio). */
  live = false;
  /** True when the ring holds the current session's burst (or asking for one is pointless). */
  seeded = false;
  /** Wall-clock time of the last audio or `up`, for the idle timeout. */
  lastAudioAt = Date.now();
  #lastSeq = -1;
  #nextPos = 0;
  #delta = 0;
  #sessionStart = 0;
  #ended: string[] = [];
  #pages = new HeaderPages();
  #pendingTitles: TitleChange[] = [];
  #queue: AudioChunk[] | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #lastPassAt = 0;
  #gapLogged = false;

  constructor(
    readonly settings: MountSettings,
    private readonly timing: MountTiming,
    private readonly hooks: MountHooks,
    private readonly log: Logger,
  ) {}

  /** The mount name. */
  get name(): string {
    return this.settings.name;
  }

  /** Bytes a listener may fall behind. */
  get queueSize(): number {
    return this.settings.queueSize;
  }

  /** True while a grace period for a returning source runs. */
  get inGrace(): boolean {
    return this.#graceTimer !== undefined;
  }

  /** True when a new listener can be served: a source is up and audio is flowing. */
  acceptsListeners(nowMs: number): boolean {
    const idle = this.timing.emptyBufferIdleTimeoutMs;
    return this.live && (idle === 0 || nowMs - this.lastAudioAt <= idle);
  }

  /** True when the ring lacks the current session's burst and the ingest should be asked. */
  needsBurst(): boolean {
    if (this.seeded) {
      return false;
    }
    if (this.session === undefined) {
      return true;
    }
    const held = this.ring.head - Math.max(this.#sessionStart, this.ring.tail);
    return held < this.settings.burstSize;
  }

  /** Handles a source announcement. */
  onAnnouncement(a: SourceAnnouncement): void {
    if (this.#ended.includes(a.session)) {
      return;
    }
    if (a.state === 'up') {
      this.announcement = a;
      this.contentType = a.contentType;
      this.#pages.remember(a.session, a.headerPages);
      this.live = true;
      this.lastAudioAt = Date.now();
      this.#cancelGrace();
      return;
    }
    this.#ended.push(a.session);
    if (this.#ended.length > ENDED_MEMORY) {
      this.#ended.shift();
    }
    const current = this.session ?? this.announcement?.session;
    if (a.session === current || a.session === this.announcement?.session) {
      this.live = false;
      this.#startGrace();
    }
  }

  /** Handles an audio chunk from the bus: append and schedule a write pass, nothing more. */
  onAudio(chunk: AudioChunk): void {
    if (this.#ended.includes(chunk.session)) {
      return;
    }
    this.lastAudioAt = Date.now();
    if (this.#queue !== undefined && this.#queue.length < QUEUE_LIMIT) {
      this.#queue.push(chunk);
      return;
    }
    this.#append(chunk);
    this.schedule();
  }

  /** Handles a title change from the bus. */
  onTitle(t: TitleChange): void {
    if (this.#ended.includes(t.session)) {
      return;
    }
    if (t.session === this.session) {
      this.titles.set(Math.max(this.#sessionStart, t.position + this.#delta), titleInfo(t));
      return;
    }
    this.#pendingTitles.push(t);
    if (this.#pendingTitles.length > PENDING_TITLES) {
      this.#pendingTitles.shift();
    }
  }

  /** Holds live chunks back while a burst request runs, so the reply can go in first. */
  beginSeeding(): void {
    if (this.listeners.size === 0) {
      this.#queue ??= [];
    }
  }

  /**
   * Takes a burst reply. Without listeners the ring is refilled from it; with listeners only a
   * new session is appended, since their cursors must stay valid. Held chunks follow; those
   * the reply already covered are dropped by their sequence numbers.
   */
  seed(reply: BurstReply | undefined, announcement?: SourceAnnouncement): void {
    const queued = this.#queue ?? [];
    this.#queue = undefined;
    this.seeded = true;
    if (announcement !== undefined) {
      this.onAnnouncement(announcement);
    }
    if (reply !== undefined && !this.#ended.includes(reply.session)) {
      this.#pages.remember(reply.session, reply.headerPages);
      this.contentType = reply.contentType;
      this.live = true;
      this.lastAudioAt = Date.now();
      this.#cancelGrace();
      if (this.listeners.size === 0) {
        this.ring.clear();
        this.titles.clear();
        this.session = undefined;
      }
      if (reply.session !== this.session) {
        this.#fill(reply);
      }
    }
    for (const chunk of queued) {
      this.#append(chunk);
    }
    this.schedule();
  }

  /** Where a new listener starts: the burst, on a chunk boundary of the current session. */
  startPoint(): StartPoint {
    const pending = this.announcement?.session;
    if (pending !== undefined && this.session !== undefined && pending !== this.session) {
      // A new source is announced but has sent nothing yet: wait for it, not for old audio.
      // Its first chunk carries its header pages (or the edge inserts them before it).
      return { cursor: this.ring.head };
    }
    return this.#pointAt(this.ring.burstStart(this.settings.burstSize));
  }

  /** Where a moved listener continues: the newest chunk boundary, so the jump is short. */
  liveStartPoint(): StartPoint {
    return this.#pointAt(this.ring.liveStart());
  }

  /**
   * Asks for a write pass: on the next turn of the event loop, or once `writeIntervalMs` has
   * passed since the last pass, whichever is later.
   */
  schedule(): void {
    if (this.#scheduled) {
      return;
    }
    this.#scheduled = true;
    const run = (): void => {
      this.#scheduled = false;
      this.#lastPassAt = performance.now();
      for (const listener of this.listeners) {
        listener.pump();
      }
    };
    const wait = (this.timing.writeIntervalMs ?? 0) - (performance.now() - this.#lastPassAt);
    if (wait > 0) {
      setTimeout(run, wait);
    } else {
      setImmediate(run);
    }
  }

  /** Periodic checks: the empty-buffer idle timeout. */
  tick(nowMs: number): void {
    const idle = this.timing.emptyBufferIdleTimeoutMs;
    if (idle > 0 && this.live && nowMs - this.lastAudioAt > idle) {
      this.log.info({ idleMs: nowMs - this.lastAudioAt }, 'mount received no audio for too long');
      this.live = false;
      this.hooks.onSourceGone(this, 'idle');
    }
  }

  /** Forgets the audio and titles of a source that is gone, keeping the settings. */
  forgetAudio(): void {
    this.ring.clear();
    this.titles.clear();
    this.session = undefined;
    this.seeded = false;
    this.#pendingTitles = [];
  }

  /** Ends every listener of the mount. */
  endAll(reason: 'source-gone' | 'idle' | 'shutdown'): void {
    for (const listener of [...this.listeners]) {
      listener.end(reason);
    }
  }

  /** Stops timers; the mount is being forgotten or the edge stops. */
  dispose(): void {
    this.#cancelGrace();
  }

  #pointAt(cursor: number): StartPoint {
    const chunk = this.ring.find(cursor);
    const session = chunk?.session ?? this.session;
    if (session === undefined) {
      return { cursor };
    }
    // A chunk at a session's stream start already carries its header pages, as does one we
    // inserted; anywhere else a new reader needs them first.
    const atStart = chunk !== undefined && (chunk.header || chunk.streamPos === 0);
    return { cursor, ...this.#pages.preamble(session, !atStart) };
  }

  /** Appends a burst reply's frames as the start of its session. */
  #fill(reply: BurstReply): void {
    const first = reply.frames[0];
    this.#beginSession(reply.session, first?.position ?? reply.endPosition, first?.data);
    for (const frame of reply.frames.slice(1)) {
      this.ring.append(frame.data, reply.session, frame.position);
    }
    this.#lastSeq = reply.nextSeq - 1;
    this.#nextPos = reply.endPosition;
    const entries = reply.titles.length > 0 ? reply.titles : reply.title ? [reply.title] : [];
    for (const t of entries) {
      this.titles.set(Math.max(this.#sessionStart, t.position + this.#delta), titleInfo(t));
    }
    this.#trim();
  }

  #append(chunk: AudioChunk): void {
    if (this.#ended.includes(chunk.session)) {
      return;
    }
    this.live = true;
    if (chunk.session !== this.session) {
      this.contentType = chunk.contentType;
      this.#beginSession(chunk.session, chunk.position, chunk.data);
      this.#lastSeq = chunk.seq;
      this.#nextPos = chunk.position + chunk.data.length;
      // Seeing a session from its first byte means the ring will hold any burst it needs.
      this.seeded = chunk.position === 0;
      this.#trim();
      this.hooks.onSourceBack(this);
      return;
    }
    if (chunk.seq <= this.#lastSeq || chunk.position < this.#nextPos) {
      return;
    }
    if (chunk.seq !== this.#lastSeq + 1 || chunk.position !== this.#nextPos) {
      if (!this.#gapLogged) {
        this.#gapLogged = true;
        this.log.warn(
          {
            missedChunks: chunk.seq - this.#lastSeq - 1,
            missedBytes: chunk.position - this.#nextPos,
          },
          'audio gap on the bus; listeners skip ahead',
        );
      }
      this.#delta = this.ring.head - chunk.position;
    } else {
      this.#gapLogged = false;
    }
    this.ring.append(chunk.data, chunk.session, chunk.position);
    this.#lastSeq = chunk.seq;
    this.#nextPos = chunk.position + chunk.data.length;
    this.#trim();
  }

  /** Starts a session in the ring: header pages when its start was missed, then the first bytes. */
  #beginSession(session: string, position: number, data: Uint8Array | undefined): void {
    this.session = session;
    this.#cancelGrace();
    this.#sessionStart = this.ring.head;
    const pages = this.#pages.get(session);
    let flagged = false;
    if (position > 0 && pages !== undefined) {
      this.ring.append(pages, session, position, { header: true, sessionStart: true });
      flagged = true;
    }
    this.#delta = this.ring.head - position;
    if (data !== undefined) {
      this.ring.append(data, session, position, { sessionStart: !flagged });
    }
    // The old source's title does not belong to the new one; its own titles replace this.
    if (this.titles.latest() !== undefined) {
      this.titles.set(this.#sessionStart, { title: '' });
    }
    const pending = this.#pendingTitles.filter((t) => t.session === session);
    this.#pendingTitles = this.#pendingTitles.filter((t) => t.session !== session);
    for (const t of pending) {
      this.titles.set(Math.max(this.#sessionStart, t.position + this.#delta), titleInfo(t));
    }
  }

  #trim(): void {
    this.ring.trim(this.settings.queueSize + this.settings.burstSize);
    this.titles.prune(this.ring.tail);
  }

  #startGrace(): void {
    if (this.#graceTimer !== undefined) {
      return;
    }
    // Even a zero grace period runs from a timer: this is called from a bus callback, which
    // must not end sockets itself.
    this.#graceTimer = setTimeout(() => {
      this.#graceTimer = undefined;
      if (!this.live) {
        this.hooks.onSourceGone(this, 'source-gone');
      }
    }, this.timing.sourceGraceMs);
  }

  #cancelGrace(): void {
    if (this.#graceTimer !== undefined) {
      clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    }
  }
}

function titleInfo(t: { title: string; url?: string }): TitleInfo {
  return t.url === undefined ? { title: t.title } : { title: t.title, url: t.url };
}
