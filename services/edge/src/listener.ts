/**
 * One listener connection: a cursor into its mount's shared ring, an optional ICY framer, and the
 * write loop that respects socket backpressure. It writes only from I/O callbacks and write
 * passes, never from a bus callback, and it never waits on anything but its own socket.
 */
import type { Socket } from 'node:net';
import type { IcyFramer, TitleSource, TitleTimeline } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { ChunkRing } from './ring.js';

/** What a listener reads from: the mount it is on (it changes when the listener is moved). */
export interface ListenerSource {
  /** The mount name. */
  readonly name: string;
  /** The mount's shared buffer. */
  readonly ring: ChunkRing;
  /** Titles of the mount by edge offset. */
  readonly titles: TitleTimeline;
  /** Bytes the listener may fall behind the head before it is dropped. */
  readonly queueSize: number;
  /** Asks for a write pass soon (the listener's budget ran out with audio left). */
  schedule(): void;
}

/** Why a listener ended. */
export type EndReason =
  'client' | 'source-gone' | 'idle' | 'slow' | 'write-timeout' | 'killed' | 'shutdown';

/** What the owner learns from a listener. */
export interface ListenerHooks {
  /** The first body byte was handed to the socket. */
  onFirstByte(listener: Listener): void;
  /** `n` body bytes (metadata included) were handed to the socket. */
  onBytes(listener: Listener, n: number): void;
  /** The listener was dropped for being slow (`slow` or `write-timeout`). */
  onSlowDrop(listener: Listener, reason: EndReason): void;
  /** The listener ended, for whatever reason; called exactly once. */
  onClosed(listener: Listener, reason: EndReason): void;
}

/** Request facts kept for events and `list-clients`. */
export interface ListenerInfo {
  /** Connection id, unique across the cluster. */
  id: string;
  /** Client IP address. */
  ip: string;
  /** The request line without its query string. */
  request: string;
  userAgent?: string;
  referer?: string;
  /** The mount the client asked for (where a fallback-override move brings it back). */
  home: string;
  /** Wall-clock accept time, milliseconds since the epoch. */
  acceptedAtMs: number;
}

/** Where a listener starts reading. */
export interface StartPoint {
  /** Edge offset of the first audio byte (a chunk, hence frame, boundary). */
  cursor: number;
  /** Codec header pages to send before the audio (Ogg, FLAC), when the cursor is mid-session. */
  preamble?: Uint8Array;
  /** Whole frames sent before everything else on a new connection (the mount's `Intro`). */
  intro?: Uint8Array;
}

/** The rest of a chunk a moved listener was in the middle of, still owed to its socket. */
interface Carry {
  bytes: Uint8Array;
  /** Edge offset of `bytes[0]` on the mount it came from. */
  pos: number;
  /** That mount's titles, so its ICY blocks still name what the listener hears. */
  titles: TitleSource;
}

/** Options of {@link Listener}. */
export interface ListenerOptions {
  /** Most bytes written per turn before yielding to other listeners. */
  maxBytesPerTurn: number;
  /** Per-connection logger (bound to mount and listener id). */
  log: Logger;
  /** The clock in milliseconds, for the write-progress timeout. */
  now: () => number;
}

