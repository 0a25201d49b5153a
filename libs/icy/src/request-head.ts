/**
 * Incremental HTTP/ICE request-head parser and chunked-body decoder for raw sockets, where
 * sources send unframed PUT/SOURCE bodies that Node's HTTP server cannot take.
 * Pure: it works on bytes and never touches sockets, timers or logs.
 */
import {
  BadChunkError,
  ChunkLineTooLongError,
  HeadTooLargeError,
  HeaderLineTooLongError,
  MalformedRequestError,
  MethodNotImplementedError,
  RequestLineTooLongError,
  TooManyHeadersError,
  TransferEncodingNotImplementedError,
  VersionNotSupportedError,
} from './errors.js';
import { HeaderMap, LineReader, TOKEN_RE, hasControlChar, parseFieldLine } from './headers.js';

/** Methods PenguinCast serves. Other valid tokens fail with `MethodNotImplementedError` (501). */
export const SUPPORTED_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'SOURCE'] as const;
/** A method PenguinCast serves. */
export type HttpMethod = (typeof SUPPORTED_METHODS)[number];
/** Protocol versions accepted; others fail with `VersionNotSupportedError` (505). */
export const SUPPORTED_VERSIONS = ['HTTP/1.0', 'HTTP/1.1', 'ICE/1.0'] as const;
/** A protocol version PenguinCast accepts (`ICE/1.0` is what old Icecast sources send). */
export type HttpVersion = (typeof SUPPORTED_VERSIONS)[number];

/** Hard limits on a request head; each one has its own error class and status. */
export interface HeadLimits {
  /** Whole head in bytes, line endings included (431 `HeadTooLargeError`). Default 16 KiB. */
  maxHeadBytes: number;
  /** Request line in bytes without its line ending (414 `RequestLineTooLongError`). Default 8 KiB. */
  maxRequestLineBytes: number;
  /** One header line in bytes without its line ending (431 `HeaderLineTooLongError`). Default 8 KiB. */
  maxHeaderLineBytes: number;
  /** Number of header lines (431 `TooManyHeadersError`). Default 100. */
  maxHeaders: number;
}

/** The limits used for any field not given to `RequestHeadParser`. */
export const DEFAULT_HEAD_LIMITS: Readonly<HeadLimits> = Object.freeze({
  maxHeadBytes: 16 * 1024,
  maxRequestLineBytes: 8 * 1024,
  maxHeaderLineBytes: 8 * 1024,
  maxHeaders: 100,
});

/**
 * How the body after the head is delimited: nothing, a Content-Length, chunked, or until the
 * connection closes (PUT and SOURCE without either header: a live source streams until it hangs up).
 */
