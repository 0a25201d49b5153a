/**
 * The native FLAC splitter: captures the `fLaC` marker and metadata blocks as the header a new
 * listener needs, then cuts frames at the next sync code whose header CRC-8 and whose preceding
 * frame's CRC-16 both check. Pure; no decoding.
 */
import { BufferedSplitter } from './buffer.js';
import type { ResultBuilder } from './buffer.js';
import { crc16Update, crc8 } from './crc.js';
import { id3v2Length } from './id3.js';
import { titleFromComments } from './vorbis-comment.js';

/** Longest possible FLAC frame header: sync, four fields, 7-byte number, 2 + 2 extras, CRC-8. */
export const FLAC_MAX_HEADER_BYTES = 16;
/** Metadata block type of STREAMINFO and of VORBIS_COMMENT. */
const STREAMINFO = 0;
const VORBIS_COMMENT = 4;
const SAMPLE_RATES = [
  0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000,
];
const SAMPLE_SIZES = [0, 8, 12, -1, 16, 20, 24, 32];

/** Stream parameters from STREAMINFO, used when a frame header defers to it. */
interface StreamInfo {
  readonly sampleRate: number;
  readonly bitsPerSample: number;
}

/** Parsed fields of a FLAC frame header. */
export interface FlacFrameHeader {
  /** Bytes of the header, CRC-8 included. */
  readonly headerLength: number;
  /** Samples per channel in the frame. */
  readonly blockSize: number;
  /** Sample rate in Hz, 0 if the header defers to an unknown STREAMINFO. */
  readonly sampleRate: number;
  /** Channel count. */
  readonly channels: number;
  /** Bits per sample, 0 if the header defers to an unknown STREAMINFO. */
  readonly bitsPerSample: number;
}

/**
 * Parses the FLAC frame header at `buf[pos]`: `undefined` when more bytes are needed, `null`
 * when the bytes are no valid header (bad sync, reserved values or CRC-8 mismatch).
 */
export function parseFlacFrameHeader(
  buf: Uint8Array,
  pos: number,
  info?: StreamInfo,
): FlacFrameHeader | null | undefined {
  const avail = buf.length - pos;
  if (avail < 2) {
    return avail === 1 && buf[pos] !== 0xff ? null : undefined;
  }
  if (buf[pos] !== 0xff || (buf[pos + 1]! & 0xfe) !== 0xf8) {
    return null;
  }
  if (avail < 5) {
    return undefined;
  }
  const b2 = buf[pos + 2]!;
  const b3 = buf[pos + 3]!;
  const bsCode = b2 >> 4;
  const rateCode = b2 & 0x0f;
  const channelCode = b3 >> 4;
  const sizeBits = SAMPLE_SIZES[(b3 >> 1) & 7]!;
  if (bsCode === 0 || rateCode === 15 || channelCode > 10 || sizeBits < 0 || (b3 & 1) !== 0) {
    return null;
  }
  // The frame or sample number is UTF-8-style coded in 1 to 7 bytes.
  const extra = utf8ExtraBytes(buf[pos + 4]!);
  if (extra < 0) {
    return null;
  }
  let at = pos + 5;
  const blockSizeBytes = bsCode === 6 ? 1 : bsCode === 7 ? 2 : 0;
  const rateBytes = rateCode === 12 ? 1 : rateCode >= 13 ? 2 : 0;
  // Four fixed bytes, the coded number, the optional fields, then the CRC-8.
  const len = 4 + 1 + extra + blockSizeBytes + rateBytes + 1;
  if (avail < len) {
    return undefined;
  }
  for (let i = 0; i < extra; i++, at++) {
    if ((buf[at]! & 0xc0) !== 0x80) {
      return null;
    }
  }
  let blockSize: number;
  if (bsCode === 1) {
    blockSize = 192;
  } else if (bsCode <= 5) {
    blockSize = 576 << (bsCode - 2);
  } else if (bsCode === 6) {
    blockSize = buf[at++]! + 1;
  } else if (bsCode === 7) {
    blockSize = ((buf[at]! << 8) | buf[at + 1]!) + 1;
    at += 2;
  } else {
    blockSize = 256 << (bsCode - 8);
  }
  let sampleRate: number;
  if (rateCode === 0) {
    sampleRate = info?.sampleRate ?? 0;
  } else if (rateCode === 12) {
    sampleRate = buf[at++]! * 1000;
  } else if (rateCode === 13) {
    sampleRate = (buf[at]! << 8) | buf[at + 1]!;
    at += 2;
  } else if (rateCode === 14) {
    sampleRate = ((buf[at]! << 8) | buf[at + 1]!) * 10;
    at += 2;
  } else {
    sampleRate = SAMPLE_RATES[rateCode]!;
  }
  if (crc8(buf, pos, at) !== buf[at]) {
    return null;
  }
  return {
    headerLength: len,
    blockSize,
    sampleRate,
    channels: channelCode < 8 ? channelCode + 1 : 2,
    bitsPerSample: sizeBits === 0 ? (info?.bitsPerSample ?? 0) : sizeBits,
  };
}

