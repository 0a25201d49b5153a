/**
 * Cuts one splitter result into bus-sized pieces on frame boundaries, with the frame, sample and
 * rate counts of each piece, and starts a piece wherever a new set of codec headers begins so
 * that piece can be marked. Pure: no I/O.
 */
import type { FrameInfo, SplitResult } from '@penguincast/icy';

/** One piece of a `SplitResult` to publish as an audio chunk. */
export interface Piece {
  /** Offset of the piece in `result.data`. */
  start: number;
  /** Offset just past the piece. */
  end: number;
  /** Frame starts relative to `start` (the first is 0), or null for unframed audio. */
  starts: number[] | null;
  /** Number of frames (undefined for unframed audio). */
  frames?: number;
  /** Samples per channel the piece decodes to, when known. */
  samples?: number;
  /** The sample rate, when every frame of the piece has the same known one. */
  sampleRate?: number;
  /** True when the piece starts with the first frame of a new set of codec headers. */
  codecHeaders?: boolean;
}

/**
 * Finds where new sets of codec headers begin across one session's split results: the first
 * header frame after audio (or at the stream start). A chained Ogg stream has one per link.
 */
export class HeaderRuns {
  #inRun = false;

  /** Indexes into `result.frames` of frames that start a header set. */
  starts(result: SplitResult): Set<number> {
    const out = new Set<number>();
    result.frames.forEach((f, i) => {
      if (f.header && !this.#inRun) {
        out.add(i);
      }
      this.#inRun = f.header;
    });
    return out;
  }
}

/**
 * Splits `result` into pieces of at most `maxBytes` each, never inside a frame; a single frame
 * larger than `maxBytes` becomes a piece of its own. Unframed data is cut anywhere. A frame whose
 * index is in `headerStarts` always starts a piece, marked `codecHeaders`, so an edge can tell
 * exactly where the audio that needs the new headers begins.
 */
export function cutPieces(
  result: SplitResult,
  maxBytes: number,
  headerStarts: ReadonlySet<number> = new Set(),
): Piece[] {
  const { data, frames } = result;
  const pieces: Piece[] = [];
  if (data.length === 0) {
    return pieces;
  }
  if (frames.length === 0) {
    for (let at = 0; at < data.length; at += maxBytes) {
      pieces.push({ start: at, end: Math.min(at + maxBytes, data.length), starts: null });
    }
    return pieces;
  }
  let group: FrameInfo[] = [];
  let groupStart = 0;
  let marked = false;
  const close = (): void => {
    const p = piece(group, groupStart);
    if (marked) {
      p.codecHeaders = true;
    }
    pieces.push(p);
    group = [];
    marked = false;
  };
  frames.forEach((frame, i) => {
    const startsHeaders = headerStarts.has(i);
    if (
      group.length > 0 &&
      (startsHeaders || frame.offset + frame.length - groupStart > maxBytes)
    ) {
      close();
    }
    if (group.length === 0) {
      groupStart = frame.offset;
      marked = startsHeaders;
    }
    group.push(frame);
  });
  if (group.length > 0) {
    close();
  }
  return pieces;
}

function piece(frames: readonly FrameInfo[], start: number): Piece {
  const last = frames[frames.length - 1]!;
  let samples = 0;
  let rate: number | undefined = frames[0]!.sampleRate;
  for (const f of frames) {
    samples += f.samples;
    if (f.sampleRate !== rate) {
      rate = undefined;
    }
  }
  const p: Piece = {
    start,
    end: last.offset + last.length,
    starts: frames.map((f) => f.offset - start),
    frames: frames.length,
  };
  if (samples > 0) {
    p.samples = samples;
  }
  if (rate !== undefined && rate > 0) {
    p.sampleRate = rate;
  }
  return p;
}

/** Stream offset in `result.data` just past the last codec header frame, or undefined. */
export function headerEnd(result: SplitResult): number | undefined {
  let end: number | undefined;
  for (const f of result.frames) {
    if (f.header) {
      end = f.offset + f.length;
    }
  }
  return end;
}