export type BodyFraming =
  { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

/** A complete request head. */
export interface ParsedHead {
  method: HttpMethod;
  /** The request target exactly as sent, e.g. `/admin/metadata?mount=%2Flive`. */
  target: string;
  /** The percent-decoded path (`*` for `OPTIONS *`); never contains control characters. */
  path: string;
  /** The query string's parameters (form decoding: `+` is a space). */
  query: URLSearchParams;
  version: HttpVersion;
  headers: HeaderMap;
  /** How the body is delimited, after Content-Length / Transfer-Encoding checks. */
  body: BodyFraming;
  /** Bytes the head took, line endings included. */
  headBytes: number;
  /** Bytes of the last chunk after the head (the start of the body); a view, not a copy. */
  rest: Uint8Array;
}

/**
 * Parses a request head pushed in arbitrary pieces. Lines may end in CRLF or a bare LF; empty
 * lines before the request line are skipped (RFC 9112 section 2.2). Valid method tokens other than
 * `SUPPORTED_METHODS` fail with 501, because without a route the parser cannot list an `Allow`.
 */
export class RequestHeadParser {
  readonly #limits: HeadLimits;
  readonly #reader: LineReader;
  #requestLine: RequestLine | undefined;
  readonly #headers = new HeaderMap();
  #state: 'reading' | 'done' | 'failed' = 'reading';

  constructor(limits?: Partial<HeadLimits>) {
    this.#limits = { ...DEFAULT_HEAD_LIMITS, ...limits };
    const max = this.#limits.maxHeadBytes;
    this.#reader = new LineReader(
      max,
      () => new HeadTooLargeError(`request head is larger than ${max} bytes`),
    );
  }

  /**
   * Feeds the next bytes. Returns the head once its blank line arrives, else undefined.
   * Throws an `IcyError` subclass on a bad head, and `TypeError` if called after it finished.
   */
  push(chunk: Uint8Array): ParsedHead | undefined {
    if (this.#state !== 'reading') {
      throw new TypeError(`RequestHeadParser.push called after the head was ${this.#state}`);
    }
    try {
      return this.#consume(chunk);
    } catch (err) {
      this.#state = 'failed';
      throw err;
    }
  }

  #consume(chunk: Uint8Array): ParsedHead | undefined {
    const limits = this.#limits;
    let pos = 0;
    for (;;) {
      const result =
        this.#requestLine === undefined
          ? this.#reader.read(chunk, pos, limits.maxRequestLineBytes, () => {
              return new RequestLineTooLongError(
                `request line is longer than ${limits.maxRequestLineBytes} bytes`,
              );
            })
          : this.#reader.read(chunk, pos, limits.maxHeaderLineBytes, () => {
              return new HeaderLineTooLongError(
                `header line is longer than ${limits.maxHeaderLineBytes} bytes`,
              );
            });
      if (result === undefined) {
        return undefined;
      }
      pos = result.next;
      const { line } = result;
      if (this.#requestLine === undefined) {
        if (line.length > 0) {
          this.#requestLine = parseRequestLine(line);
        }
        continue;
      }
      if (line.length === 0) {
        this.#state = 'done';
        return {
          ...this.#requestLine,
          headers: this.#headers,
          body: bodyFraming(this.#requestLine.method, this.#headers),
          headBytes: this.#reader.totalBytes,
          rest: chunk.subarray(pos),
        };
      }
      if (this.#headers.size >= limits.maxHeaders) {
        throw new TooManyHeadersError(`request has more than ${limits.maxHeaders} header lines`);
      }
      const [name, value] = parseFieldLine(line, (reason) => new MalformedRequestError(reason));
      this.#headers.append(name, value);
    }
  }
}

const VERSION_RE = /^[A-Z]+\/\d\.\d$/;

type RequestLine = Pick<ParsedHead, 'method' | 'target' | 'path' | 'query' | 'version'>;

function parseRequestLine(line: Uint8Array): RequestLine {
  for (const b of line) {
    if (b <= 0x20 ? b !== 0x20 : b >= 0x7f) {
      throw new MalformedRequestError('request line holds a control or non-ASCII byte');
    }
  }
  const parts = Buffer.from(line.buffer, line.byteOffset, line.length)
    .toString('latin1')
    .split(' ');
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new MalformedRequestError('request line is not "METHOD target VERSION"');
  }
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN_RE.test(method)) {
    throw new MalformedRequestError('request method is not a token');
  }
  if (!VERSION_RE.test(version)) {
    throw new MalformedRequestError('request line has no valid protocol version');
  }
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(version)) {
    throw new VersionNotSupportedError(`protocol version ${version} is not supported`);
  }
  if (!(SUPPORTED_METHODS as readonly string[]).includes(method)) {
    throw new MethodNotImplementedError(`method ${method} is not implemented`);
  }
  const { path, query } = splitTarget(method, target);
  return { method: method as HttpMethod, target, path, query, version: version as HttpVersion };
}

