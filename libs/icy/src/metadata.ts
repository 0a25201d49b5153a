/**
 * ICY metadata blocks: encoding `StreamTitle='…';StreamUrl='…';` with injection-proof escaping
 * and the 4080-byte cap, and tolerant decoding of blocks written by any server.
 * Pure: no sockets, no timers, no clock, no logging.
 */

/** Audio bytes between two metadata blocks when a mount configures none (Icecast's default). */
export const ICY_METAINT_DEFAULT = 16000;

/** Largest metadata payload: the length byte counts 16-byte units and tops out at 255. */
export const MAX_META_BYTES = 255 * 16;

/** How the text inside a metadata block is encoded on the wire. */
export type IcyCharset = 'utf-8' | 'latin1';

/** What a metadata block says: the title a listener sees and an optional URL. */
export interface TitleInfo {
  /** Usually `Artist - Title`. Missing or empty still sends `StreamTitle='';`. */
  title?: string;
  /** Sent as `StreamUrl='…';` when present and non-empty, dropped first when space runs out. */
  url?: string;
}

/** Options of {@link encodeMetadataBlock}. */
export interface EncodeMetadataOptions {
  /** Text encoding of the block; `latin1` turns characters outside ISO-8859-1 into `?`. */
  charset: IcyCharset;
}

/** The result of {@link decodeMetadataBlock}. */
export interface DecodedMetadata {
  /** The `StreamTitle` value, when the block has one. */
  title?: string;
  /** The `StreamUrl` value, when the block has one. */
  url?: string;
  /** Every `Key='value'` field in the block, first occurrence of each key. */
  fields: Record<string, string>;
}

/**
 * The block sent when nothing changed since the listener's previous block: one zero length byte.
 * It is shared, so callers must never write into it.
 */
export const EMPTY_METADATA_BLOCK: Uint8Array = Uint8Array.of(0);

/** Bytes of `StreamTitle='';`, the part of a block that is always present. */
const TITLE_FRAME_BYTES = "StreamTitle='';".length;

/** The apostrophe's stand-in in UTF-8 titles: RIGHT SINGLE QUOTATION MARK, what typesetters use. */
const UTF8_QUOTE = '\u2019';

/** The stand-in in Latin-1 titles, where U+2019 does not exist; ASCII survives any charset guess. */
const LATIN1_QUOTE = '`';

/**
 * Makes a title safe to put between the quotes of `StreamTitle='…';`.
 *
 * Players split fields in different ways: most take the value up to the first `';`, some up to
 * the first `'`, a few up to the last `';`. Only a value without any `'` reads the same in all
 * of them, so every `'` becomes ’ (U+2019) in UTF-8 and a backtick in Latin-1. Line breaks, tabs
 * and U+2028/U+2029 become one space so words stay apart; every other control character (C0,
 * DEL, C1, including NUL, which would end the text early) is dropped. Lone surrogates become
 * U+FFFD, which is what a UTF-8 encoder would send anyway, and in Latin-1 every character above
 * U+00FF becomes `?`.
 */
export function sanitizeMetadataValue(value: string, charset: IcyCharset): string {
  const spaced = value.replace(/[\t\n\v\f\r\u2028\u2029]+/g, ' ');
  let out = '';
  for (const ch of spaced) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      continue;
    }
    if (ch === "'") {
      out += charset === 'utf-8' ? UTF8_QUOTE : LATIN1_QUOTE;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += charset === 'utf-8' ? '\ufffd' : '?';
    } else if (charset === 'latin1' && cp > 0xff) {
      out += '?';
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Makes a URL safe for `StreamUrl='…';`. A URL must stay a working URL, so instead of a look-alike
 * quote it gets percent-encoding: `'` becomes `%27` and every non-ASCII character its UTF-8
 * percent-escapes, which leaves it ASCII and so identical in both charsets. Control characters
 * and whitespace are dropped, as a URL never contains them.
 */
export function sanitizeMetadataUrl(url: string): string {
  let out = '';
  for (const ch of url) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp === 0x2028 || cp === 0x2029) {
      continue;
    }
    if (ch === "'") {
      out += '%27';
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '%EF%BF%BD';
    } else if (cp > 0x7e) {
      out += encodeURIComponent(ch);
    } else {
      out += ch;
    }
  }
  return out;
}

const utf8Encoder = new TextEncoder();

/** Encodes already sanitized text; Latin-1 text holds only code points up to U+00FF here. */
function encodeText(text: string, charset: IcyCharset): Uint8Array {
  if (charset === 'utf-8') {
    return utf8Encoder.encode(text);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    out[i] = text.charCodeAt(i);
  }
  return out;
}

/**
 * Cuts a sanitized title so that it encodes to at most `maxBytes`, always between two code points:
 * a UTF-8 sequence is never split and a surrogate pair never halved.
 */
function truncateToBytes(title: string, maxBytes: number, charset: IcyCharset): string {
  let bytes = 0;
  let end = 0;
  for (const ch of title) {
    const cp = ch.codePointAt(0) ?? 0;
    const size = charset === 'latin1' ? 1 : cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) {
      break;
    }
    bytes += size;
    end += ch.length;
  }
  return title.slice(0, end);
}

