/**
 * SHOUTcast v1 source handshake on the listen port + 1: the password line, the server's
 * `OK2` or `invalid password` replies, and the `icy-*` header lines that precede the audio.
 * Pure: it works on bytes and never touches sockets, timers or logs.
 */
import {
  HeadTooLargeError,
  HeaderLineTooLongError,
  ShoutcastHandshakeError,
  TooManyHeadersError,
} from './errors.js';
import {
  HeaderMap,
  LineReader,
  decodeHeaderText,
  hasControlChar,
  parseFieldLine,
} from './headers.js';

/** What the server sends after a good password: `OK2`, then the ICY capability flags. */
export const SHOUTCAST_OK_REPLY = 'OK2\r\nicy-caps:11\r\n\r\n';
/** What the server sends after a wrong password, before closing. */
export const SHOUTCAST_INVALID_PASSWORD_REPLY = 'invalid password\r\n';

/** Returns the bytes of `SHOUTCAST_OK_REPLY`, ready to write to the socket. */
export function shoutcastOkReply(): Buffer {
  return Buffer.from(SHOUTCAST_OK_REPLY, 'latin1');
}

/** Returns the bytes of `SHOUTCAST_INVALID_PASSWORD_REPLY`, ready to write to the socket. */
export function shoutcastInvalidPasswordReply(): Buffer {
  return Buffer.from(SHOUTCAST_INVALID_PASSWORD_REPLY, 'latin1');
}

/** Hard limits on a SHOUTcast handshake, in the same style as `HeadLimits`. */
export interface ShoutcastLimits {
  /** Password line plus header section, line endings included (`HeadTooLargeError`). Default 16 KiB. */
  maxHandshakeBytes: number;
  /** One line without its line ending (`HeaderLineTooLongError`). Default 8 KiB. */
  maxLineBytes: number;
  /** Number of header lines (`TooManyHeadersError`). Default 100. */
  maxHeaders: number;
}

/** The limits used for any field not given to `ShoutcastHandshakeParser`. */
export const DEFAULT_SHOUTCAST_LIMITS: Readonly<ShoutcastLimits> = Object.freeze({
  maxHandshakeBytes: 16 * 1024,
  maxLineBytes: 8 * 1024,
  maxHeaders: 100,
});

/** The password line, read. The server checks it and answers before the headers arrive. */
export interface ShoutcastPasswordEvent {
  type: 'password';
  /** The mount from a `/mount:password` line, or undefined for a plain password line. */
  mount: string | undefined;
  password: string;
}

/** The header section, read: the source's `icy-*` (and other) headers and the first audio bytes. */
export interface ShoutcastHeadersEvent {
  type: 'headers';
  headers: HeaderMap;
  /** Bytes of the last chunk after the blank line: the start of the audio (a view, not a copy). */
  rest: Uint8Array;
}

/** One step of the handshake, in order: `password` first, then `headers`. */
export type ShoutcastEvent = ShoutcastPasswordEvent | ShoutcastHeadersEvent;

/**
 * Parses a SHOUTcast v1 source handshake pushed in arbitrary pieces. Lines may end in CRLF or a
 * bare LF (extra CRs after the password are dropped, as Icecast does). Encoders that do not
 * wait for `OK2` are handled: one push can yield both events.
 *
 * The first line is the password. It is read as `/mount:password` only when it starts with
 * `/`, so passwords that contain `:` keep working with mounts chosen by configuration.
 */
export class ShoutcastHandshakeParser {
  readonly #limits: ShoutcastLimits;
  readonly #reader: LineReader;
  readonly #headers = new HeaderMap();
  #state: 'password' | 'headers' | 'done' | 'failed' = 'password';

  constructor(limits?: Partial<ShoutcastLimits>) {
    this.#limits = { ...DEFAULT_SHOUTCAST_LIMITS, ...limits };
    const max = this.#limits.maxHandshakeBytes;
    this.#reader = new LineReader(
      max,
      () => new HeadTooLargeError(`SHOUTcast handshake is larger than ${max} bytes`),
    );
  }

  /** Where the parser is: expecting the password line, the headers, or finished. */
  get stage(): 'password' | 'headers' | 'done' | 'failed' {
    return this.#state;
  }

  /**
   * Feeds the next bytes and returns the events they complete (often none).
   * Throws an `IcyError` subclass on a bad handshake (events completed earlier in the same push
   * are dropped: the handshake has failed either way), and `TypeError` once it has finished.
   */
  push(chunk: Uint8Array): ShoutcastEvent[] {
    if (this.#state === 'done' || this.#state === 'failed') {
      throw new TypeError(
        `ShoutcastHandshakeParser.push called after the handshake was ${this.#state}`,
      );
    }
    try {
      return this.#consume(chunk);
    } catch (err) {
      this.#state = 'failed';
      throw err;
    }
  }

  #consume(chunk: Uint8Array): ShoutcastEvent[] {
    const events: ShoutcastEvent[] = [];
    const max = this.#limits.maxLineBytes;
    const tooLong = () => new HeaderLineTooLongError(`SHOUTcast line is longer than ${max} bytes`);
    let pos = 0;
    for (;;) {
      const result = this.#reader.read(chunk, pos, max, tooLong);
      if (result === undefined) {
        return events;
      }
      pos = result.next;
      if (this.#state === 'password') {
        events.push(parsePasswordLine(result.line));
        this.#state = 'headers';
        continue;
      }
      if (result.line.length === 0) {
        this.#state = 'done';
        events.push({ type: 'headers', headers: this.#headers, rest: chunk.subarray(pos) });
        return events;
      }
      if (this.#headers.size >= this.#limits.maxHeaders) {
        throw new TooManyHeadersError(
          `SHOUTcast handshake has more than ${this.#limits.maxHeaders} header lines`,
        );
      }
      const [name, value] = parseFieldLine(
        result.line,
        (reason) => new ShoutcastHandshakeError(`SHOUTcast ${reason}`),
      );
      this.#headers.append(name, value);
    }
  }
}

function parsePasswordLine(raw: Uint8Array): ShoutcastPasswordEvent {
  let end = raw.length;
  while (end > 0 && raw[end - 1] === 0x0d) {
    end--;
  }
  const line = decodeHeaderText(raw.subarray(0, end));
  if (line === '') {
    throw new ShoutcastHandshakeError('SHOUTcast password line is empty');
  }
  if (hasControlChar(line)) {
    throw new ShoutcastHandshakeError('SHOUTcast password line holds a control character');
  }
  const colon = line.indexOf(':');
  if (line.startsWith('/') && colon > 1) {
    return { type: 'password', mount: line.slice(0, colon), password: line.slice(colon + 1) };
  }
  return { type: 'password', mount: undefined, password: line };
}

/** SHOUTcast header names whose Icecast (`ice-*`) name is not just the prefix swapped. */
const ICY_TO_ICE: Readonly<Record<string, string>> = {
  'icy-pub': 'ice-public',
  'icy-br': 'ice-bitrate',
};

/**
 * Converts a SHOUTcast source's `icy-*` headers to the `ice-*` names an Icecast source sends
 * (`icy-pub`→`ice-public`, `icy-br`→`ice-bitrate`, `icy-name`→`ice-name`, ...), so one listener
 * reply builder serves both kinds of source. Other headers are left out; the first value wins.
 */
export function iceHeadersFromShoutcast(headers: HeaderMap): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (!lower.startsWith('icy-') || lower === 'icy-metaint') {
      continue;
    }
    const ice = ICY_TO_ICE[lower] ?? `ice-${lower.slice(4)}`;
    if (!(ice in out)) {
      out[ice] = value;
    }
  }
  return out;
}
