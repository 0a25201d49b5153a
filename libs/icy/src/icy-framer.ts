/**
 * The per-listener ICY metaint framer and the per-mount title timeline it reads titles from.
 * The framer only returns the chunks to write; it never touches a socket, timer or clock.
 */
import {
  EMPTY_METADATA_BLOCK,
  ICY_METAINT_DEFAULT,
  encodeMetadataBlock,
  type IcyCharset,
  type TitleInfo,
} from './metadata.js';

/**
 * Where the framer learns the title in force at a stream position: a function, or any object
 * with an `at(pos)` method such as a {@link TitleTimeline}. `undefined` means no title is known.
 */
export type TitleSource = ((pos: number) => TitleInfo | undefined) | TitleLookup;

/** An object that answers the title in force at a stream position, e.g. {@link TitleTimeline}. */
export interface TitleLookup {
  /** The title in force at stream byte position `pos`, or `undefined` when none is known. */
  at(pos: number): TitleInfo | undefined;
}

/** One recorded title change: `info` is in force from stream byte `pos` on. */
export interface TitleChange {
  /** Stream byte position of the first audio byte the title belongs to. */
  readonly pos: number;
  /** The title and URL from that position on. */
  readonly info: TitleInfo;
}

/**
 * The title changes of one mount, keyed by the stream position where each takes effect, so each
 * listener can be told the title of the audio it is about to hear rather than the newest one.
 * The edge keeps one per mount, calls {@link TitleTimeline.set} on every `pc.meta` message and
 * {@link TitleTimeline.prune} when old audio leaves its ring.
 */
export class TitleTimeline {
  /** The changes, sorted by position, at most one per position. Read-only for callers. */
  readonly changes: TitleChange[] = [];

  /**
   * Records that `info` is in force from stream position `pos` on. A change at a position that
   * already has one replaces it; changes may arrive out of order and are kept sorted.
   */
  set(pos: number, info: TitleInfo): void {
    checkPosition(pos);
    const i = this.indexAfter(pos);
    const prev = this.changes[i - 1];
    if (prev !== undefined && prev.pos === pos) {
      this.changes[i - 1] = { pos, info };
    } else {
      this.changes.splice(i, 0, { pos, info });
    }
  }

  /** The title in force at stream position `pos`: the last change at or before it. */
  at(pos: number): TitleInfo | undefined {
    return this.changes[this.indexAfter(pos) - 1]?.info;
  }

  /** The newest change, e.g. for a listener that starts at the live edge. */
  latest(): TitleChange | undefined {
    return this.changes[this.changes.length - 1];
  }

  /**
   * Forgets changes no listener can reach any more: every change before `beforePos` except the
   * one still in force at `beforePos`, so `at(p)` is unchanged for every `p >= beforePos`.
   */
  prune(beforePos: number): void {
    const keepFrom = this.indexAfter(beforePos) - 1;
    if (keepFrom > 0) {
      this.changes.splice(0, keepFrom);
    }
  }

  /** Forgets every change, e.g. when a new source session restarts stream positions. */
  clear(): void {
    this.changes.length = 0;
  }

  /** Index of the first change whose position is greater than `pos` (binary search). */
  private indexAfter(pos: number): number {
    let lo = 0;
    let hi = this.changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.changes[mid]?.pos ?? 0) <= pos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}

/** Options of {@link IcyFramer}. */
export interface IcyFramerOptions {
  /** Audio bytes between two metadata blocks, the `icy-metaint` header's value. Default 16000. */
  metaint?: number;
  /** Charset of the title text in blocks. Default `utf-8`. */
  charset?: IcyCharset;
}

/** A title as the framer compares it: what a listener would see, not the object identity. */
function titleKey(info: TitleInfo): string {
  return `${info.title ?? ''}\u0000${info.url ?? ''}`;
}

const NO_TITLE: TitleInfo = { title: '' };

