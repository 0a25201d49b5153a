/**
 * AAC in ADTS framing: header parsing (the 13-bit frame length, with or without CRC) and the
 * splitter built on it. Pure; no decoding.
 */
import { SyncSplitter } from './sync-splitter.js';
import type { SyncFrameHeader } from './sync-splitter.js';

/** Bytes of an ADTS header without CRC; a CRC adds two more, which `frame_length` includes. */
export const ADTS_HEADER_BYTES = 7;

/** Sampling frequencies by `sampling_frequency_index` (ISO/IEC 14496-3). */
const ADTS_SAMPLE_RATES = [
  96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/** Samples per channel in one raw AAC data block. */
const AAC_FRAME_SAMPLES = 1024;

/** Parsed fields of an ADTS header. */
export interface AdtsHeader extends SyncFrameHeader {
  /** Audio object type minus one (1 = AAC LC). */
  readonly profile: number;
  /** Channel configuration (0 = defined in the stream). */
  readonly channelConfig: number;
  /** True when a CRC follows the fixed header. */
  readonly crc: boolean;
}

/**
 * Parses the ADTS header at `buf[pos]`: `undefined` when fewer than seven bytes are available,
 * `null` when the bytes are not a valid header.
 */
export function parseAdtsHeader(buf: Uint8Array, pos: number): AdtsHeader | null | undefined {
  if (buf.length - pos < ADTS_HEADER_BYTES) {
    return undefined;
  }
  const b1 = buf[pos + 1]!;
  const b2 = buf[pos + 2]!;
  const b3 = buf[pos + 3]!;
  // Sync word 0xFFF, then layer, which is always 0 in ADTS.
  if (buf[pos] !== 0xff || (b1 & 0xf6) !== 0xf0) {
    return null;
  }
  const crc = (b1 & 1) === 0;
  const rateIndex = (b2 >> 2) & 0x0f;
  const sampleRate = ADTS_SAMPLE_RATES[rateIndex];
  if (sampleRate === undefined) {
    return null;
  }
  const length = ((b3 & 3) << 11) | (buf[pos + 4]! << 3) | (buf[pos + 5]! >> 5);
  if (length < ADTS_HEADER_BYTES + (crc ? 2 : 0)) {
    return null;
  }
  const blocks = (buf[pos + 6]! & 3) + 1;
  return {
    length,
    samples: blocks * AAC_FRAME_SAMPLES,
    sampleRate,
    // MPEG version, profile, rate index and channel configuration: fixed for one encoder run.
    key: ((b1 & 0x08) << 16) | ((b2 & 0xfd) << 8) | (b3 & 0xc0),
    profile: b2 >> 6,
    channelConfig: ((b2 & 1) << 2) | (b3 >> 6),
    crc,
  };
}

/** Splits AAC in ADTS framing (`audio/aac`, `audio/aacp`) into whole frames. */
export class AdtsSplitter extends SyncSplitter {
  readonly kind = 'aac' as const;

  protected parseHeader(buf: Uint8Array, pos: number): AdtsHeader | null | undefined {
    return parseAdtsHeader(buf, pos);
  }
}
