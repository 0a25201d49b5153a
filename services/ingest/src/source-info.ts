/**
 * What a source says about itself: its `ice-*`/`icy-*` headers (lowercased, sanitised) and the
 * audio parameters read from `ice-audio-info`, `ice-bitrate` and the codec headers. Pure: no I/O.
 */
import { sanitizeHeaderValue, type CodecKind, type HeaderMap } from '@penguincast/icy';
import type { AudioInfo } from '@penguincast/bus';

/** Longest header value kept; longer values are cut so mount info and messages stay small. */
const MAX_INFO_VALUE = 1024;
/** Most info headers kept per source. */
const MAX_INFO_HEADERS = 32;

/**
 * Collects the `ice-*` and `icy-*` headers of a PUT or SOURCE request, names lowercased, the
 * first value of each name winning, control characters removed. `icy-metaint` is left out: it
 * describes the source's own framing, not the stream.
 */
export function infoFromHeaders(headers: HeaderMap): Record<string, string> {
  const out: Record<string, string> = {};
  let count = 0;
  for (const [rawName, rawValue] of headers) {
    const name = rawName.toLowerCase();
    if (!/^ic[ey]-[a-z0-9-]+$/.test(name) || name === 'icy-metaint' || name in out) {
      continue;
    }
    if (count >= MAX_INFO_HEADERS) {
      break;
    }
    out[name] = sanitizeHeaderValue(rawValue).slice(0, MAX_INFO_VALUE);
    count += 1;
  }
  return out;
}

/** Sanitises values of an already-built info record (SHOUTcast headers mapped to `ice-*`). */
export function sanitiseInfo(info: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(info).slice(0, MAX_INFO_HEADERS)) {
    out[name.toLowerCase()] = sanitizeHeaderValue(value).slice(0, MAX_INFO_VALUE);
  }
  return out;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,9}\s*$/.test(text)) {
    return undefined;
  }
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** Reads `ice-audio-info` (`ice-samplerate=44100;ice-bitrate=128;ice-channels=2`). */
export function parseAudioInfoHeader(value: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined) {
    return out;
  }
  for (const part of value.split(/[;&]/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      continue;
    }
    const key = part.slice(0, eq).trim().toLowerCase().replace(/^ice-/, '');
    out[key] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * The audio parameters of a source from its info headers, the codec family of its content
 * type and, when the source does not say, the mount's configured bitrate.
 */
export function audioInfoOf(
  info: Readonly<Record<string, string>>,
  codec: CodecKind,
  configuredBitrate?: number,
): AudioInfo {
  const fields = parseAudioInfoHeader(info['ice-audio-info']);
  const audio: AudioInfo = {};
  if (codec !== 'unknown') {
    audio.codec = codec;
  }
  const bitrate =
    positiveInt(info['ice-bitrate']) ??
    positiveInt(info['icy-br']) ??
    positiveInt(fields['bitrate']) ??
    configuredBitrate;
  if (bitrate !== undefined) {
    audio.bitrateKbps = bitrate;
  }
  const sampleRate = positiveInt(fields['samplerate']);
  if (sampleRate !== undefined) {
    audio.sampleRate = sampleRate;
  }
  const channels = positiveInt(fields['channels']);
  if (channels !== undefined) {
    audio.channels = channels;
  }
  const quality = fields['quality'];
  if (quality !== undefined && quality !== '') {
    audio.quality = quality.slice(0, 32);
  }
  return audio;
}

const ASCII = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const OGG_CODEC_MARKERS: ReadonlyArray<[string, Uint8Array]> = [
  ['vorbis', ASCII('\x01vorbis')],
  ['opus', ASCII('OpusHead')],
  ['flac', ASCII('\x7fFLAC')],
  ['speex', ASCII('Speex   ')],
];

/** Names the codec inside Ogg header pages (`vorbis`, `opus`, `flac`), or undefined. */
export function oggCodecOf(headerPages: Uint8Array): string | undefined {
  const buf = Buffer.from(headerPages.buffer, headerPages.byteOffset, headerPages.length);
  for (const [name, marker] of OGG_CODEC_MARKERS) {
    if (buf.indexOf(marker) !== -1) {
      return name;
    }
  }
  return undefined;
}

/**
 * A Content-Type safe for message headers: printable ASCII without outer spaces, or
 * `application/octet-stream` when nothing usable is left.
 */
export function safeContentType(contentType: string): string {
  const cleaned = sanitizeHeaderValue(contentType)
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? 'application/octet-stream' : cleaned;
}