/** One connected listener. */
export class Listener {
  /** Bytes written to the socket, metadata included. */
  bytesSent = 0;
  /** Edge offset of the next audio byte to send. */
  cursor: number;
  #source: ListenerSource;
  #preamble: Uint8Array | undefined;
  #intro: Uint8Array | undefined;
  #carry: Carry | undefined;
  #session: string | undefined;
  #waiting = false;
  #waitSince = 0;
  #lagging = false;
  #closed = false;
  readonly #onDrain = (): void => {
    this.#waiting = false;
    this.pump();
  };

  constructor(
    readonly info: ListenerInfo,
    readonly socket: Socket,
    source: ListenerSource,
    start: StartPoint,
    readonly framer: IcyFramer | undefined,
    private readonly hooks: ListenerHooks,
    private readonly opts: ListenerOptions,
  ) {
    this.#source = source;
    this.cursor = start.cursor;
    this.#preamble = start.preamble;
    this.#intro = start.intro;
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#finish('client'));
    // A listener has nothing more to say, but reading lets us see it hang up; input is dropped.
    socket.on('data', () => undefined);
    socket.resume();
  }

  /** The mount the listener is on now. */
  get source(): ListenerSource {
    return this.#source;
  }

  /** True once the listener has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes between the listener's cursor and the newest audio. */
  get lag(): number {
    return this.#source.ring.head - this.cursor;
  }

  /** True while a write is waiting for `'drain'`. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /**
   * Moves the listener to another position, possibly on another mount. The ICY byte count goes
   * on, but the framer resends the title at the next block. A listener stopped inside a chunk
   * (its write budget ran out there) first gets the rest of that chunk, so the frame it was
   * sending is finished and the new audio starts on a frame boundary.
   */
  place(source: ListenerSource, start: StartPoint): void {
    const old = this.#source;
    const chunk = old.ring.find(this.cursor);
    if (chunk !== undefined && this.cursor > chunk.start && this.#carry === undefined) {
      this.#carry = {
        bytes: chunk.data.subarray(this.cursor - chunk.start),
        pos: this.cursor,
        titles: old.titles,
      };
    }
    this.#source = source;
    this.cursor = start.cursor;
    this.#preamble = start.preamble;
    this.#session = undefined;
    this.framer?.reset();
  }

  /**
   * Writes what the listener is missing, up to the per-turn budget, until the socket pushes
   * back. Drops the listener when it is more than the queue size behind the head.
   */
  pump(): void {
    try {
      this.#pump();
    } catch (err) {
      // A bug here must cost this listener only, never the write pass of the others.
      this.opts.log.error({ err }, 'listener write failed');
      this.drop('client');
    }
  }

  #pump(): void {
    if (this.#closed) {
      return;
    }
    const source = this.#source;
    if (!this.#checkLag(source)) {
      return;
    }
    if (this.#waiting) {
      return;
    }
    // Everything this pass writes leaves in one writev: one syscall per listener per pass.
    this.socket.cork();
    try {
      this.#pumpCorked(source);
    } finally {
      this.socket.uncork();
    }
  }

  #pumpCorked(source: ListenerSource): void {
    const ring = source.ring;
    let budget = this.opts.maxBytesPerTurn;
    if (this.#carry !== undefined) {
      const carry = this.#carry;
      this.#carry = undefined;
      if (!this.#write(carry.bytes, carry.pos, carry.titles)) {
        this.#wait();
        return;
      }
    }
    if (this.#intro !== undefined) {
      const intro = this.#intro;
      this.#intro = undefined;
      // ICY blocks inside the intro name the title of the audio that follows it.
      if (!this.#write(intro, this.cursor)) {
        this.#wait();
        return;
      }
    }
    if (this.#preamble !== undefined) {
      const pages = this.#preamble;
      this.#preamble = undefined;
      if (!this.#write(pages, this.cursor)) {
        this.#wait();
        return;
      }
    }
    while (budget > 0 && this.cursor < ring.head) {
      let chunk = ring.find(this.cursor);
      if (chunk === undefined) {
        // Only a refilled ring can leave a cursor behind within the queue: rejoin at its tail.
        this.cursor = ring.tail;
        this.framer?.reset();
        chunk = ring.find(this.cursor);
        if (chunk === undefined) {
          return;
        }
      }
      if (chunk.session !== this.#session) {
        if (this.#session !== undefined) {
          // A new source session: its first frame follows, and the title is sent afresh.
          this.framer?.reset();
        }
        this.#session = chunk.session;
      }
      const offset = this.cursor - chunk.start;
      const n = Math.min(chunk.data.length - offset, budget);
      const ok = this.#write(chunk.data.subarray(offset, offset + n), this.cursor);
      this.cursor += n;
      budget -= n;
      if (!ok) {
        this.#wait();
        return;
      }
    }
    if (this.cursor < ring.head) {
      source.schedule();
    }
  }

  /** Drops the listener when it has waited for `'drain'` longer than `timeoutMs`. */
  checkStall(nowMs: number, timeoutMs: number): void {
    if (this.#waiting && !this.#closed && nowMs - this.#waitSince > timeoutMs) {
      this.opts.log.info({ lagBytes: this.lag }, 'listener made no write progress, dropping it');
      this.hooks.onSlowDrop(this, 'write-timeout');
      this.drop('write-timeout');
    }
  }

  /** Ends the listener after what was already written is flushed. */
  end(reason: EndReason): void {
    if (this.#closed) {
      return;
    }
    this.#finish(reason);
    this.socket.end();
    // A client that stopped reading would keep a half-closed socket forever.
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }

  /** Ends the listener at once, discarding what it has not read. */
  drop(reason: EndReason): void {
    if (this.#closed) {
      return;
    }
    this.#finish(reason);
    this.socket.destroy();
  }

  #checkLag(source: ListenerSource): boolean {
    const lag = this.lag;
    if (lag > source.queueSize) {
      this.opts.log.info(
        { lagBytes: lag, queueSize: source.queueSize },
        'listener has fallen too far behind, dropping it',
      );
      this.hooks.onSlowDrop(this, 'slow');
      this.drop('slow');
      return false;
    }
    // Warn once when half the queue is used, and re-arm only after the listener caught up.
    if (!this.#lagging && lag > source.queueSize / 2) {
      this.#lagging = true;
      this.opts.log.debug({ lagBytes: lag }, 'listener is falling behind');
    } else if (this.#lagging && lag < source.queueSize / 4) {
      this.#lagging = false;
    }
    return true;
  }

  #write(bytes: Uint8Array, pos: number, titles: TitleSource = this.#source.titles): boolean {
    const parts = this.framer ? this.framer.write(bytes, pos, titles) : [bytes];
    const first = this.bytesSent === 0;
    let ok = true;
    let n = 0;
    for (const part of parts) {
      ok = this.socket.write(part);
      n += part.length;
    }
    this.bytesSent += n;
    if (first && n > 0) {
      this.hooks.onFirstByte(this);
    }
    this.hooks.onBytes(this, n);
    return ok && !this.socket.destroyed;
  }

  #wait(): void {
    this.#waiting = true;
    this.#waitSince = this.opts.now();
    this.socket.once('drain', this.#onDrain);
  }

  #finish(reason: EndReason): void {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.socket.off('drain', this.#onDrain);
    this.hooks.onClosed(this, reason);
  }
}