/**
 * Builds the text of a block, `StreamTitle='…';` plus `StreamUrl='…';` when a URL is given,
 * after sanitizing both. When it would exceed {@link MAX_META_BYTES}, the URL is dropped first,
 * then the title is truncated on a character boundary; the title itself is never dropped.
 */
export function formatMetadataText(info: TitleInfo, charset: IcyCharset): string {
  const title = sanitizeMetadataValue(info.title ?? '', charset);
  const url = info.url === undefined ? '' : sanitizeMetadataUrl(info.url);
  const titleBytes = encodeText(title, charset).length;
  if (url !== '') {
    const withUrl = `StreamTitle='${title}';StreamUrl='${url}';`;
    if (TITLE_FRAME_BYTES + titleBytes + url.length + "StreamUrl='';".length <= MAX_META_BYTES) {
      return withUrl;
    }
  }
  if (TITLE_FRAME_BYTES + titleBytes <= MAX_META_BYTES) {
    return `StreamTitle='${title}';`;
  }
  const cut = truncateToBytes(title, MAX_META_BYTES - TITLE_FRAME_BYTES, charset);
  return `StreamTitle='${cut}';`;
}

/**
 * Encodes one metadata block: a length byte L, then L×16 bytes holding the text of
 * {@link formatMetadataText} padded with NULs. The whole block is at most 1 + 4080 bytes, and no
 * title or URL can add, end or override a field (see {@link sanitizeMetadataValue}).
 */
export function encodeMetadataBlock(info: TitleInfo, options: EncodeMetadataOptions): Uint8Array {
  const text = encodeText(formatMetadataText(info, options.charset), options.charset);
  const units = Math.ceil(text.length / 16);
  const block = new Uint8Array(1 + units * 16);
  block[0] = units;
  block.set(text, 1);
  return block;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// The WHATWG "latin1" label is windows-1252, the superset real-world non-UTF-8 titles use; for
// the bytes our encoder writes (it never emits 0x80–0x9F) it equals ISO-8859-1.
const latin1Decoder = new TextDecoder('latin1');

/**
 * Turns block text bytes into a string. `auto` takes UTF-8 when the bytes are valid UTF-8 and
 * Latin-1 (as windows-1252) otherwise, which is how players guess too.
 */
export function decodeMetadataText(bytes: Uint8Array, charset: IcyCharset | 'auto'): string {
  if (charset === 'latin1') {
    return latin1Decoder.decode(bytes);
  }
  try {
    return strictUtf8.decode(bytes);
  } catch {
    if (charset === 'utf-8') {
      return new TextDecoder('utf-8').decode(bytes);
    }
    return latin1Decoder.decode(bytes);
  }
}

/** A field start: the text start or `';`, optional spaces, then `Key='`. */
const FIELD_START = /(?:^|';)\s*([A-Za-z][A-Za-z0-9_-]*)='/g;

/**
 * Parses block text into fields, tolerating what foreign servers send. Icecast does not escape
 * `'`, so a value runs from its `Key='` to the last `';` before the next `';Key='` or the end;
 * a final value without its closing `';` (a truncated block) is kept as it is.
 */
export function parseMetadataText(text: string): DecodedMetadata {
  const nul = text.indexOf('\0');
  const body = (nul === -1 ? text : text.slice(0, nul)).trimEnd();
  const starts: Array<{ key: string; at: number; valueStart: number }> = [];
  FIELD_START.lastIndex = 0;
  for (let m = FIELD_START.exec(body); m !== null; m = FIELD_START.exec(body)) {
    // The next search starts at this value, so an empty value's closing `';` can start the next.
    starts.push({ key: m[1] ?? '', at: m.index, valueStart: FIELD_START.lastIndex });
  }
  const fields: Record<string, string> = {};
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    if (start === undefined) {
      continue;
    }
    const next = starts[i + 1];
    let value: string;
    if (next !== undefined) {
      value = body.slice(start.valueStart, next.at);
    } else {
      value = body.slice(start.valueStart).replace(/';?$/, '');
    }
    // Keys start with a letter, so a key can never be `__proto__` and plain assignment is safe.
    if (!Object.prototype.hasOwnProperty.call(fields, start.key)) {
      fields[start.key] = value;
    }
  }
  const result: DecodedMetadata = { fields };
  if (Object.prototype.hasOwnProperty.call(fields, 'StreamTitle')) {
    result.title = fields.StreamTitle;
  }
  if (Object.prototype.hasOwnProperty.call(fields, 'StreamUrl')) {
    result.url = fields.StreamUrl;
  }
  return result;
}

/**
 * Decodes a whole metadata block as it travels in the stream: length byte first, then the
 * padded text. Tolerant: a block shorter than its length byte says is decoded as far as it goes,
 * NUL padding is trimmed, and an empty block (L = 0) decodes to no fields.
 */
export function decodeMetadataBlock(
  block: Uint8Array,
  charset: IcyCharset | 'auto' = 'auto',
): DecodedMetadata {
  const units = block[0] ?? 0;
  const payload = block.subarray(1, 1 + units * 16);
  let end = payload.indexOf(0);
  if (end === -1) {
    end = payload.length;
  }
  return parseMetadataText(decodeMetadataText(payload.subarray(0, end), charset));
}