/**
 * Frames one listener's body for `Icy-MetaData: 1`: after every `metaint` audio bytes, counted
 * from the listener's first body byte (burst included), comes one metadata block.
 *
 * Each block carries the title in force at the stream position of the next audio byte the
 * listener will hear, so a listener joining with a burst is told what was on air when that
 * audio was. A block is full when that title differs from what this listener was last sent, and
 * the one-byte empty block otherwise; the first block a listener gets carries the current title
 * when there is one. A block is emitted only once the audio byte after it is written, which keeps
 * the output independent of how the audio is chunked and lets a late title change still count.
 *
 * ```ts
 * const framer = new IcyFramer({ metaint: 16000, charset: 'utf-8' });
 * for (const chunk of framer.write(audio, streamPos, timeline)) {
 *   socket.write(chunk); // audio slices alias `audio`; blocks are fresh or shared-empty.
 * }
 * ```
 */
export class IcyFramer {
  /** Audio bytes between two blocks. */
  readonly metaint: number;
  /** Charset of the block text. */
  readonly charset: IcyCharset;
  /** Audio bytes still to send before the next block; 0 means a block is due before more audio. */
  untilMeta: number;
  /** Audio bytes framed so far for this listener. */
  audioBytes = 0;
  /** Metadata blocks emitted so far, empty ones included. */
  blocks = 0;
  /** Title key this listener was last sent, `undefined` before any title was sent. */
  sentKey: string | undefined = undefined;
  /** True when the next block must carry the title even if it looks unchanged. */
  resend = true;

  constructor(options: IcyFramerOptions = {}) {
    const metaint = options.metaint ?? ICY_METAINT_DEFAULT;
    if (!Number.isSafeInteger(metaint) || metaint < 1) {
      throw new TypeError(`metaint must be a positive integer, got ${metaint}`);
    }
    const charset = options.charset ?? 'utf-8';
    if (charset !== 'utf-8' && charset !== 'latin1') {
      throw new TypeError(`charset must be 'utf-8' or 'latin1', got ${String(charset)}`);
    }
    this.metaint = metaint;
    this.charset = charset;
    this.untilMeta = metaint;
  }

  /**
   * Frames `audio`, whose first byte sits at stream byte position `streamPos`, and returns the
   * chunks to write in order: audio slices (views into `audio`, not copies) with metadata blocks
   * between them. `titles` is asked for the title at each block's position. Consecutive calls
   * need not have consecutive positions: a jump (mount move, new source session) is fine, but
   * call {@link IcyFramer.reset} with it so the next block resends the title.
   */
  write(audio: Uint8Array, streamPos: number, titles: TitleSource): Uint8Array[] {
    checkPosition(streamPos);
    const lookup = typeof titles === 'function' ? titles : (pos: number) => titles.at(pos);
    const out: Uint8Array[] = [];
    let offset = 0;
    while (offset < audio.length) {
      if (this.untilMeta === 0) {
        out.push(this.blockAt(streamPos + offset, lookup));
        this.untilMeta = this.metaint;
      }
      const n = Math.min(this.untilMeta, audio.length - offset);
      out.push(audio.subarray(offset, offset + n));
      offset += n;
      this.untilMeta -= n;
    }
    this.audioBytes += audio.length;
    return out;
  }

  /**
   * Marks a jump in this listener's stream position, e.g. a move to another mount. The metaint
   * count continues, because it belongs to the connection and the player counts it; only the
   * next block is forced to carry the title in force (or an empty title, clearing the old one).
   */
  reset(): void {
    this.resend = true;
  }

  /** Chooses the block due before the audio byte at `pos` and updates what the listener knows. */
  private blockAt(pos: number, lookup: (pos: number) => TitleInfo | undefined): Uint8Array {
    this.blocks += 1;
    let info = lookup(pos);
    if (info === undefined) {
      if (this.sentKey === undefined) {
        // Nothing was ever shown to this listener, so there is nothing to correct.
        this.resend = false;
        return EMPTY_METADATA_BLOCK;
      }
      // The listener still shows an old title that no longer applies: clear it.
      info = NO_TITLE;
    }
    const key = titleKey(info);
    if (!this.resend && key === this.sentKey) {
      return EMPTY_METADATA_BLOCK;
    }
    this.resend = false;
    this.sentKey = key;
    return encodeMetadataBlock(info, { charset: this.charset });
  }
}

/** Stream positions are byte counts, so anything but a non-negative safe integer is a bug. */
function checkPosition(pos: number): void {
  if (!Number.isSafeInteger(pos) || pos < 0) {
    throw new TypeError(`stream position must be a non-negative integer, got ${pos}`);
  }
}
