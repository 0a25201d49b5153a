/**
 * One mount's shared buffer: a ring of frame-aligned chunks addressed by edge offsets, byte
 * counts that only grow across source sessions, so a listener is just an offset (a cursor) into
 * it. Pure data structure: no sockets, timers or logging.
 */

/** One published chunk as the ring keeps it. */
export interface RingChunk {
  /** Edge offset of the first byte; offsets are contiguous across chunks and sessions. */
  readonly start: number;
  /** Whole codec frames (or codec header pages when `header` is set). */
  readonly data: Uint8Array;
  /** Source session the bytes belong to. */
  readonly session: string;
  /** Stream position of the first byte within its session. */
  readonly streamPos: number;
  /** True for codec header pages the edge inserted because it missed the session's start. */
  readonly header: boolean;
  /** True for the first chunk of a session, where listeners reset their ICY framer. */
  readonly sessionStart: boolean;
  /**
   * True for a published chunk that starts with a new set of codec headers (ingest marked it,
   * e.g. a chained Ogg link): a reader may start here without a separate preamble.
   */
  readonly codecHeaders: boolean;
}

/** Flags of a chunk being appended. */
export interface AppendFlags {
  header?: boolean;
  sessionStart?: boolean;
  codecHeaders?: boolean;
}

/** Compaction threshold: dead slots at the front are spliced out once there are this many. */
const COMPACT_AT = 256;

/**
 * Chunks in offset order. Appends go at the head; `trim` drops chunks from the tail. Lookups by
 * offset are binary searches, so a listener needs no index of its own.
 */
export class ChunkRing {
  #chunks: RingChunk[] = [];
  #first = 0;
  #head: number;

  /** Starts empty with the head at `base` (offsets keep growing when a ring is refilled). */
  constructor(base = 0) {
    this.#head = base;
  }

  /** Offset just past the newest byte. */
  get head(): number {
    return this.#head;
  }

  /** Offset of the oldest byte still held (the head when empty). */
  get tail(): number {
    return this.#chunks[this.#first]?.start ?? this.#head;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#head - this.tail;
  }

  /** Number of chunks held. */
  get length(): number {
    return this.#chunks.length - this.#first;
  }

  /** The newest chunk. */
  get last(): RingChunk | undefined {
    return this.length === 0 ? undefined : this.#chunks[this.#chunks.length - 1];
  }

  /** Appends bytes at the head and returns the new chunk; empty data is ignored. */
  append(
    data: Uint8Array,
    session: string,
    streamPos: number,
    flags: AppendFlags = {},
  ): RingChunk | undefined {
    if (data.length === 0) {
      return undefined;
    }
    const chunk: RingChunk = {
      start: this.#head,
      data,
      session,
      streamPos,
      header: flags.header ?? false,
      sessionStart: flags.sessionStart ?? false,
      codecHeaders: flags.codecHeaders ?? false,
    };
    this.#chunks.push(chunk);
    this.#head += data.length;
    return chunk;
  }

  /** The chunk holding `offset`, or undefined when the offset is outside the ring. */
  find(offset: number): RingChunk | undefined {
    let lo = this.#first;
    let hi = this.#chunks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#chunks[mid] as RingChunk;
      if (offset < c.start) {
        hi = mid - 1;
      } else if (offset >= c.start + c.data.length) {
        lo = mid + 1;
      } else {
        return c;
      }
    }
    return undefined;
  }

  /**
   * Where a new listener starts: the first chunk boundary at or after `head - burstBytes`, which
   * is a frame boundary because chunks hold whole frames. Only chunks of the newest session
   * count, so a burst never replays a source that has gone. The head when nothing qualifies.
   */
  burstStart(burstBytes: number): number {
    const last = this.last;
    if (last === undefined) {
      return this.#head;
    }
    const from = this.#head - Math.max(0, burstBytes);
    let best = this.#head;
    for (let i = this.#chunks.length - 1; i >= this.#first; i--) {
      const c = this.#chunks[i] as RingChunk;
      if (c.start < from || c.session !== last.session) {
        break;
      }
      best = c.start;
    }
    return best;
  }

  /** Start of the newest chunk: the live edge on a frame boundary (the head when empty). */
  liveStart(): number {
    return this.last?.start ?? this.#head;
  }

  /** Drops the oldest chunks that lie wholly more than `keepBytes` behind the head. */
  trim(keepBytes: number): void {
    const limit = this.#head - keepBytes;
    while (this.#first < this.#chunks.length) {
      const c = this.#chunks[this.#first] as RingChunk;
      if (c.start + c.data.length > limit) {
        break;
      }
      this.#first += 1;
    }
    if (this.#first >= COMPACT_AT && this.#first * 2 >= this.#chunks.length) {
      this.#chunks.splice(0, this.#first);
      this.#first = 0;
    }
  }

  /** Forgets every chunk; the head stays where it is so old cursors never match new bytes. */
  clear(): void {
    this.#chunks = [];
    this.#first = 0;
  }

  /** The chunks held, oldest first (tests and diagnostics). */
  chunks(): RingChunk[] {
    return this.#chunks.slice(this.#first);
  }
}
