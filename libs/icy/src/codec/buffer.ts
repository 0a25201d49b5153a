/**
 * Plumbing shared by the splitters: a growable byte queue holding the partial-frame surplus,
 * a builder that gathers one call's frames into a `SplitResult`, and the base class that
 * drives both. Pure: no I/O, no clock.
 */
import type { CodecKind } from '../content-type.js';
import type { FrameInfo, FrameSplitter, SplitResult, StreamTitle } from './types.js';

const INITIAL_CAPACITY = 4096;
/** A queue that grew past this for one huge frame gives the memory back once it drains. */
const SHRINK_ABOVE = 1 << 20;

/**
 * Bytes received but not yet emitted. Appends are amortised O(1), so feeding a stream one
 * byte at a time stays linear instead of re-copying the surplus on every call.
 */
export class ByteQueue {
  private buf = new Uint8Array(INITIAL_CAPACITY);
  private start = 0;
  private end = 0;

  /** Number of bytes held. */
  get length(): number {
    return this.end - this.start;
  }

  /** Appends a copy of `chunk`. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) {
      return;
    }
    if (this.end + chunk.length > this.buf.length) {
      const held = this.end - this.start;
      if (held + chunk.length <= this.buf.length / 2) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const next = new Uint8Array(Math.max(this.buf.length * 2, held + chunk.length));
        next.set(this.buf.subarray(this.start, this.end));
        this.buf = next;
      }
      this.start = 0;
      this.end = held;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The held bytes; valid only until the next `append` or `consume`. */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Drops the first `n` held bytes. */
  consume(n: number): void {
    this.start += n;
    if (this.start >= this.end) {
      this.clear();
    }
  }

  /** Drops everything held. */
  clear(): void {
    this.start = 0;
    this.end = 0;
    if (this.buf.length > SHRINK_ABOVE) {
      this.buf = new Uint8Array(INITIAL_CAPACITY);
    }
  }
}

/**
 * Collects the frames one call completes, as ranges of the scanned buffer, and copies them
 * into one contiguous array at the end, so the queue's memory can be reused afterwards.
 */
export class ResultBuilder {
  private readonly ranges: number[] = [];
  private readonly frames: FrameInfo[] = [];
  private readonly titles: StreamTitle[] = [];
  private outLength = 0;
  private skipped = 0;
  private samples = 0;
  private durationMs = 0;
  private headersChanged = false;

  constructor(private readonly src: Uint8Array) {}

  /** Records `src[start, end)` as a whole frame and returns its offset in the output. */
  frame(start: number, end: number, samples: number, sampleRate: number, header = false): number {
    const offset = this.outLength;
    this.ranges.push(start, end);
    this.frames.push({ offset, length: end - start, samples, sampleRate, header });
    this.outLength += end - start;
    this.samples += samples;
    if (sampleRate > 0) {
      this.durationMs += (samples * 1000) / sampleRate;
    }
    return offset;
  }

  /** Counts `n` dropped bytes. */
  skip(n: number): void {
    this.skipped += n;
  }

  /** Records an in-stream title change at output offset `offset`. */
  title(title: string, offset: number): void {
    this.titles.push({ title, offset });
  }

  /** Marks that a new header set completed. */
  headersDone(): void {
    this.headersChanged = true;
  }

  /** Builds the result; `framed: false` leaves `frames` empty for passthrough output. */
  finish(framed = true): SplitResult {
    const data = new Uint8Array(this.outLength);
    let at = 0;
    for (let i = 0; i < this.ranges.length; i += 2) {
      const part = this.src.subarray(this.ranges[i], this.ranges[i + 1]);
      data.set(part, at);
      at += part.length;
    }
    const result: SplitResult = {
      data,
      frames: framed ? this.frames : [],
      samples: this.samples,
      durationMs: this.durationMs,
      skippedBytes: this.skipped,
      headersChanged: this.headersChanged,
      titles: this.titles,
    };
    const last = this.titles[this.titles.length - 1];
    return last ? { ...result, title: last } : result;
  }
}

/**
 * Base of the buffered splitters: appends each chunk to the queue, lets the subclass scan
 * the held bytes, and drops what the scan consumed. Subclasses keep their state in fields and
 * must take the same decisions however the bytes were chunked: they wait for more input
 * rather than guess, and only `final` scans may decide on a short buffer.
 */
export abstract class BufferedSplitter implements FrameSplitter {
  abstract readonly kind: CodecKind;
  readonly framed: boolean = true;
  protected readonly queue = new ByteQueue();
  protected header: Uint8Array = new Uint8Array(0);

  get headerPages(): Uint8Array {
    return this.header;
  }

  get pendingBytes(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): SplitResult {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError('FrameSplitter.push expects a Uint8Array');
    }
    this.queue.append(chunk);
    return this.run(false);
  }

  flush(): SplitResult {
    const result = this.run(true);
    this.queue.clear();
    this.reset();
    return result;
  }

  private run(final: boolean): SplitResult {
    const buf = this.queue.view();
    const out = new ResultBuilder(buf);
    const consumed = this.scan(buf, out, final);
    if (final && consumed < buf.length) {
      out.skip(buf.length - consumed);
    }
    const result = out.finish();
    this.queue.consume(consumed);
    return result;
  }

  /**
   * Scans `buf` (the held bytes) from its start, records frames and skips in `out`, and
   * returns how many leading bytes are finished with. On a `final` scan, bytes not consumed
   * are counted as skipped by the caller.
   */
  protected abstract scan(buf: Uint8Array, out: ResultBuilder, final: boolean): number;

  /** Returns the subclass state to that of a fresh splitter (after `flush`). */
  protected abstract reset(): void;
}
