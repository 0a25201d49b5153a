/**
 * Decoder of a `Transfer-Encoding: chunked` request body pushed in arbitrary pieces, with hard
 * limits on its framing lines. Pure: it works on bytes and never touches sockets, timers or logs.
 */
import { BadChunkError, ChunkLineTooLongError } from './errors.js';
import { hasControlChar } from './headers.js';

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
