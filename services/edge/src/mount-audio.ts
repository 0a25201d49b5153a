/**
 * One mount's audio on this edge: the ring of its sessions' chunks with their stream positions,
 * the title timeline by edge offset, the codec header pages, and where a new reader may start
 * (never before the newest set of codec headers). Pure bookkeeping: no sockets or timers; the
 * mount decides what to feed it and when to write.
 */
import { TitleTimeline, type TitleInfo } from '@penguincast/icy';
import type { AudioChunk, BurstReply, TitleChange } from '@penguincast/bus';
import type { Logger } from 'pino';
import { HeaderPages } from './header-pages.js';
import type { StartPoint } from './listener.js';
import { ChunkRing } from './ring.js';

/** Titles kept for sessions whose audio has not arrived yet. */
const PENDING_TITLES = 32;

/** What an appended chunk did. */
export type AppendResult = 'new-session' | 'appended' | 'duplicate';

/** The ring, titles and header pages of one mount. */
export class MountAudio {
  /** The shared buffer. */
  readonly ring = new ChunkRing();
  /** Titles by edge offset, so each listener hears the title of what it is about to hear. */
  readonly titles = new TitleTimeline();
  /** Header pages by session, and the switch to a chained stream's next link. */
  readonly pages = new HeaderPages();
  /** The session of the newest chunk. */
  session: string | undefined;
  #lastSeq = -1;
  #nextPos = 0;
  #delta = 0;
  #sessionStart = 0;
  /**
   * No reader of the current session starts before this edge offset: the session's start or
   * the newest chunk that begins a new set of codec headers (a chained Ogg link), since audio
   * before it needs headers other than the ones on air now.
   */
  #floor = 0;
  #pendingTitles: TitleChange[] = [];
  #gapLogged = false;

  constructor(
    private readonly sizes: { burstSize: number; queueSize: number },
    private readonly log: Logger,
  ) {}

  /** Appends a live chunk: a new session, the next chunk (after a gap, skipping ahead), or a duplicate. */
  append(chunk: AudioChunk): AppendResult {
    const codecHeaders = chunk.codecHeaders === true;
    if (chunk.session !== this.session) {
      this.#beginSession(chunk.session, chunk.position, chunk.data, codecHeaders);
      this.#lastSeq = chunk.seq;
      this.#nextPos = chunk.position + chunk.data.length;
      this.#trim();
      return 'new-session';
    }
    if (chunk.seq <= this.#lastSeq || chunk.position < this.#nextPos) {
      return 'duplicate';
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
    if (codecHeaders) {
      // A new header set starts here: no new reader starts before it, and its pages (announced
      // ahead of it) are the ones on air from now on.
      this.#floor = this.ring.head;
      this.pages.linkStarted(chunk.session, chunk.data);
    }
    this.ring.append(chunk.data, chunk.session, chunk.position, { codecHeaders });
    this.#lastSeq = chunk.seq;
    this.#nextPos = chunk.position + chunk.data.length;
    this.#trim();
    return 'appended';
  }

  /** Appends a burst reply's frames as the start of its session, with its pages and titles. */
  fill(reply: BurstReply): void {
    this.pages.remember(reply.session, reply.headerPages);
    const first = reply.frames[0];
    this.#beginSession(reply.session, first?.position ?? reply.endPosition, first?.data);
    for (const frame of reply.frames.slice(1)) {
      this.ring.append(frame.data, reply.session, frame.position);
    }
    this.#lastSeq = reply.nextSeq - 1;
    this.#nextPos = reply.endPosition;
    this.replyTitles(reply);
    this.#trim();
  }

  /** The titles a burst reply carries, at their positions (older ones at the session start). */
  replyTitles(reply: BurstReply): void {
    const entries = reply.titles.length > 0 ? reply.titles : reply.title ? [reply.title] : [];
    for (const t of entries) {
      this.#setTitle(t);
    }
  }

  /** Takes a title change; true when it belongs to the current session (else it waits). */
  title(t: TitleChange): boolean {
    if (t.session === this.session) {
      this.#setTitle(t);
      return true;
    }
    this.#pendingTitles.push(t);
    if (this.#pendingTitles.length > PENDING_TITLES) {
      this.#pendingTitles.shift();
    }
    return false;
  }

  /**
   * Where a reader starting at edge offset `at` really starts, with the header pages it needs
   * first: never before the newest header set, and while that set's pages are unknown here,
   * exactly at its first chunk, which carries them.
   */
  pointAt(at: number): StartPoint {
    let cursor = at;
    const current = this.session;
    if (current !== undefined && this.#floor >= this.ring.tail) {
      // Starting at the floor itself is bounded: a reader that far behind would be dropped.
      const due =
        this.pages.isDue(current) && this.ring.head - this.#floor <= this.sizes.queueSize / 2;
      cursor = due ? this.#floor : Math.max(cursor, this.#floor);
    }
    const chunk = this.ring.find(cursor);
    const session = chunk?.session ?? current;
    if (session === undefined) {
      return { cursor };
    }
    // A chunk at a session's stream start already carries its header pages, as do one we
    // inserted and one that begins a new header set; anywhere else a new reader needs them.
    const atStart =
      chunk !== undefined && (chunk.header || chunk.codecHeaders || chunk.streamPos === 0);
    return { cursor, ...this.pages.preamble(session, !atStart) };
  }

  /** Forgets the audio and titles (the head stays, so old cursors never match new bytes). */
  clear(): void {
    this.ring.clear();
    this.titles.clear();
    this.session = undefined;
  }

  /** Forgets everything of a source that is gone, titles waiting for their session included. */
  forget(): void {
    this.clear();
    this.#pendingTitles = [];
  }

  #setTitle(t: { position: number; title: string; url?: string }): void {
    this.titles.set(Math.max(this.#sessionStart, t.position + this.#delta), titleInfo(t));
  }

  /**
   * Starts a session in the ring: header pages when its start was missed, then the first bytes.
   * A first chunk that begins a header set carries its own pages.
   */
  #beginSession(
    session: string,
    position: number,
    data: Uint8Array | undefined,
    codecHeaders = false,
  ): void {
    this.session = session;
    this.#sessionStart = this.ring.head;
    this.#floor = this.#sessionStart;
    const pages = this.pages.get(session);
    let flagged = false;
    if (position > 0 && pages !== undefined && !codecHeaders) {
      this.ring.append(pages, session, position, { header: true, sessionStart: true });
      flagged = true;
    }
    this.#delta = this.ring.head - position;
    if (data !== undefined) {
      if (codecHeaders) {
        this.pages.linkStarted(session, data);
      }
      this.ring.append(data, session, position, { sessionStart: !flagged, codecHeaders });
    }
    // The old source's title does not belong to the new one; its own titles replace this.
    if (this.titles.latest() !== undefined) {
      this.titles.set(this.#sessionStart, { title: '' });
    }
    const pending = this.#pendingTitles.filter((t) => t.session === session);
    this.#pendingTitles = this.#pendingTitles.filter((t) => t.session !== session);
    for (const t of pending) {
      this.#setTitle(t);
    }
  }

  #trim(): void {
    this.ring.trim(this.sizes.queueSize + this.sizes.burstSize);
    this.titles.prune(this.ring.tail);
  }
}

function titleInfo(t: { title: string; url?: string }): TitleInfo {
  return t.url === undefined ? { title: t.title } : { title: t.title, url: t.url };
}
