/**
 * Incremental HTTP/ICE request-head parser for raw sockets, where sources send unframed
 * PUT/SOURCE bodies that Node's HTTP server cannot take; a chunked body is `chunked.ts`'s.
 * Pure: it works on bytes and never touches sockets, timers or logs.
 */
import {
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
