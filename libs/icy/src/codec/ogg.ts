/**
 * The Ogg splitter: cuts a stream into whole, CRC-checked pages, keeps the header pages a new
 * listener must receive first (per chained link), and reports titles from comment headers.
 * Pure; packets are reassembled only while a stream is in its headers.
 */
import { BufferedSplitter } from './buffer.js';
import type { ResultBuilder } from './buffer.js';
import { oggPageCrc } from './crc.js';
import { headerPacketTitle, identifyOggStream, isLastFlacHeaderPacket } from './ogg-codecs.js';
import type { OggCodec } from './ogg-codecs.js';

/** Bytes of the fixed part of an Ogg page header, before the segment table. */
export const OGG_PAGE_HEADER_BYTES = 27;
const FLAG_CONTINUED = 0x01;
const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;
/**
 * Header packets are kept for parsing up to this size; a comment packet carrying cover art
 * can be far larger, and its title entries come before the picture in practice. The pages
 * themselves are always captured whole.
 */
const MAX_PARSED_PACKET_BYTES = 256 * 1024;
/**
 * A granule step longer than this is not one page of audio but a stream joined midway or
 * restarted, so it counts as no duration rather than a leap in stream time.
 */
const MAX_PAGE_SECONDS = 30;

/** Per logical stream (serial number) state. */
interface OggStream {
  codec: OggCodec;
  headerPackets: number;
  sampleRate: number;
  /** Header packets completed so far. */
  packets: number;
  inHeaders: boolean;
  /** Pieces of a header packet continued on the next page. */
  partial: Uint8Array[];
  partialBytes: number;
  /** Granule of the previous page that ended a packet; `undefined` when joined midway. */
  lastGranule: number | undefined;
}

/** One link of a chained stream: the logical streams that began together. */
interface OggChain {
  streams: Map<number, OggStream>;
  /** The audio stream whose granules give the durations. */
  primary: OggStream | undefined;
  /** Copies of this link's header pages, in stream order. */
  headerParts: Uint8Array[];
  /** True once a non-BOS page arrived: a BOS after that starts a new link. */
  begun: boolean;
  complete: boolean;
}

/** Splits Ogg (`application/ogg`, `audio/ogg`, `audio/opus`…) into whole pages. */
export class OggSplitter extends BufferedSplitter {
  readonly kind = 'ogg' as const;
  private chain: OggChain | undefined;

  protected reset(): void {
    this.chain = undefined;
    this.header = new Uint8Array(0);
  }

