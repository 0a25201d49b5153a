/**
 * Test helpers for the codec splitters: builders of synthetic MPEG, ADTS, ID3 and Ogg bytes,
 * fixture loading, and a driver that feeds a splitter in given chunks and gathers its output.
 * Test-only: reads files, never shipped.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc16Update, crc8, oggPageCrc } from '../src/codec/crc.js';
import type { FrameInfo, FrameSplitter, StreamTitle } from '../src/codec/index.js';

/** Absolute path of a fixture made by `scripts/make-audio-fixtures.sh`. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** The bytes of a fixture. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(name)));
}

/** Concatenates byte arrays. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), so payloads may contain 0xFF like real audio. */
export function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Options of {@link mp3Frame}: MPEG-1 layer III 128 kbit/s 44.1 kHz stereo by default. */
export interface Mp3FrameOptions {
  versionBits?: number;
  layerBits?: number;
  bitrateIndex?: number;
  rateIndex?: number;
  padding?: 0 | 1;
  length: number;
  seed?: number;
}

/** One MPEG audio frame of the given total `length` with a noise payload. */
export function mp3Frame(o: Mp3FrameOptions): Uint8Array {
  const f = noise(o.length, o.seed ?? 7);
  f[0] = 0xff;
  f[1] = 0xe0 | ((o.versionBits ?? 3) << 3) | ((o.layerBits ?? 1) << 1) | 1;
  f[2] = ((o.bitrateIndex ?? 9) << 4) | ((o.rateIndex ?? 0) << 2) | ((o.padding ?? 0) << 1);
  f[3] = 0x40;
  return f;
}

/** A run of MPEG-1 layer III 128 kbit/s 44.1 kHz frames, padded as an encoder pads them. */
export function mp3Frames(count: number, seed = 1): Uint8Array {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const padding = i % 3 === 1 ? 1 : 0;
    frames.push(mp3Frame({ length: 417 + padding, padding, seed: seed + i }));
  }
  return concat(...frames);
}

/** One ADTS frame (AAC LC, 44.1 kHz stereo) of total `length`, with or without CRC. */
export function adtsFrame(length: number, crc = false, seed = 3): Uint8Array {
  const f = noise(length, seed);
  f[0] = 0xff;
  f[1] = crc ? 0xf0 : 0xf1;
  f[2] = (1 << 6) | (4 << 2);
  f[3] = (2 << 6) | ((length >> 11) & 3);
  f[4] = (length >> 3) & 0xff;
  f[5] = ((length & 7) << 5) | 0x1f;
  f[6] = 0xfc;
  return f;
}

/** An ID3v2.3 tag with a body of `size` bytes. */
export function id3Tag(size: number): Uint8Array {
  const t = new Uint8Array(10 + size);
  t.set([0x49, 0x44, 0x33, 3, 0, 0]);
  t[6] = (size >> 21) & 0x7f;
  t[7] = (size >> 14) & 0x7f;
  t[8] = (size >> 7) & 0x7f;
  t[9] = size & 0x7f;
  return t;
}

/** Fields of one synthetic Ogg page. */
export interface OggPageOptions {
  serial: number;
  seq: number;
  /** -1 for "no packet ends on this page". */
  granule: number;
  bos?: boolean;
  eos?: boolean;
  continued?: boolean;
  /** Packet pieces on the page; the last one continues on the next page when `open` is set. */
  packets: readonly Uint8Array[];
  open?: boolean;
}

/** Builds one Ogg page with a valid CRC. */
export function oggPage(o: OggPageOptions): Uint8Array {
  const lacing: number[] = [];
  o.packets.forEach((p, i) => {
    let left = p.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    if (!(o.open && i === o.packets.length - 1)) {
      lacing.push(left);
    } else if (left > 0) {
      throw new Error('an open packet piece must be a multiple of 255 bytes');
    }
  });
  const body = concat(...o.packets);
  const page = new Uint8Array(27 + lacing.length + body.length);
  const dv = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53, 0]);
  page[5] = (o.continued ? 1 : 0) | (o.bos ? 2 : 0) | (o.eos ? 4 : 0);
  if (o.granule < 0) {
    page.fill(0xff, 6, 14);
  } else {
    dv.setBigUint64(6, BigInt(o.granule), true);
  }
  dv.setUint32(14, o.serial, true);
  dv.setUint32(18, o.seq, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  page.set(body, 27 + lacing.length);
  dv.setUint32(22, oggPageCrc(page, 0, page.length), true);
  return page;
}