/** Continuation bytes after the lead byte of a UTF-8-style coded number; -1 if invalid. */
function utf8ExtraBytes(lead: number): number {
  if (lead < 0x80) {
    return 0;
  }
  // 110xxxxx to 1111110x announce 1 to 6 continuation bytes; 10xxxxxx and 0xFF cannot lead.
  for (let extra = 1, mask = 0xe0; extra <= 6; extra++, mask = (mask >> 1) | 0x80) {
    if ((lead & mask) === ((mask << 1) & 0xff)) {
      return extra;
    }
  }
  return -1;
}

/**
 * An upper bound on a frame's length: encoders fall back to verbatim subframes, so a frame is
 * never longer than its uncompressed samples (plus one side-channel bit) and some framing.
 */
function maxFrameLength(h: FlacFrameHeader): number {
  const bits = (h.bitsPerSample || 32) + 1;
  return h.headerLength + h.channels * (8 + Math.ceil((h.blockSize * bits) / 8)) + 2;
}

/**
 * Splits native FLAC (`audio/flac`). The header (`fLaC` plus metadata blocks) is emitted as a
 * header frame and kept in `headerPages`. A frame has no length field, so each one is held
 * until the next valid frame header follows it with the CRC-16 over the frame at zero; a frame
 * followed directly by junk therefore cannot be confirmed and is skipped with the junk.
 */
export class FlacSplitter extends BufferedSplitter {
  readonly kind = 'flac' as const;
  private atStart = true;
  private skipRemaining = 0;
  private info: StreamInfo | undefined;
  /** The header of the frame starting at the scan position, once it parsed. */
  private current: FlacFrameHeader | undefined;
  /** How far past the frame start the end search got, and the CRC-16 of those bytes. */
  private searched = 0;
  private crc = 0;

  protected reset(): void {
    this.atStart = true;
    this.skipRemaining = 0;
    this.info = undefined;
    this.current = undefined;
    this.searched = 0;
    this.crc = 0;
    this.header = new Uint8Array(0);
  }

