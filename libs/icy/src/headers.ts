/**
 * HTTP field handling shared by the request-head and SHOUTcast parsers: a case-insensitive
 * multi-value `HeaderMap`, field-line parsing, and an incremental line reader with hard limits.
 * Pure: no sockets, no timers, no logging.
 */

/** One header as received or to be sent: its name as written and its value. */
export type HeaderEntry = [name: string, value: string];

/**
 * A case-insensitive, multi-value header map that keeps the original names and their order,
 * because relays and logs should see headers the way the client wrote them.
 */
export class HeaderMap implements Iterable<HeaderEntry> {
  readonly #entries: HeaderEntry[] = [];

  /** Creates a map holding `init`'s entries in order (repeated names become repeated values). */
  constructor(init?: Iterable<readonly [string, string]>) {
    if (init !== undefined) {
      for (const [name, value] of init) {
        this.append(name, value);
      }
    }
  }

  /** Number of entries, counting each value of a repeated name. */
  get size(): number {
    return this.#entries.length;
  }

  /** Returns the first value of `name`, or undefined when it is absent. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    return this.#entries.find(([n]) => n.toLowerCase() === key)?.[1];
  }

  /** Returns every value of `name` in arrival order (empty when absent). */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    return this.#entries.filter(([n]) => n.toLowerCase() === key).map(([, v]) => v);
  }

  /** Says whether `name` has at least one value. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Adds a value after the existing ones. */
  append(name: string, value: string): void {
    this.#entries.push([name, value]);
  }

  /** Replaces every value of `name` by `value`, keeping the position of the first one. */
  set(name: string, value: string): void {
    const key = name.toLowerCase();
    const first = this.#entries.findIndex(([n]) => n.toLowerCase() === key);
    if (first === -1) {
      this.#entries.push([name, value]);
      return;
    }
    this.#entries[first] = [name, value];
    this.#removeFrom(key, first + 1);
  }

  /** Removes every value of `name`; returns whether anything was removed. */
  delete(name: string): boolean {
    const before = this.#entries.length;
    this.#removeFrom(name.toLowerCase(), 0);
    return this.#entries.length !== before;
  }

  /** Iterates over copies of the entries with their original names, in order. */
  *entries(): IterableIterator<HeaderEntry> {
    for (const [name, value] of this.#entries) {
      yield [name, value];
    }
  }

  [Symbol.iterator](): IterableIterator<HeaderEntry> {
    return this.entries();
  }

  #removeFrom(key: string, start: number): void {
    for (let i = this.#entries.length - 1; i >= start; i--) {
      if (this.#entries[i]![0].toLowerCase() === key) {
        this.#entries.splice(i, 1);
      }
    }
  }
}

const LF = 0x0a;
const CR = 0x0d;
/** RFC 9110 `token`: the characters allowed in a header name or method. */
export const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Says whether `text` holds a control character (U+0000..U+001F, U+007F), tab optionally allowed. */
export function hasControlChar(text: string, allowTab = false): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * Decodes header bytes as UTF-8 when they are valid UTF-8 and as Latin-1 otherwise, because
 * current encoders send UTF-8 stream names while old ones send Latin-1.
 */
export function decodeHeaderText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

/**
 * Parses one `name: value` field line (line ending already removed). Rejects obs-fold (a line
 * starting with whitespace), bad names, whitespace before the colon, and control characters
 * other than HTAB in the value. The value is trimmed of spaces and tabs.
 * @param fail builds the error to throw, so each protocol reports its own error class.
 */
export function parseFieldLine(line: Uint8Array, fail: (reason: string) => Error): HeaderEntry {
  if (line[0] === 0x20 || line[0] === 0x09) {
    throw fail('obsolete line folding is not supported');
  }
  const colon = line.indexOf(0x3a);
  if (colon === -1) {
    throw fail('header line without a colon');
  }
  const name = Buffer.from(line.buffer, line.byteOffset, colon).toString('latin1');
  if (!TOKEN_RE.test(name)) {
    throw fail(`invalid header name ${JSON.stringify(name)}`);
  }
  let start = colon + 1;
  let end = line.length;
  for (let i = start; i < end; i++) {
    const b = line[i]!;
    if ((b < 0x20 && b !== 0x09) || b === 0x7f) {
      throw fail(`control character in the value of ${name}`);
    }
  }
  while (start < end && (line[start] === 0x20 || line[start] === 0x09)) {
    start++;
  }
  while (end > start && (line[end - 1] === 0x20 || line[end - 1] === 0x09)) {
    end--;
  }
  return [name, decodeHeaderText(line.subarray(start, end))];
}

/** A complete line returned by `LineReader.read` and the chunk index just after its LF. */
export interface LineResult {
  /** The line without its LF and without one CR before the LF. */
  line: Uint8Array;
  /** Index in the chunk of the first byte after the line. */
  next: number;
}

/**
 * Splits a byte stream into LF-terminated lines under hard limits. It checks every byte in
 * order, so a limit trips at the same byte however the input is chunked.
 */
export class LineReader {
  readonly #maxTotalBytes: number;
  readonly #onTotalExceeded: () => Error;
  #carry: Uint8Array[] = [];
  #carryBytes = 0;
  #totalBytes = 0;

  /**
   * @param maxTotalBytes bytes allowed across all lines, line endings included.
   * @param onTotalExceeded builds the error thrown when that budget is exceeded.
   */
  constructor(maxTotalBytes: number, onTotalExceeded: () => Error) {
    this.#maxTotalBytes = maxTotalBytes;
    this.#onTotalExceeded = onTotalExceeded;
  }

  /** Bytes consumed so far, line endings included. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /**
   * Reads from `chunk` at `start` up to the next LF. Returns the line, or undefined once the
   * chunk is used up, in which case the partial line is kept for the next call.
   * @param maxLineBytes bytes allowed in this line, not counting its CRLF or LF.
   * @param onLineTooLong builds the error thrown when the line exceeds `maxLineBytes`.
   */
  read(
    chunk: Uint8Array,
    start: number,
    maxLineBytes: number,
    onLineTooLong: () => Error,
  ): LineResult | undefined {
    for (let i = start; i < chunk.length; i++) {
      this.#totalBytes++;
      if (this.#totalBytes > this.#maxTotalBytes) {
        throw this.#onTotalExceeded();
      }
      const length = this.#carryBytes + (i - start);
      if (chunk[i] === LF) {
        const line = this.#take(chunk.subarray(start, i));
        const content = line[line.length - 1] === CR ? line.subarray(0, -1) : line;
        if (content.length > maxLineBytes) {
          throw onLineTooLong();
        }
        return { line: content, next: i + 1 };
      }
      // One byte of slack leaves room for the CR of a CRLF ending, which is not counted.
      if (length + 1 > maxLineBytes + 1) {
        throw onLineTooLong();
      }
    }
    if (start < chunk.length) {
      // Copy: `Buffer#slice` would return a view, and the caller may reuse its chunk.
      this.#carry.push(new Uint8Array(chunk.subarray(start)));
      this.#carryBytes += chunk.length - start;
    }
    return undefined;
  }

  #take(tail: Uint8Array): Uint8Array {
    if (this.#carry.length === 0) {
      return tail;
    }
    const line = Buffer.concat([...this.#carry, tail]);
    this.#carry = [];
    this.#carryBytes = 0;
    return line;
  }
}
