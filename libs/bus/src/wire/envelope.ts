/**
 * A small binary envelope for messages that carry bytes (Ogg header pages, burst frames): a
 * JSON header followed by raw blobs, so binary data travels without base64's 33 % growth.
 */
import type { Fields, Obj } from './validate.js';
import { jsonBytes } from './validate.js';

/**
 * Magic and layout version: `P` `C` `B` `1`. The layout after it is a big-endian u32 JSON
 * length, the UTF-8 JSON (which lists blob lengths under `b`), then the blobs back to back.
 */
export const ENVELOPE_MAGIC = Uint8Array.of(0x50, 0x43, 0x42, 0x31);

const HEAD = 8;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Packs `json` (which must not use the key `b`) and `blobs` into one buffer. */
export function encodeEnvelope(json: Obj, blobs: readonly Uint8Array[]): Uint8Array {
  const head = jsonBytes({ ...json, b: blobs.map((x) => x.byteLength) });
  let total = HEAD + head.byteLength;
  for (const blob of blobs) {
    total += blob.byteLength;
  }
  const out = new Uint8Array(total);
  out.set(ENVELOPE_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, head.byteLength);
  out.set(head, HEAD);
  let at = HEAD + head.byteLength;
  for (const blob of blobs) {
    out.set(blob, at);
    at += blob.byteLength;
  }
  return out;
}

/**
 * Unpacks an envelope. Blobs are views into `bytes` (no copy), so they live as long as the
 * message does. Throws `MessageDecodeError` through `f` on any inconsistency.
 */
export function decodeEnvelope(
  f: Fields,
  bytes: Uint8Array,
): { json: unknown; blobs: Uint8Array[] } {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < HEAD) {
    f.fail('', 'envelope too short');
  }
  for (let i = 0; i < ENVELOPE_MAGIC.length; i++) {
    if (bytes[i] !== ENVELOPE_MAGIC[i]) {
      f.fail('', 'not a PCB1 envelope');
    }
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLen = view.getUint32(4);
  if (HEAD + jsonLen > bytes.byteLength) {
    f.fail('', 'envelope JSON length exceeds the message');
  }
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(bytes.subarray(HEAD, HEAD + jsonLen)));
  } catch (err) {
    f.fail('', 'envelope JSON is not UTF-8 JSON', err);
  }
  const o = f.obj(json, '');
  const lengths = f.arr(o['b'], 'b');
  const blobs: Uint8Array[] = [];
  let at = HEAD + jsonLen;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i];
    if (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 0) {
      f.fail(`b[${i}]`, 'expected a blob length');
    }
    if (at + len > bytes.byteLength) {
      f.fail(`b[${i}]`, 'blob runs past the end of the message');
    }
    blobs.push(bytes.subarray(at, at + len));
    at += len;
  }
  if (at !== bytes.byteLength) {
    f.fail('', `${bytes.byteLength - at} trailing bytes after the last blob`);
  }
  return { json: o, blobs };
}

/** Resolves a blob index read from field `field` of the envelope JSON. */
export function blobAt(
  f: Fields,
  blobs: readonly Uint8Array[],
  v: unknown,
  field: string,
): Uint8Array {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v >= blobs.length) {
    f.fail(field, 'expected a blob index');
  }
  return blobs[v] as Uint8Array;
}