  protected scan(buf: Uint8Array, out: ResultBuilder, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      if (buf[pos] !== 0x4f) {
        const next = buf.indexOf(0x4f, pos + 1);
        const to = next < 0 ? n : next;
        out.skip(to - pos);
        pos = to;
        continue;
      }
      const len = pageLength(buf, pos);
      if (len === undefined && !final) {
        // Too few bytes yet to judge this capture pattern.
        return pos;
      }
      if (len == null || readU32(buf, pos + 22) !== oggPageCrc(buf, pos, pos + len)) {
        // Not a page, or a damaged one: skip a byte and look for the next capture pattern.
        out.skip(1);
        pos += 1;
        continue;
      }
      this.page(buf, pos, len, out);
      pos += len;
    }
    return pos;
  }

  /** Handles one CRC-valid page at `buf[pos, pos + len)`. */
  private page(buf: Uint8Array, pos: number, len: number, out: ResultBuilder): void {
    const flags = buf[pos + 5]!;
    const lo = readU32(buf, pos + 6);
    const hi = readU32(buf, pos + 10);
    const granule = lo === 0xffffffff && hi === 0xffffffff ? -1 : hi * 2 ** 32 + lo;
    const serial = readU32(buf, pos + 14);

    let chain = this.chain;
    let stream: OggStream | undefined;
    if (flags & FLAG_BOS) {
      if (!chain || chain.begun) {
        chain = {
          streams: new Map(),
          primary: undefined,
          headerParts: [],
          begun: false,
          complete: false,
        };
        this.chain = chain;
      }
      stream = newStream(true);
      chain.streams.set(serial, stream);
    } else {
      if (!chain) {
        // Joined midway (no BOS seen): frame the pages, but there are no headers to capture.
        chain = {
          streams: new Map(),
          primary: undefined,
          headerParts: [],
          begun: true,
          complete: true,
        };
        this.chain = chain;
      }
      chain.begun = true;
      stream = chain.streams.get(serial);
      if (!stream) {
        stream = newStream(false);
        chain.streams.set(serial, stream);
      }
    }

    const isHeader = stream.inHeaders;
    const titles = isHeader ? this.headerPackets(buf, pos, flags, stream, chain) : [];
    let samples = 0;
    if (!isHeader && stream === chain.primary && granule >= 0) {
      if (stream.lastGranule !== undefined) {
        const step = granule - stream.lastGranule;
        samples = step >= 0 && step <= stream.sampleRate * MAX_PAGE_SECONDS ? step : 0;
      }
      stream.lastGranule = granule;
    }
    const offset = out.frame(pos, pos + len, samples, stream.sampleRate, isHeader);
    for (const title of titles) {
      out.title(title, offset);
    }
    if (isHeader) {
      chain.headerParts.push(buf.slice(pos, pos + len));
      if (flags & FLAG_EOS) {
        stream.inHeaders = false;
      }
      if (!chain.complete && [...chain.streams.values()].every((s) => !s.inHeaders)) {
        chain.complete = true;
        this.header = concat(chain.headerParts);
        out.headersDone();
      }
    }
  }

  /**
   * Reassembles the header packets on a header page, identifies the stream from its first
   * packet, counts header packets and returns any titles their comments carry.
   */
  private headerPackets(
    buf: Uint8Array,
    pos: number,
    flags: number,
    stream: OggStream,
    chain: OggChain,
  ): string[] {
    const titles: string[] = [];
    const segments = buf[pos + 26]!;
    let body = pos + OGG_PAGE_HEADER_BYTES + segments;
    if (!(flags & FLAG_CONTINUED) && stream.partialBytes > 0) {
      // The page contradicts the carried-over piece; the piece cannot be completed.
      stream.partial = [];
      stream.partialBytes = 0;
    }
    for (let i = 0; i < segments && stream.inHeaders; i++) {
      const lace = buf[pos + OGG_PAGE_HEADER_BYTES + i]!;
      const room = MAX_PARSED_PACKET_BYTES - stream.partialBytes;
      if (room > 0 && lace > 0) {
        stream.partial.push(buf.slice(body, body + Math.min(lace, room)));
        stream.partialBytes += Math.min(lace, room);
      }
      body += lace;
      if (lace === 255) {
        continue;
      }
      const packet = concat(stream.partial);
      stream.partial = [];
      stream.partialBytes = 0;
      const index = stream.packets++;
      if (index === 0) {
        const info = identifyOggStream(packet);
        stream.codec = info.codec;
        stream.headerPackets = info.headerPackets;
        stream.sampleRate = info.sampleRate;
        if (info.sampleRate > 0 && info.codec !== 'theora' && !chain.primary) {
          chain.primary = stream;
        }
      }
      const title = headerPacketTitle(stream.codec, index, packet);
      if (title !== undefined) {
        titles.push(title);
      }
      if (stream.packets >= stream.headerPackets) {
        stream.inHeaders = false;
      } else if (stream.codec === 'flac' && isLastFlacHeaderPacket(index, packet)) {
        stream.inHeaders = false;
      }
    }
    return titles;
  }
}

function newStream(fromStart: boolean): OggStream {
  return {
    codec: 'unknown',
    headerPackets: fromStart ? 1 : 0,
    sampleRate: 0,
    packets: 0,
    inHeaders: fromStart,
    partial: [],
    partialBytes: 0,
    lastGranule: fromStart ? 0 : undefined,
  };
}

/**
 * The length of the page whose capture pattern may start at `buf[pos]`: `undefined` when more
 * bytes are needed to tell, `null` when it is no page header.
 */
function pageLength(buf: Uint8Array, pos: number): number | null | undefined {
  const avail = buf.length - pos;
  const magic = [0x4f, 0x67, 0x67, 0x53, 0x00];
  for (let i = 0; i < magic.length; i++) {
    if (i >= avail) {
      return undefined;
    }
    if (buf[pos + i] !== magic[i]) {
      return null;
    }
  }
  if (avail < OGG_PAGE_HEADER_BYTES) {
    return undefined;
  }
  const segments = buf[pos + 26]!;
  if (avail < OGG_PAGE_HEADER_BYTES + segments) {
    return undefined;
  }
  let len = OGG_PAGE_HEADER_BYTES + segments;
  for (let i = 0; i < segments; i++) {
    len += buf[pos + OGG_PAGE_HEADER_BYTES + i]!;
  }
  return avail < len ? undefined : len;
}

function readU32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) {
    return parts[0]!;
  }
  let total = 0;
  for (const p of parts) {
    total += p.length;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
