/**
 * Knowledge of the codecs an Ogg stream may carry: how to recognise one from its first packet,
 * how many header packets a new listener needs, the granule rate, and where its comments sit.
 * Pure byte inspection; no decoding.
 */
import { titleFromComments } from './vorbis-comment.js';

/** Codecs recognised inside Ogg. Theora and Skeleton matter only for header capture. */
export type OggCodec = 'vorbis' | 'opus' | 'flac' | 'speex' | 'theora' | 'skeleton' | 'unknown';

/** What the first packet of a logical stream tells. */
export interface OggStreamInfo {
  /** The codec the stream carries. */
  readonly codec: OggCodec;
  /**
   * Header packets, the first included, a new listener needs before audio. `Infinity` means
   * the count is not known up front: the headers end at a flagged last packet or at EOS.
   */
  readonly headerPackets: number;
  /** Granule positions count samples at this rate; 0 for non-audio streams. */
  readonly sampleRate: number;
}

/** The Opus granule position always counts 48 kHz samples (RFC 7845). */
const OPUS_GRANULE_RATE = 48000;

function startsWith(p: Uint8Array, ascii: string, at = 0): boolean {
  if (p.length < at + ascii.length) {
    return false;
  }
  for (let i = 0; i < ascii.length; i++) {
    if (p[at + i] !== ascii.charCodeAt(i)) {
      return false;
    }
  }
  return true;
}

function u32le(p: Uint8Array, at: number): number {
  if (p.length < at + 4) {
    return 0;
  }
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16) | (p[at + 3]! << 24)) >>> 0;
}

/** Identifies a logical stream from its first (BOS) packet. */
export function identifyOggStream(first: Uint8Array): OggStreamInfo {
  if (first[0] === 0x01 && startsWith(first, 'vorbis', 1)) {
    return { codec: 'vorbis', headerPackets: 3, sampleRate: u32le(first, 12) };
  }
  if (startsWith(first, 'OpusHead')) {
    return { codec: 'opus', headerPackets: 2, sampleRate: OPUS_GRANULE_RATE };
  }
  if (first[0] === 0x7f && startsWith(first, 'FLAC', 1)) {
    // Ogg FLAC mapping: a 16-bit count of the header packets that follow (0 = unknown), then
    // `fLaC` and the STREAMINFO block, whose 20-bit sample rate starts 10 bytes in.
    const following = first.length >= 9 ? (first[7]! << 8) | first[8]! : 0;
    const rate =
      first.length >= 30 ? (first[27]! << 12) | (first[28]! << 4) | (first[29]! >> 4) : 0;
    return {
      codec: 'flac',
      headerPackets: following > 0 ? 1 + following : Infinity,
      sampleRate: rate,
    };
  }
  if (startsWith(first, 'Speex   ')) {
    return { codec: 'speex', headerPackets: 2 + u32le(first, 68), sampleRate: u32le(first, 36) };
  }
  if (first[0] === 0x80 && startsWith(first, 'theora', 1)) {
    return { codec: 'theora', headerPackets: 3, sampleRate: 0 };
  }
  if (startsWith(first, 'fishead\0')) {
    // Skeleton's headers run until its EOS page, which precedes the other streams' audio.
    return { codec: 'skeleton', headerPackets: Infinity, sampleRate: 0 };
  }
  return { codec: 'unknown', headerPackets: 1, sampleRate: 0 };
}

/**
 * Returns the title carried by header packet number `index` of a stream, or `undefined` when
 * that packet is no comment packet or tags neither TITLE nor ARTIST.
 */
export function headerPacketTitle(
  codec: OggCodec,
  index: number,
  packet: Uint8Array,
): string | undefined {
  switch (codec) {
    case 'vorbis':
      return packet[0] === 0x03 && startsWith(packet, 'vorbis', 1)
        ? titleFromComments(packet, 7)
        : undefined;
    case 'opus':
      return startsWith(packet, 'OpusTags') ? titleFromComments(packet, 8) : undefined;
    case 'theora':
      return packet[0] === 0x81 && startsWith(packet, 'theora', 1)
        ? titleFromComments(packet, 7)
        : undefined;
    case 'speex':
      return index === 1 ? titleFromComments(packet, 0) : undefined;
    case 'flac':
      // Header packets after the first are bare metadata blocks; type 4 is VORBIS_COMMENT.
      return index > 0 && (packet[0]! & 0x7f) === 4 ? titleFromComments(packet, 4) : undefined;
    default:
      return undefined;
  }
}

/** True when an Ogg FLAC header packet is flagged as the last metadata block. */
export function isLastFlacHeaderPacket(index: number, packet: Uint8Array): boolean {
  return index > 0 && (packet[0]! & 0x80) !== 0;
}