function splitTarget(method: string, target: string): { path: string; query: URLSearchParams } {
  if (target === '*' && method === 'OPTIONS') {
    return { path: '*', query: new URLSearchParams() };
  }
  let rawPath: string;
  let rawQuery: string;
  if (target.startsWith('/')) {
    if (target.includes('#')) {
      throw new MalformedRequestError('request target holds a fragment');
    }
    const q = target.indexOf('?');
    rawPath = q === -1 ? target : target.slice(0, q);
    rawQuery = q === -1 ? '' : target.slice(q + 1);
  } else if (/^https?:\/\//i.test(target) && URL.canParse(target)) {
    // Absolute form (RFC 9112 section 3.2.2) comes from proxies; only its path and query matter.
    const url = new URL(target);
    rawPath = url.pathname;
    rawQuery = url.search.slice(1);
  } else {
    throw new MalformedRequestError('request target is not an absolute path');
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch (err) {
    throw new MalformedRequestError('request path has a bad percent-escape', { cause: err });
  }
  if (hasControlChar(path)) {
    throw new MalformedRequestError('request path decodes to a control character');
  }
  return { path, query: new URLSearchParams(rawQuery) };
}

const CONTENT_LENGTH_RE = /^\d{1,15}$/;

function bodyFraming(method: HttpMethod, headers: HeaderMap): BodyFraming {
  const te = headers.getAll('transfer-encoding');
  const cl = headers.getAll('content-length');
  if (te.length > 0) {
    if (cl.length > 0) {
      // Both headers at once is the classic request-smuggling shape, so refuse it outright.
      throw new MalformedRequestError('request has both Transfer-Encoding and Content-Length');
    }
    const codings = listValues(te)
      .filter((c) => c !== '')
      .map((c) => c.toLowerCase());
    if (codings.length === 0) {
      throw new MalformedRequestError('request has an empty Transfer-Encoding');
    }
    if (codings.length === 1 && codings[0] === 'chunked') {
      return { kind: 'chunked' };
    }
    if (!codings.every((c) => c === 'identity')) {
      throw new TransferEncodingNotImplementedError(`unsupported transfer coding ${te.join(', ')}`);
    }
  }
  if (cl.length > 0) {
    const values = listValues(cl);
    if (!values.every((v) => CONTENT_LENGTH_RE.test(v) && v === values[0])) {
      throw new MalformedRequestError('request has an invalid Content-Length');
    }
    return { kind: 'length', length: Number(values[0]) };
  }
  return method === 'PUT' || method === 'SOURCE' ? { kind: 'close' } : { kind: 'none' };
}

function listValues(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim());
}

/** Hard limits on the framing lines of a chunked body. */
export interface ChunkedLimits {
  /** One chunk-size line (size plus extensions) without its CRLF. Default 4096. */
  maxLineBytes: number;
  /** The whole trailer section after the last chunk, line endings included. Default 8192. */
  maxTrailerBytes: number;
}

/** The limits used for any field not given to `ChunkedDecoder`. */
export const DEFAULT_CHUNKED_LIMITS: Readonly<ChunkedLimits> = Object.freeze({
  maxLineBytes: 4096,
  maxTrailerBytes: 8192,
});

const CHUNK_SIZE_RE = /^([0-9A-Fa-f]{1,13})[ \t]*(?:;.*)?$/;
const EMPTY = new Uint8Array(0);

/**
 * Decodes a `Transfer-Encoding: chunked` body pushed in arbitrary pieces. Framing lines must end
 * in CRLF: unlike the request head, a bare LF here is refused, since lenient chunk parsing is
 * a request-smuggling vector. Chunk extensions and trailer fields are read and dropped.
 */
export class ChunkedDecoder {
  readonly #limits: ChunkedLimits;
  #state: 'size' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done' | 'failed' = 'size';
  #line = '';
  #lineCr = false;
  #remaining = 0;
  #trailerBytes = 0;
  #rest: Uint8Array = EMPTY;

  constructor(limits?: Partial<ChunkedLimits>) {
    this.#limits = { ...DEFAULT_CHUNKED_LIMITS, ...limits };
  }

