/**
 * One mount as this edge sees it: the source's state and announcement, the shared ring of recent
 * audio with its title timeline, where new listeners may start, and the listeners reading it. Bus
 * input only appends and schedules a write pass; listeners are written to from that pass, never
 * from the bus callback.
 */
import type { TitleTimeline } from '@penguincast/icy';
import type { AudioChunk, BurstReply, SourceAnnouncement, TitleChange } from '@penguincast/bus';
import type { Logger } from 'pino';
import type { MountSettings } from './config.js';
import type { Listener, ListenerSource, StartPoint } from './listener.js';
import { MountAudio } from './mount-audio.js';
import type { ChunkRing } from './ring.js';
import { Seeding } from './seeding.js';

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
  /** The clock in milliseconds. */
  now: () => number;
}

/** Sessions remembered as ended, so their late chunks and titles are ignored. */
const ENDED_MEMORY = 16;
/** Chunks held while a burst request is in flight, beyond which they are applied at once. */
const QUEUE_LIMIT = 2048;

/** One mount's state on this edge. */
export class Mount implements ListenerSource {
  /** Listeners reading this mount. */
  readonly listeners = new Set<Listener>();
  /** The newest `up` announcement, for the listener headers. */
  announcement: SourceAnnouncement | undefined;
  /** Content type of the stream. */
  contentType = 'application/octet-stream';
  /** True while a source is up (announced or sending audio). */
  live = false;
  /** Wall-clock time of the last audio or `up`, for the idle timeout. */
  lastAudioAt: number;
  readonly #audio: MountAudio;
  readonly #seeding = new Seeding();
  #ended: string[] = [];
  #queue: AudioChunk[] | undefined;
  #graceTimer: NodeJS.Timeout | undefined;
  #scheduled = false;
  #lastPassAt = 0;

  constructor(
    readonly settings: MountSettings,
    private readonly timing: MountTiming,
    private readonly hooks: MountHooks,
    private readonly log: Logger,
  ) {
    this.#audio = new MountAudio(settings, log);
    this.lastAudioAt = timing.now();
  }

  /** The shared buffer. */
  get ring(): ChunkRing {
    return this.#audio.ring;
  }

  /** Titles by edge offset, so each listener hears the title of what it is about to hear. */
  get titles(): TitleTimeline {
    return this.#audio.titles;
  }

  /** The session of the newest chunk. */
  get session(): string | undefined {
    return this.#audio.session;
  }

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

  /**
   * True when this edge has the current session whole: it saw the session from its first byte
   * (announcement included) or filled it from a burst reply, so it knows the station headers,
   * the titles and the codec header pages, not only recent audio.
   */
  get seeded(): boolean {
    return this.session !== undefined && this.#seeding.whole === this.session;
  }

  /**
   * True when the owning ingest should be asked for a burst: this edge joined the current
   * session mid-way (however much audio it has buffered since, it missed the announcement, the
   * title on air and the header pages). Unanswered requests are retried, a few times at most.
   */
  needsBurst(): boolean {
    const announced = this.announcement?.session;
    if (
      announced !== undefined &&
      announced !== this.session &&
      announced === this.#seeding.announcedAtStart
    ) {
      // A new source announced from its start: all of it will come live.
      return false;
    }
    return !this.seeded && this.#seeding.mayAsk(this.timing.now());
  }

  /** Handles a source announcement. */
  onAnnouncement(a: SourceAnnouncement): void {
    if (this.#ended.includes(a.session)) {
      return;
    }
    if (a.state === 'up') {
      this.announcement = a;
      this.contentType = a.contentType;
      this.#audio.pages.announce(a.session, a.headerPages, a.session === this.session);
      if (a.position === 0) {
        this.#seeding.announcedAtStart = a.session;
      }
      this.live = true;
      this.lastAudioAt = this.timing.now();
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
    this.lastAudioAt = this.timing.now();
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
    if (this.#audio.title(t)) {
      this.#seeding.hold(t);
    }
  }

  /** Holds live chunks back while a burst request runs, so the reply can go in first. */
  beginSeeding(): void {
    this.#seeding.begin();
    if (this.listeners.size === 0) {
      this.#queue ??= [];
    }
  }

  /**
   * Takes a burst reply, or `undefined` when none came (asked again later, a few times).
   * Without listeners the ring is refilled from it; with listeners a new session is appended,
   * and for the current one only what the edge missed is taken (titles, header pages, the
   * announcement), since their cursors must stay valid. Held chunks follow, those the reply
   * already covered dropped by their sequence numbers; then title changes that arrived
   * meanwhile are applied again, as the reply may predate them.
   */
  seed(reply: BurstReply | undefined, announcement?: SourceAnnouncement): void {
    const queued = this.#queue ?? [];
    this.#queue = undefined;
    const held = this.#seeding.end();
    if (announcement !== undefined) {
      this.onAnnouncement(announcement);
    }
    if (reply === undefined) {
      this.#seeding.failed(this.timing.now());
    } else if (!this.#ended.includes(reply.session)) {
      this.#takeReply(reply);
    }
    for (const chunk of queued) {
      this.#append(chunk);
    }
    for (const t of held) {
      this.onTitle(t);
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
    return this.#audio.pointAt(this.ring.burstStart(this.settings.burstSize));
  }

  /** Where a moved listener continues: the newest chunk boundary, so the jump is short. */
  liveStartPoint(): StartPoint {
    return this.#audio.pointAt(this.ring.liveStart());
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
    this.#audio.forget();
    this.#seeding.whole = undefined;
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

  /** A burst reply that is not for an ended session: fill the ring or learn what was missed. */
  #takeReply(reply: BurstReply): void {
    this.contentType = reply.contentType;
    this.live = true;
    this.lastAudioAt = this.timing.now();
    this.#cancelGrace();
    if (this.listeners.size === 0) {
      this.#audio.clear();
    }
    if (reply.session !== this.session) {
      this.#seeding.newSession();
      this.#audio.fill(reply);
    } else {
      // Listeners hold cursors into this session: keep its audio, take the rest.
      this.#audio.pages.announce(reply.session, reply.headerPages, true);
      this.#audio.replyTitles(reply);
    }
    this.#seeding.replied(reply.session);
  }

  #append(chunk: AudioChunk): void {
    if (this.#ended.includes(chunk.session)) {
      return;
    }
    this.live = true;
    if (this.#audio.append(chunk) !== 'new-session') {
      return;
    }
    this.contentType = chunk.contentType;
    this.#cancelGrace();
    this.#seeding.newSession();
    // Seeing a session from its first byte, announcement included, is seeing all of it.
    if (chunk.position === 0 && this.announcement?.session === chunk.session) {
      this.#seeding.whole = chunk.session;
    }
    this.hooks.onSourceBack(this);
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
