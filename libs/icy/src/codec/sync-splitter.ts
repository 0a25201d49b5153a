/**
 * The splitter for codecs whose frame header states the frame length (MPEG audio, AAC ADTS):
 * hunt for a header confirmed by the next one, then cut frames by length while carrying the
 * partial-frame surplus into the next call. Pure; the codec supplies only its header parser.
 */
import { BufferedSplitter } from './buffer.js';
import type { ResultBuilder } from './buffer.js';
import { id3v2Length } from './id3.js';

/** What a codec's header parser reports about a frame. */
export interface SyncFrameHeader {
  /** Whole frame length in bytes, header included. */
  readonly length: number;
  /** Samples per channel the frame decodes to. */
  readonly samples: number;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /**
   * Fields that stay fixed within one stream (version, layer, rate…). While hunting, a header
   * counts as confirmed only when the next header has the same key.
   */
  readonly key: number;
}

/**
 * Frames a stream by the lengths in its headers, in the way `mpeg_complete_frames_cb` in
 * karlheyes/icecast-kh `src/mpeg.c` does. Sync is acquired only when a header is followed by
 * another matching header exactly one frame later, as real demuxers require, because 0xFFF
 * patterns occur inside audio data. Once in sync, each frame is cut as soon as it is complete
 * (no added latency), and a header that fails to parse at a frame boundary drops sync and
 * starts the hunt there, so junk between frames is skipped and counted exactly.
 */
export abstract class SyncSplitter extends BufferedSplitter {
  private synced = false;
  private skipRemaining = 0;

  /**
   * Parses the header at `buf[pos]`: the header, `null` if these bytes are no valid header, or
   * `undefined` when too few bytes are available to tell.
   */
  protected abstract parseHeader(buf: Uint8Array, pos: number): SyncFrameHeader | null | undefined;

  protected reset(): void {
    this.synced = false;
    this.skipRemaining = 0;
  }

  protected scan(buf: Uint8Array, out: ResultBuilder, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      if (this.skipRemaining > 0) {
        // The rest of an ID3v2 tag is skipped as it streams by, never buffered whole.
        const k = Math.min(this.skipRemaining, n - pos);
        out.skip(k);
        pos += k;
        this.skipRemaining -= k;
        continue;
      }
      const tag = id3v2Length(buf, pos);
      if (tag === undefined && !final) {
        return pos;
      }
      if (tag) {
        this.skipRemaining = tag;
        this.synced = false;
        continue;
      }
      const h = this.parseHeader(buf, pos);
      if (h === undefined) {
        // Too few bytes to tell; a final scan leaves them to be counted as skipped.
        return pos;
      }
      if (h === null) {
        this.synced = false;
        const next = nextCandidate(buf, pos + 1);
        out.skip(next - pos);
        pos = next;
        continue;
      }
      const end = pos + h.length;
      if (end > n) {
        if (!final) {
          // The partial frame waits for the next call.
          return pos;
        }
        // At the end of the stream a frame that does not fit is dropped; bytes after a false
        // header inside it are still searched for frames.
        this.synced = false;
        out.skip(1);
        pos += 1;
        continue;
      }
      if (!this.synced) {
        const confirm = this.parseHeader(buf, end);
        if (confirm === undefined && !final) {
          return pos;
        }
        if (!confirm || confirm.key !== h.key) {
          out.skip(1);
          pos += 1;
          continue;
        }
        this.synced = true;
      }
      out.frame(pos, end, h.samples, h.sampleRate);
      pos = end;
    }
    return pos;
  }
}

/** The next position at or after `from` that could start a frame header or an ID3v2 tag. */
function nextCandidate(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0xff || b === 0x49) {
      return i;
    }
  }
  return buf.length;
}
