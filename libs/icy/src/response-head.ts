/**
 * Reads the reply head of an upstream stream server (a relay's source): an `HTTP/1.x` status
 * line or SHOUTcast's `ICY 200 OK`, then header lines, under a hard size limit.
 * Pure: it only consumes bytes.
 */
import { MalformedResponseError } from './errors.js';
import { HeaderMap, LineReader, parseFieldLine } from './headers.js';
import type { BodyFraming } from './request-head.js';

/** Largest reply head accepted; stream servers send well under 2 KiB. */
export const MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

/** A parsed reply head. */
export interface ResponseHead {
  /** `HTTP/1.0`, `HTTP/1.1` or `ICY`. */
  protocol: string;
  /** The status code. */
  status: number;
  /** The header fields in arrival order. */
  headers: HeaderMap;
  /** How the body is delimited. */
  framing: BodyFraming;
}

const STATUS_LINE = /^(HTTP\/1\.[01]|ICY)\s+(\d{3})(?:\s.*)?$/;

function bad(reason: string): MalformedResponseError {
  return new MalformedResponseError(`bad reply from upstream: ${reason}`);
}

/**
 * Consumes bytes until the blank line that ends the head. `push` returns the head and the
 * index in the chunk where the body starts once complete, and undefined before that.
 */
export class ResponseHeadParser {
  readonly #lines = new LineReader(MAX_RESPONSE_HEAD_BYTES, () => bad('head too large'));
  #status: { protocol: string; status: number } | undefined;
  readonly #headers = new HeaderMap();

  /** Feeds the next bytes; throws `MalformedResponseError` (502) on a malformed head. */
  push(chunk: Uint8Array): { head: ResponseHead; bodyStart: number } | undefined {
    let at = 0;
    for (;;) {
      const r = this.#lines.read(chunk, at, MAX_RESPONSE_HEAD_BYTES, () => bad('line too long'));
      if (r === undefined) {
        return undefined;
      }
      at = r.next;
      if (this.#status === undefined) {
        const text = Buffer.from(r.line).toString('latin1').trim();
        const m = STATUS_LINE.exec(text);
        if (m === null) {
          throw bad(`status line ${JSON.stringify(text.slice(0, 80))}`);
        }
        this.#status = { protocol: m[1]!, status: Number(m[2]) };
        continue;
      }
      if (r.line.length === 0) {
        return {
          head: { ...this.#status, headers: this.#headers, framing: this.#framing() },
          bodyStart: at,
        };
      }
      const [name, value] = parseFieldLine(r.line, (reason) => bad(reason));
      this.#headers.append(name, value);
    }
  }

  #framing(): BodyFraming {
    if (/\bchunked\b/i.test(this.#headers.get('transfer-encoding') ?? '')) {
      return { kind: 'chunked' };
    }
    const length = this.#headers.get('content-length');
    if (length !== undefined && /^\d{1,15}$/.test(length.trim())) {
      return { kind: 'length', length: Number(length) };
    }
    return { kind: 'close' };
  }
}
