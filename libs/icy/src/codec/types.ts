/**
 * The shared shape of every codec frame splitter: what `push` and `flush` return and what a
 * splitter exposes between calls. Types only; the splitters live beside this file.
 */

import type { CodecKind } from '../content-type.js';

/** One whole frame (MP3, ADTS, FLAC) or page (Ogg) inside {@link SplitResult.data}. */
export interface FrameInfo {
  /** Byte offset of the frame's first byte in `data`. */
  readonly offset: number;
  /** Length of the frame in bytes. */
  readonly length: number;
  /**
   * Audio samples per channel the frame decodes to, 0 for header pages and blocks and where the
   * count is unknown (an Ogg page that ends no packet, a stream joined without its start).
   */
  readonly samples: number;
  /** The rate `samples` counts in (48000 for Opus granules), 0 when unknown. */
  readonly sampleRate: number;
  /**
   * True for codec headers a new listener must get first: Ogg header pages and the native FLAC
   * `fLaC` block. They stay in `data` so the stream is byte-faithful; a listener that starts at
   * such a frame needs no separate header.
   */
  readonly header: boolean;
}

/** A title announced inside the stream (Vorbis comments, OpusTags, FLAC comments). */
export interface StreamTitle {
  /** `Artist - Title` when both are tagged, otherwise whichever one is. */
  readonly title: string;
  /** Offset in {@link SplitResult.data} of the page that completed the comment packet. */
  readonly offset: number;
}

/** What one `push` or `flush` produced. */
export interface SplitResult {
  /**
   * The whole frames completed by this call, back to back, junk removed; empty when none
   * completed. It never holds a partial frame, so its start and end are frame boundaries.
   */
  readonly data: Uint8Array;
  /** Each frame in `data`, in order. Empty for the passthrough splitter, which has no frames. */
  readonly frames: readonly FrameInfo[];
  /** Sum of `frames[i].samples`. */
  readonly samples: number;
  /** Audio duration of `data` in milliseconds, summed frame by frame (fractional). */
  readonly durationMs: number;
  /**
   * Bytes dropped by this call: junk before or between frames, ID3v2 tags, pages failing their
   * CRC and, on `flush`, a trailing partial frame. Callers log it once, not per frame.
   */
  readonly skippedBytes: number;
  /**
   * True when a new set of codec headers completed in this call (the first one, or a chained
   * Ogg stream after an end-of-stream page); `FrameSplitter.headerPages` now holds it. One call
   * that completes two header sets reports once and keeps the last; the earlier one's pages are
   * still in `data`, marked `header`.
   */
  readonly headersChanged: boolean;
  /** Every in-stream title completed in this call, in stream order. */
  readonly titles: readonly StreamTitle[];
  /** The last of `titles`, the one in effect at the end of `data`; absent when none. */
  readonly title?: StreamTitle;
}

/**
 * Splits one source's byte stream into whole frames. Feeding any chunking of the same bytes
 * gives the same concatenated output, frames, skipped count and titles.
 */
export interface FrameSplitter {
  /** The codec family this splitter frames. */
  readonly kind: CodecKind;
  /** False for the passthrough splitter, whose output has no frame boundaries. */
  readonly framed: boolean;
  /**
   * The header bytes a new listener must receive before any frame: Ogg header pages of the
   * current chain, or the native FLAC `fLaC` marker with its metadata blocks. Empty for codecs
   * without headers and until the headers are complete.
   */
  readonly headerPages: Uint8Array;
  /** Bytes held back until their frame completes (the partial-frame surplus). */
  readonly pendingBytes: number;
  /** Takes the next chunk of the stream and returns the frames it completed. */
  push(chunk: Uint8Array): SplitResult;
  /**
   * Ends the stream: returns a last complete frame still held back (MP3 and FLAC hold one
   * until it is confirmed), drops any partial frame (counted in `skippedBytes`) and resets the
   * splitter so it can take a new stream.
   */
  flush(): SplitResult;
}
