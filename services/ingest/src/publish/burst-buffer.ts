/**
 * One session's recent audio and title timeline, kept so an edge that just started can serve
 * a full burst at once. It stores the published chunks with their frame boundaries and cuts a
 * burst only on a boundary. Pure: no I/O, no clock.
 */
import type { BurstFrame, TitleEntry } from '@penguincast/bus';

interface StoredChunk {
  /** Stream position of `data[0]`. */
  position: number;
  data: Uint8Array;
  /** Offsets of frame starts in `data`, ascending; `null` for unframed audio (cut anywhere). */
  starts: readonly number[] | null;
}

/** What a published chunk is, beyond its bytes. */
export interface ChunkMark {
  /** Its bus sequence number. */
  seq?: number;
  /** It starts with the first frame of a new set of codec headers (`AudioChunk.codecHeaders`). */
  codecHeaders?: boolean;
}

/** What `BurstBuffer.snapshot` returns. */
export interface BurstSnapshot {
  /** Recent audio, oldest first, starting on a frame boundary. */
  frames: BurstFrame[];
  /** Stream position just past the newest byte of `frames` (or held, when `frames` is empty). */
  endPosition: number;
  /**
   * Sequence number of the first chunk not in `frames`, when the burst stops short of the newest
   * audio (a new header set is still arriving); undefined when it reaches the newest chunk.
   */
  nextSeq?: number;
  /** Titles in effect over `frames`, oldest first. */
  titles: TitleEntry[];
  /** The title in effect at `endPosition`, or null. */
  title: TitleEntry | null;
}

/** Recent frames of one source session, at least `retainBytes` of them once available. */
export class BurstBuffer {
  readonly #retainBytes: number;
  readonly #chunks: StoredChunk[] = [];
  #bytes = 0;
  #endPosition = 0;
  /** No burst starts before this position: the first audio after the current codec headers. */
  #minStart = 0;
  /**
   * Where a new set of codec headers began that is not complete yet: a burst stops before it,
   * since the headers it would be sent with (the current ones) do not belong to what follows.
   */
  #pendingHeaders: { position: number; seq: number | undefined } | undefined;
  #titles: TitleEntry[] = [];

  /** Keeps at least `retainBytes` of the newest audio (whole chunks, so a little more). */
  constructor(retainBytes: number) {
    if (!Number.isSafeInteger(retainBytes) || retainBytes < 0) {
      throw new TypeError('retainBytes must be a non-negative integer');
    }
    this.#retainBytes = retainBytes;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Stream position just past the newest byte. */
  get endPosition(): number {
    return this.#endPosition;
  }

  /** The newest title, or null. */
  get title(): TitleEntry | null {
    return this.#titles[this.#titles.length - 1] ?? null;
  }

  /**
   * Adds a published chunk. `starts` lists the frame starts within `data` (the first is 0), or
   * is null for unframed audio. Chunks must arrive in stream order without gaps.
   */
  push(
    position: number,
    data: Uint8Array,
    starts: readonly number[] | null,
    mark: ChunkMark = {},
  ): void {
    if (position !== this.#endPosition) {
      throw new TypeError(`chunk at ${position} does not follow ${this.#endPosition}`);
    }
    if (data.length === 0) {
      return;
    }
    if (mark.codecHeaders === true && position >= this.#minStart) {
      // Headers completed in the same splitter result already moved the audio start past
      // this position; otherwise they are still arriving.
      this.#pendingHeaders = { position, seq: mark.seq };
    }
    this.#chunks.push({ position, data, starts });
    this.#bytes += data.length;
    this.#endPosition = position + data.length;
    this.#trim();
  }

  /**
   * Codec headers (Ogg header pages, the FLAC metadata block) end at `position`: listeners get
   * them separately, and audio before them belongs to an earlier link they cannot decode.
   */
  setAudioStart(position: number): void {
    this.#minStart = position;
    if (this.#pendingHeaders !== undefined && position > this.#pendingHeaders.position) {
      this.#pendingHeaders = undefined;
    }
  }

  /** Records a title that takes effect at `entry.position`. */
  addTitle(entry: TitleEntry): void {
    // A title arriving for a position before the newest one would reorder the timeline; it
    // cannot happen with positions taken from the publish cursor, but stay ordered anyway.
    while (
      this.#titles.length > 0 &&
      this.#titles[this.#titles.length - 1]!.position > entry.position
    ) {
      this.#titles.pop();
    }
    const last = this.#titles[this.#titles.length - 1];
    if (last !== undefined && last.position === entry.position) {
      this.#titles[this.#titles.length - 1] = entry;
    } else {
      this.#titles.push(entry);
    }
    this.#trimTitles();
  }

  /**
   * The newest audio of at most `maxBytes`, starting on a frame boundary and never before the
   * current codec headers' end, with the titles that cover it. While a new header set is still
   * arriving, the burst ends just before it.
   */
  snapshot(maxBytes: number): BurstSnapshot {
    const frames: BurstFrame[] = [];
    let budget = Math.max(0, Math.floor(maxBytes));
    const pending = this.#pendingHeaders;
    let newest = this.#chunks.length - 1;
    while (
      pending !== undefined &&
      newest >= 0 &&
      this.#chunks[newest]!.position >= pending.position
    ) {
      newest -= 1;
    }
    for (let i = newest; i >= 0 && budget > 0; i--) {
      const chunk = this.#chunks[i]!;
      const end = chunk.position + chunk.data.length;
      if (end <= this.#minStart) {
        break;
      }
      // The earliest offset this chunk may start at: within budget and not before the headers.
      const lowest = Math.max(chunk.data.length - budget, this.#minStart - chunk.position, 0);
      const offset = lowest === 0 ? 0 : firstStartAtOrAfter(chunk, lowest);
      if (offset === undefined || offset >= chunk.data.length) {
        break;
      }
      const data = offset === 0 ? chunk.data : chunk.data.subarray(offset);
      frames.push({ position: chunk.position + offset, data });
      budget -= data.length;
      if (offset > 0) {
        // A cut chunk is the oldest one that fits; anything older would leave a gap.
        break;
      }
    }
    frames.reverse();
    const end = pending === undefined ? this.#endPosition : pending.position;
    const start = frames[0]?.position ?? end;
    return {
      frames,
      endPosition: end,
      ...(pending?.seq === undefined ? {} : { nextSeq: pending.seq }),
      titles: this.#titlesFrom(start),
      title: this.title,
    };
  }

  #titlesFrom(position: number): TitleEntry[] {
    let first = 0;
    for (let i = 0; i < this.#titles.length; i++) {
      if (this.#titles[i]!.position <= position) {
        first = i;
      }
    }
    return this.#titles.slice(first);
  }

  #trim(): void {
    while (
      this.#chunks.length > 1 &&
      this.#bytes - this.#chunks[0]!.data.length >= this.#retainBytes
    ) {
      this.#bytes -= this.#chunks.shift()!.data.length;
    }
    this.#trimTitles();
  }

  /** Drops titles that ended before the oldest byte held, keeping the one in effect there. */
  #trimTitles(): void {
    const oldest = this.#chunks[0]?.position ?? this.#endPosition;
    while (this.#titles.length > 1 && this.#titles[1]!.position <= oldest) {
      this.#titles.shift();
    }
  }
}

/** The first frame start at or after `offset`, or undefined when none is. */
function firstStartAtOrAfter(chunk: StoredChunk, offset: number): number | undefined {
  if (chunk.starts === null) {
    return offset;
  }
  for (const s of chunk.starts) {
    if (s >= offset) {
      return s;
    }
  }
  return undefined;
}
