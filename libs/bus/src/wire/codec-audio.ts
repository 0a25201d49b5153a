/**
 * Codec of audio chunks: the payload stays the raw frame bytes (no copy) and the chunk's
 * session, sequence number, position and timing travel as NATS-style headers.
 */
import { headerValue } from './headers.js';
import { AUDIO_HEADERS, type AudioChunk } from './messages.js';
import type { BusHeaders, BusPayload } from '../ports.js';
import { Fields } from './validate.js';

const TOKEN_RE = /^[\x21-\x7e]{1,200}$/;
const CONTENT_TYPE_RE = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;
const UINT_RE = /^(0|[1-9][0-9]{0,15})$/;

function checkOptionalUint(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) {
    throw new TypeError(`AudioChunk.${name} must be a non-negative safe integer`);
  }
}

/**
 * Turns a chunk into a payload with headers. Throws `TypeError` when a field is out of range
 * or would not survive a NATS header (the session must be visible ASCII without spaces).
 */
export function encodeAudioChunk(chunk: AudioChunk): BusPayload {
  if (!TOKEN_RE.test(chunk.session)) {
    throw new TypeError('AudioChunk.session must be 1-200 visible ASCII characters');
  }
  if (!CONTENT_TYPE_RE.test(chunk.contentType)) {
    throw new TypeError('AudioChunk.contentType must be printable ASCII without outer spaces');
  }
  for (const name of ['seq', 'position'] as const) {
    if (!Number.isSafeInteger(chunk[name]) || chunk[name] < 0) {
      throw new TypeError(`AudioChunk.${name} must be a non-negative safe integer`);
    }
  }
  checkOptionalUint('frames', chunk.frames);
  checkOptionalUint('samples', chunk.samples);
  checkOptionalUint('sampleRate', chunk.sampleRate);
  checkOptionalUint('timestampMs', chunk.timestampMs);
  if (!(chunk.data instanceof Uint8Array)) {
    throw new TypeError('AudioChunk.data must be a Uint8Array');
  }
  const headers: BusHeaders = {
    [AUDIO_HEADERS.session]: chunk.session,
    [AUDIO_HEADERS.seq]: String(chunk.seq),
    [AUDIO_HEADERS.position]: String(chunk.position),
    [AUDIO_HEADERS.contentType]: chunk.contentType,
  };
  if (chunk.frames !== undefined) {
    headers[AUDIO_HEADERS.frames] = String(chunk.frames);
  }
  if (chunk.samples !== undefined) {
    headers[AUDIO_HEADERS.samples] = String(chunk.samples);
  }
  if (chunk.sampleRate !== undefined) {
    headers[AUDIO_HEADERS.sampleRate] = String(chunk.sampleRate);
  }
  if (chunk.timestampMs !== undefined) {
    headers[AUDIO_HEADERS.timestampMs] = String(chunk.timestampMs);
  }
  if (chunk.codecHeaders === true) {
    headers[AUDIO_HEADERS.codecHeaders] = '1';
  }
  return { data: chunk.data, headers };
}

const f: Fields = new Fields('AudioChunk');

function uint(headers: BusHeaders, name: string): number | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined) {
    return undefined;
  }
  if (!UINT_RE.test(raw) || !Number.isSafeInteger(Number(raw))) {
    f.fail(name, `expected a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

function required<T>(v: T | undefined, name: string): T {
  if (v === undefined) {
    f.fail(name, 'header missing');
  }
  return v;
}

/**
 * Reads a chunk from a delivered payload and its headers (header names match case-
 * insensitively). `data` is the delivered buffer itself. Throws `MessageDecodeError`.
 */
export function decodeAudioChunk(msg: { data: Uint8Array; headers: BusHeaders }): AudioChunk {
  const { headers } = msg;
  const session = required(headerValue(headers, AUDIO_HEADERS.session), AUDIO_HEADERS.session);
  if (!TOKEN_RE.test(session)) {
    f.fail(AUDIO_HEADERS.session, 'expected visible ASCII');
  }
  const contentType = required(
    headerValue(headers, AUDIO_HEADERS.contentType),
    AUDIO_HEADERS.contentType,
  );
  const chunk: AudioChunk = {
    session,
    seq: required(uint(headers, AUDIO_HEADERS.seq), AUDIO_HEADERS.seq),
    position: required(uint(headers, AUDIO_HEADERS.position), AUDIO_HEADERS.position),
    contentType,
    data: msg.data,
  };
  const frames = uint(headers, AUDIO_HEADERS.frames);
  if (frames !== undefined) {
    chunk.frames = frames;
  }
  const samples = uint(headers, AUDIO_HEADERS.samples);
  if (samples !== undefined) {
    chunk.samples = samples;
  }
  const sampleRate = uint(headers, AUDIO_HEADERS.sampleRate);
  if (sampleRate !== undefined) {
    chunk.sampleRate = sampleRate;
  }
  const timestampMs = uint(headers, AUDIO_HEADERS.timestampMs);
  if (timestampMs !== undefined) {
    chunk.timestampMs = timestampMs;
  }
  const codecHeaders = headerValue(headers, AUDIO_HEADERS.codecHeaders);
  if (codecHeaders !== undefined) {
    if (codecHeaders !== '1' && codecHeaders !== '0') {
      f.fail(AUDIO_HEADERS.codecHeaders, `expected 1 or 0, got ${JSON.stringify(codecHeaders)}`);
    }
    if (codecHeaders === '1') {
      chunk.codecHeaders = true;
    }
  }
  return chunk;
}