  /** True once the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** Bytes that followed the end of the body in the push that finished it (a view, not a copy). */
  get rest(): Uint8Array {
    return this.#rest;
  }

  /**
   * Feeds the next bytes and returns the payload bytes they complete (possibly empty; a view
   * into `chunk` when the payload lies in one piece, so copy it before reusing `chunk`).
   * Throws `BadChunkError` or `ChunkLineTooLongError` on bad framing, and `TypeError` once the
   * body has ended or failed.
   */
  push(chunk: Uint8Array): Uint8Array {
    if (this.#state === 'done' || this.#state === 'failed') {
      throw new TypeError(
        `ChunkedDecoder.push called after the body ${this.#state === 'done' ? 'ended' : 'failed'}`,
      );
    }
    try {
      return this.#decode(chunk);
    } catch (err) {
      this.#state = 'failed';
      throw err;
    }
  }

  #decode(chunk: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    let i = 0;
    while (i < chunk.length && !this.done) {
      if (this.#state === 'data') {
        const n = Math.min(this.#remaining, chunk.length - i);
        out.push(chunk.subarray(i, i + n));
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) {
          this.#state = 'data-cr';
        }
        continue;
      }
      const b = chunk[i++]!;
      if (this.#state === 'data-cr' || this.#state === 'data-lf') {
        if (b !== (this.#state === 'data-cr' ? 0x0d : 0x0a)) {
          throw new BadChunkError('chunk data is not followed by CRLF');
        }
        this.#state = this.#state === 'data-cr' ? 'data-lf' : 'size';
      } else {
        this.#lineByte(b);
      }
    }
    if (this.done) {
      this.#rest = chunk.subarray(i);
    }
    if (out.length === 0) {
      return EMPTY;
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  #lineByte(b: number): void {
    if (this.#state === 'trailer') {
      this.#trailerBytes++;
      if (this.#trailerBytes > this.#limits.maxTrailerBytes) {
        throw new ChunkLineTooLongError(
          `chunked trailer is larger than ${this.#limits.maxTrailerBytes} bytes`,
        );
      }
    }
    if (b === 0x0a) {
      if (!this.#lineCr) {
        throw new BadChunkError('chunked framing line ends in a bare LF');
      }
      const line = this.#line;
      this.#line = '';
      this.#lineCr = false;
      this.#endLine(line);
    } else if (this.#lineCr) {
      throw new BadChunkError('chunked framing line holds a bare CR');
    } else if (b === 0x0d) {
      this.#lineCr = true;
    } else {
      if (this.#state === 'size' && this.#line.length >= this.#limits.maxLineBytes) {
        throw new ChunkLineTooLongError(
          `chunk-size line is longer than ${this.#limits.maxLineBytes} bytes`,
        );
      }
      // Trailer lines only count against the trailer budget, so keep just their emptiness.
      this.#line += this.#state === 'size' ? String.fromCharCode(b) : 'x';
    }
  }

  #endLine(line: string): void {
    if (this.#state === 'trailer') {
      if (line === '') {
        this.#state = 'done';
      }
      return;
    }
    const match = CHUNK_SIZE_RE.exec(line);
    if (match === null || hasControlChar(line, true)) {
      throw new BadChunkError('invalid chunk-size line');
    }
    this.#remaining = parseInt(match[1]!, 16);
    this.#state = this.#remaining === 0 ? 'trailer' : 'data';
  }
}

/**
 * Decodes a complete chunked body in one call. Throws `BadChunkError` when the body stops
 * before its last chunk or has bytes after it.
 */
export function decodeChunked(body: Uint8Array, limits?: Partial<ChunkedLimits>): Uint8Array {
  const decoder = new ChunkedDecoder(limits);
  const payload = decoder.push(body);
  if (!decoder.done) {
    throw new BadChunkError('chunked body ends before its last chunk');
  }
  if (decoder.rest.length > 0) {
    throw new BadChunkError('chunked body has bytes after its last chunk');
  }
  return payload;
}