  protected scan(buf: Uint8Array, out: ResultBuilder, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      if (this.skipRemaining > 0) {
        const k = Math.min(this.skipRemaining, n - pos);
        out.skip(k);
        pos += k;
        this.skipRemaining -= k;
        continue;
      }
      if (this.atStart) {
        const tag = id3v2Length(buf, pos);
        if (tag === undefined && !final) {
          return pos;
        }
        if (tag) {
          this.skipRemaining = tag;
          continue;
        }
      }
      if (!this.current) {
        const marker = isMarker(buf, pos);
        if (marker === undefined && !final) {
          return pos;
        }
        if (marker) {
          const len = metadataLength(buf, pos);
          if (len === undefined) {
            return pos;
          }
          this.streamHeader(buf, pos, len, out);
          pos += len;
          continue;
        }
        const h = parseFlacFrameHeader(buf, pos, this.info);
        if (h === undefined && !final) {
          return pos;
        }
        if (!h) {
          const next = nextCandidate(buf, pos + 1);
          out.skip(next - pos);
          pos = next;
          continue;
        }
        this.atStart = false;
        this.current = h;
        this.crc = 0;
        for (let i = 0; i < h.headerLength; i++) {
          this.crc = crc16Update(this.crc, buf[pos + i]!);
        }
        this.searched = h.headerLength;
      }
      const found = this.findEnd(buf, pos, final);
      if (found === undefined) {
        return pos;
      }
      const h = this.current;
      this.current = undefined;
      if (found < 0) {
        // No end within the longest possible frame: this was no frame (or junk followed it).
        const next = nextCandidate(buf, pos + 1);
        out.skip(next - pos);
        pos = next;
        continue;
      }
      out.frame(pos, found, h.blockSize, h.sampleRate);
      pos = found;
    }
    return pos;
  }

  /**
   * Continues the search for the end of the frame starting at `pos`: the end offset, -1 when
   * the frame cannot be valid, or `undefined` when more bytes are needed.
   */
  private findEnd(buf: Uint8Array, pos: number, final: boolean): number | undefined {
    const h = this.current!;
    const limit = maxFrameLength(h);
    const n = buf.length;
    for (;;) {
      const p = pos + this.searched;
      // A frame is at least its header, one subframe byte and the CRC-16.
      if (this.crc === 0 && this.searched >= h.headerLength + 3) {
        if (p === n) {
          return final ? p : undefined;
        }
        const next = buf[p] === 0xff ? parseFlacFrameHeader(buf, p, this.info) : isMarker(buf, p);
        if (next === undefined) {
          // A final scan ends the frame here: what follows is a partial frame to drop.
          return final ? p : undefined;
        }
        if (next) {
          return p;
        }
      }
      if (p === n) {
        return final ? -1 : undefined;
      }
      if (this.searched >= limit) {
        return -1;
      }
      this.crc = crc16Update(this.crc, buf[p]!);
      this.searched++;
    }
  }

  /** Emits the `fLaC` marker and metadata blocks at `buf[pos, pos + len)` as the header. */
  private streamHeader(buf: Uint8Array, pos: number, len: number, out: ResultBuilder): void {
    this.atStart = false;
    this.header = buf.slice(pos, pos + len);
    const offset = out.frame(pos, pos + len, 0, 0, true);
    out.headersDone();
    let at = pos + 4;
    while (at + 4 <= pos + len) {
      const type = buf[at]! & 0x7f;
      const size = (buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!;
      const body = at + 4;
      if (type === STREAMINFO && size >= 18) {
        this.info = {
          sampleRate: (buf[body + 10]! << 12) | (buf[body + 11]! << 4) | (buf[body + 12]! >> 4),
          bitsPerSample: (((buf[body + 12]! & 1) << 4) | (buf[body + 13]! >> 4)) + 1,
        };
      } else if (type === VORBIS_COMMENT) {
        const title = titleFromComments(buf, body, body + size);
        if (title !== undefined) {
          out.title(title, offset);
        }
      }
      at = body + size;
    }
  }
}

/** Whether `buf[pos]` starts `fLaC`: `undefined` when more bytes are needed to tell. */
function isMarker(buf: Uint8Array, pos: number): boolean | undefined {
  const magic = [0x66, 0x4c, 0x61, 0x43];
  for (let i = 0; i < 4; i++) {
    if (pos + i >= buf.length) {
      return undefined;
    }
    if (buf[pos + i] !== magic[i]) {
      return false;
    }
  }
  return true;
}

/** Length of `fLaC` plus all metadata blocks at `buf[pos]`, or `undefined` until all arrived. */
function metadataLength(buf: Uint8Array, pos: number): number | undefined {
  let at = pos + 4;
  for (;;) {
    if (at + 4 > buf.length) {
      return undefined;
    }
    const last = (buf[at]! & 0x80) !== 0;
    at += 4 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
    if (last) {
      return at <= buf.length ? at - pos : undefined;
    }
  }
}

/** The next position at or after `from` that could start a frame or a `fLaC` marker. */
function nextCandidate(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] === 0xff || buf[i] === 0x66) {
      return i;
    }
  }
  return buf.length;
}