/** A Vorbis comment list (vendor, then `KEY=value` entries). */
export function vorbisComments(entries: readonly string[], vendor = 'synth'): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const u32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n, true);
    return b;
  };
  const v = enc.encode(vendor);
  parts.push(u32(v.length), v, u32(entries.length));
  for (const e of entries) {
    const b = enc.encode(e);
    parts.push(u32(b.length), b);
  }
  return concat(...parts);
}

/** Everything a splitter produced over a whole stream, offsets made absolute. */
export interface Collected {
  data: Uint8Array;
  frames: FrameInfo[];
  titles: StreamTitle[];
  skipped: number;
  samples: number;
  durationMs: number;
  headerChanges: number;
  /** `headerPages` right after each call that reported `headersChanged`. */
  headers: Uint8Array[];
  /** `headerPages` before the final flush. */
  lastHeader: Uint8Array;
}

/**
 * The part of a {@link Collected} that must not depend on chunking. `headersChanged` is one flag
 * per call, so two header sets completed by one call count once; the frames still carry them.
 */
export function chunkInvariant(c: Collected): Omit<Collected, 'headerChanges' | 'headers'> {
  const { headerChanges: _n, headers: _h, ...rest } = c;
  return rest;
}

/** Feeds `input` to `splitter` cut into chunks of the given sizes (cycled), then flushes. */
export function collect(
  splitter: FrameSplitter,
  input: Uint8Array,
  sizes: readonly number[] = [input.length],
): Collected {
  const c: Collected = {
    data: new Uint8Array(0),
    frames: [],
    titles: [],
    skipped: 0,
    samples: 0,
    durationMs: 0,
    headerChanges: 0,
    headers: [],
    lastHeader: new Uint8Array(0),
  };
  const parts: Uint8Array[] = [];
  let base = 0;
  const take = (r: ReturnType<FrameSplitter['push']>): void => {
    parts.push(r.data);
    c.frames.push(...r.frames.map((f) => ({ ...f, offset: f.offset + base })));
    c.titles.push(...r.titles.map((t) => ({ ...t, offset: t.offset + base })));
    c.skipped += r.skippedBytes;
    c.samples += r.samples;
    c.durationMs += r.durationMs;
    if (r.headersChanged) {
      c.headerChanges++;
      c.headers.push(splitter.headerPages);
    }
    base += r.data.length;
  };
  let at = 0;
  for (let i = 0; at < input.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    take(splitter.push(input.subarray(at, at + size)));
    at += size;
  }
  c.lastHeader = splitter.headerPages;
  take(splitter.flush());
  c.data = concat(...parts);
  // Durations are float sums whose rounding depends on how frames were grouped into calls.
  c.durationMs = Math.round(c.durationMs * 1e6) / 1e6;
  return c;
}

/** Feeds one byte at a time. */
export function collectBytewise(splitter: FrameSplitter, input: Uint8Array): Collected {
  return collect(splitter, input, [1]);
}

/** One native FLAC frame: 4096-sample, 44.1 kHz, stereo, 16-bit header, noise body, CRC-16. */
export function flacFrame(frameNumber: number, bodyLength: number, seed = 5): Uint8Array {
  if (frameNumber > 127) {
    throw new Error('synthetic frames use a one-byte frame number');
  }
  const header = Uint8Array.of(0xff, 0xf8, (12 << 4) | 9, (1 << 4) | (4 << 1), frameNumber);
  const f = concat(header, Uint8Array.of(crc8(header, 0, header.length)), noise(bodyLength, seed));
  let crc = 0;
  for (const b of f) {
    crc = crc16Update(crc, b);
  }
  return concat(f, Uint8Array.of(crc >> 8, crc & 0xff));
}

/** `fLaC`, a STREAMINFO for 44.1 kHz stereo 16-bit, and a VORBIS_COMMENT block (last). */
export function flacStreamHeader(tags: readonly string[]): Uint8Array {
  const info = new Uint8Array(34);
  info.set([0x10, 0x00, 0x10, 0x00], 0);
  // 44100 Hz (20 bits), 2 channels (3 bits, minus one), 16 bits per sample (5 bits, minus one).
  info.set([0x0a, 0xc4, 0x42, 0xf0], 10);
  const comments = vorbisComments(tags);
  const len = comments.length;
  return concat(
    Uint8Array.from('fLaC', (c) => c.charCodeAt(0)),
    Uint8Array.of(0, 0, 0, 34),
    info,
    Uint8Array.of(0x84, (len >> 16) & 0xff, (len >> 8) & 0xff, len & 0xff),
    comments,
  );
}
