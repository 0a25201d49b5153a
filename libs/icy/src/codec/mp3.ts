/**
 * MPEG audio (MPEG-1, MPEG-2 and MPEG-2.5, layers I, II and III) frame header parsing and the
 * MP3 splitter built on it. Pure table lookups; no decoding.
 */
import { SyncSplitter } from './sync-splitter.js';
import type { SyncFrameHeader } from './sync-splitter.js';

/** Bytes of an MPEG audio frame header. */
export const MPEG_HEADER_BYTES = 4;

/** Bitrates in kbit/s by index 1..14 (index 0 is free format, 15 is invalid). */
const BITRATES = {
  v1l1: [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  v1l2: [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  v1l3: [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  v2l1: [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  v2l23: [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
} as const;

/** Sample rates by version bits (0 = MPEG-2.5, 2 = MPEG-2, 3 = MPEG-1) and index 0..2. */
const SAMPLE_RATES: Record<number, readonly number[]> = {
  0: [11025, 12000, 8000],
  2: [22050, 24000, 16000],
  3: [44100, 48000, 32000],
};

/** Parsed fields of an MPEG audio frame header. */
export interface MpegHeader extends SyncFrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  readonly version: 1 | 2 | 2.5;
  /** Layer 1, 2 or 3. */
  readonly layer: 1 | 2 | 3;
  /** Bitrate in kbit/s. */
  readonly bitrate: number;
  /** Channel count (1 for single channel, else 2). */
  readonly channels: 1 | 2;
}

/**
 * Parses the MPEG audio frame header at `buf[pos]`. Returns `undefined` when fewer than four
 * bytes are available and `null` for anything that is not a valid header. Free-format frames
 * (bitrate index 0) are rejected: their length is not in the header, and no source sends them.
 */
export function parseMpegHeader(buf: Uint8Array, pos: number): MpegHeader | null | undefined {
  if (buf.length - pos < MPEG_HEADER_BYTES) {
    return undefined;
  }
  const b1 = buf[pos + 1]!;
  const b2 = buf[pos + 2]!;
  const b3 = buf[pos + 3]!;
  if (buf[pos] !== 0xff || (b1 & 0xe0) !== 0xe0) {
    return null;
  }
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  // Version 1 and layer 0 are reserved; emphasis 2 is reserved and rules out many false syncs.
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15) {
    return null;
  }
  if (rateIndex === 3 || (b3 & 3) === 2) {
    return null;
  }
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const v1 = versionBits === 3;
  const table = v1
    ? layer === 1
      ? BITRATES.v1l1
      : layer === 2
        ? BITRATES.v1l2
        : BITRATES.v1l3
    : layer === 1
      ? BITRATES.v2l1
      : BITRATES.v2l23;
  const bitrate = table[bitrateIndex - 1]!;
  const sampleRate = SAMPLE_RATES[versionBits]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  let length: number;
  let samples: number;
  if (layer === 1) {
    length = (Math.floor((12 * bitrate * 1000) / sampleRate) + padding) * 4;
    samples = 384;
  } else if (layer === 2 || v1) {
    length = Math.floor((144 * bitrate * 1000) / sampleRate) + padding;
    samples = 1152;
  } else {
    // MPEG-2 and 2.5 layer III frames carry one granule, half of MPEG-1's two.
    length = Math.floor((72 * bitrate * 1000) / sampleRate) + padding;
    samples = 576;
  }
  return {
    length,
    samples,
    sampleRate,
    // Version, layer and sample rate index: fixed for one encoder run.
    key: ((b1 & 0x1e) << 8) | (b2 & 0x0c),
    version: v1 ? 1 : versionBits === 2 ? 2 : 2.5,
    layer,
    bitrate,
    channels: b3 >> 6 === 3 ? 1 : 2,
  };
}

/**
 * Splits MPEG audio (`audio/mpeg`) into whole frames. ID3v2 tags at the start (and at any
 * later frame boundary, where concatenated files put them) are stripped and counted as skipped.
 */
export class Mp3Splitter extends SyncSplitter {
  readonly kind = 'mp3' as const;

  protected parseHeader(buf: Uint8Array, pos: number): MpegHeader | null | undefined {
    return parseMpegHeader(buf, pos);
  }
}
