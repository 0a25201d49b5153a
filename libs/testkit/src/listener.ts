/**
 * A real listener for tests: a raw node:net HTTP client that reads `HTTP/1.0` and `ICY 200 OK`
 * replies without a length, separates ICY metadata with the strict parser, and always ends by
 * byte count, duration or signal. It only ever connects to loopback.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { IcyStreamParser, type IcyCharset } from '@penguincast/icy';

/** Options of {@link listen} and {@link openListener}. */
export interface ListenOptions {
  /** Send `Icy-MetaData: 1` so the server interleaves metadata blocks. Default false. */
  metadata?: boolean;
  /** The `User-Agent` header. Default `PenguinCast-testkit/1.0`. */
  userAgent?: string;
  /** Extra request headers, sent as given after the standard ones. */
  headers?: Record<string, string>;
  /** Request method. Default `GET`; `HEAD` ends as soon as the head is read. */
  method?: string;
  /** HTTP version of the request line. Default `1.1`, as VLC, mpv and browsers send. */
  httpVersion?: '1.0' | '1.1';
  /** Hang up after this many audio bytes (metadata excluded); the audio is cut to exactly this. */
  maxBytes?: number;
  /** Hang up after this many milliseconds from the start. Default 10000, so a test never hangs. */
  durationMs?: number;
  /** Hang up when this signal aborts. */
  signal?: AbortSignal;
  /** Check metadata blocks strictly (see `IcyStreamParser`). Default true; false reads Icecast. */
  strict?: boolean;
  /** Charset of metadata text. Default `auto`. */
  charset?: IcyCharset | 'auto';
  /** Called with each audio slice as it arrives and the audio offset of its first byte. */
  onAudio?: (chunk: Buffer, audioOffset: number) => void;
  /** Called with each title as its metadata block arrives. */
  onTitle?: (title: ListenTitle) => void;
}

/** A title the listener was sent, at the audio offset where the block sat. */
export interface ListenTitle {
  /** Audio bytes received before the block. */
  audioOffset: number;
  /** The `StreamTitle` value (empty when the block had none). */
  title: string;
  /** The `StreamUrl` value, when sent. */
  url?: string;
}

/** The status line and headers of the reply. */
export interface ListenResponse {
  /** The protocol token of the status line: `HTTP/1.0`, `HTTP/1.1` or `ICY`. */
  protocol: string;
  /** The status code. */
  status: number;
  /** The reason phrase, e.g. `OK`. */
  statusText: string;
  /** Headers with lower-cased names; repeated headers are joined with `, `. */
  headers: Record<string, string>;
}

/** Why a listen ended. */
export type ListenEndReason =
  'maxBytes' | 'duration' | 'signal' | 'stopped' | 'closed' | 'framingError' | 'error';

/** Everything a listen received. */
export interface ListenResult extends ListenResponse {
  /** The body with metadata removed: audio for a stream, the text for an error page. */
  audio: Buffer;
  /** Titles from metadata blocks with content, in stream order. */
  titles: ListenTitle[];
  /** Metadata blocks received, empty ones included. */
  blocks: number;
  /**
   * Framing violations the strict parser found. The listen ends at the first, and the audio of
   * the socket read that held it is dropped, since the parser cannot say where audio resumes.
   */
  framingErrors: string[];
  /** Body bytes received, metadata included, chunked transfer framing excluded. */
  bytes: number;
  /** Milliseconds from sending the request to the first body byte, if one came. */
  firstByteMs: number | undefined;
  /** Why the listen ended. */
  endReason: ListenEndReason;
  /** The socket error when `endReason` is `error`. */
  error?: Error;
}

/** A listen in progress, for long tests that act while audio flows. */
export interface ListenerHandle {
  /** Resolves once the status line and headers are read; rejects if none come. */
  readonly response: Promise<ListenResponse>;
  /** Resolves when the listen ends; rejects only if no response head was read. */
  readonly done: Promise<ListenResult>;
  /** Hangs up now; `done` resolves with `endReason: 'stopped'`. */
  stop(): void;
  /** Audio bytes received so far. */
  readonly audioBytes: number;
}

const MAX_HEAD_BYTES = 64 * 1024;
const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|::1|\[::1\])$/;

/** Connects, sends one request and reads the reply until a limit ends it. */
export async function listen(
  url: string | URL,
  options: ListenOptions = {},
): Promise<ListenResult> {
  return openListener(url, options).done;
}

/** Starts a listen and returns its handle at once; see {@link ListenerHandle}. */
export function openListener(url: string | URL, options: ListenOptions = {}): ListenerHandle {
  const target = new URL(url);
  if (target.protocol !== 'http:') {
    throw new TypeError(`listen() speaks plain http only, got ${target.protocol}`);
  }
  if (!LOOPBACK.test(target.hostname)) {
    // Tests never leave loopback, so a stray host is a bug in the test, not a network to reach.
    throw new TypeError(`listen() only connects to loopback, got ${target.hostname}`);
  }
  const listener = new Listener(target, options);
  return {
    response: listener.headPromise,
    done: listener.donePromise,
    stop: () => listener.finish('stopped'),
    get audioBytes() {
      return listener.audioBytes;
    },
  };
}

/** One connection's state; a class so the byte handling reads top to bottom. */
class Listener {
  private readonly socket: Socket;
  private sentAt = 0;
  private head: Buffer = Buffer.alloc(0);
  private response: ListenResponse | undefined;
  private parser: IcyStreamParser | undefined;
  private chunked: Dechunker | undefined;
  private remaining = Infinity;
  private readonly audio: Buffer[] = [];
  /** Audio bytes received so far. */
  audioBytes = 0;
  private readonly titles: ListenTitle[] = [];
  private blocks = 0;
  private readonly framingErrors: string[] = [];
  private bytes = 0;
  private firstByteMs: number | undefined;
  private finished = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => this.finish('signal');
  private resolveHead!: (r: ListenResponse) => void;
  private rejectHead!: (e: Error) => void;
  private resolveDone!: (r: ListenResult) => void;
  private rejectDone!: (e: Error) => void;
  /** Settles with the response head, see {@link ListenerHandle.response}. */
  readonly headPromise = new Promise<ListenResponse>((res, rej) => {
    this.resolveHead = res;
    this.rejectHead = rej;
  });
  /** Settles with the result, see {@link ListenerHandle.done}. */
  readonly donePromise = new Promise<ListenResult>((res, rej) => {
    this.resolveDone = res;
    this.rejectDone = rej;
  });

  constructor(
    private readonly url: URL,
    private readonly options: ListenOptions,
  ) {
    // Callers often await only `done`; a rejected `response` must not become unhandled.
    this.headPromise.catch(() => undefined);
    this.timer = setTimeout(() => this.finish('duration'), options.durationMs ?? 10_000);
    const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '');
    this.socket = connect({ host, port: Number(url.port || 80) });
    this.socket.on('connect', () => this.sendRequest());
    this.socket.on('data', (data: Buffer) => this.onData(data));
    this.socket.on('error', (err) => this.finish('error', err));
    this.socket.on('close', () => this.finish('closed'));
    if (options.signal?.aborted) {
      queueMicrotask(this.onAbort);
    } else {
      options.signal?.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  private sendRequest(): void {
    const o = this.options;
    const lines = [
      `${o.method ?? 'GET'} ${this.url.pathname}${this.url.search} HTTP/${o.httpVersion ?? '1.1'}`,
      `Host: ${this.url.host}`,
      `User-Agent: ${o.userAgent ?? 'PenguinCast-testkit/1.0'}`,
      'Accept: */*',
    ];
    if (o.metadata) {
      lines.push('Icy-MetaData: 1');
    }
    if (this.url.username !== '' || this.url.password !== '') {
      const user = `${decodeURIComponent(this.url.username)}:${decodeURIComponent(this.url.password)}`;
      lines.push(`Authorization: Basic ${Buffer.from(user).toString('base64')}`);
    }
    for (const [name, value] of Object.entries(o.headers ?? {})) {
      lines.push(`${name}: ${value}`);
    }
    this.sentAt = performance.now();
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  }

  private onData(data: Buffer): void {
    if (this.finished) {
      return;
    }
    if (this.response === undefined) {
      this.head = Buffer.concat([this.head, data]);
      const crlf = this.head.indexOf('\r\n\r\n');
      const lf = this.head.indexOf('\n\n');
      const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf + 4 : lf !== -1 ? lf + 2 : -1;
      if (end === -1) {
        if (this.head.length > MAX_HEAD_BYTES) {
          this.finish('error', new Error(`response head exceeds ${MAX_HEAD_BYTES} bytes`));
        }
        return;
      }
      const rest = this.head.subarray(end);
      this.startBody(this.head.subarray(0, end).toString('latin1'));
      if (this.finished || rest.length === 0) {
        return;
      }
      data = rest;
    }
    if (this.chunked !== undefined) {
      for (const piece of this.chunked.push(data)) {
        this.onBody(piece);
      }
      if (this.chunked.error !== undefined) {
        this.finish('error', new Error(this.chunked.error));
      } else if (this.chunked.done) {
        this.finish('closed');
      }
    } else {
      this.onBody(data);
    }
  }

  private startBody(text: string): void {
    const [statusLine = '', ...headerLines] = text.split(/\r?\n/);
    const m = /^(\S+)\s+(\d{3})(?:\s+(.*))?$/.exec(statusLine);
    if (m === null) {
      this.finish('error', new Error(`bad status line ${JSON.stringify(statusLine)}`));
      return;
    }
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0) {
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
    }
    this.response = { protocol: m[1] ?? '', status: Number(m[2]), statusText: m[3] ?? '', headers };
    this.resolveHead(this.response);
    if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
      this.chunked = new Dechunker();
    } else if (headers['content-length'] !== undefined) {
      this.remaining = Number(headers['content-length']);
    }
    const metaint = Number(headers['icy-metaint'] ?? '0');
    if (Number.isSafeInteger(metaint) && metaint > 0) {
      this.parser = new IcyStreamParser(metaint, {
        strict: this.options.strict ?? true,
        charset: this.options.charset ?? 'auto',
      });
    }
    if ((this.options.method ?? 'GET').toUpperCase() === 'HEAD' || this.remaining === 0) {
      this.finish('closed');
    }
  }

  private onBody(data: Buffer): void {
    if (this.finished || data.length === 0) {
      return;
    }
    if (data.length >= this.remaining) {
      data = data.subarray(0, this.remaining);
    }
    this.remaining -= data.length;
    this.bytes += data.length;
    this.firstByteMs ??= performance.now() - this.sentAt;
    if (this.parser === undefined) {
      this.onAudio(data);
    } else {
      try {
        const parsed = this.parser.push(data);
        for (const block of parsed.blocks) {
          this.blocks += 1;
          if (
            block.meta !== undefined &&
            block.audioOffset <= (this.options.maxBytes ?? Infinity)
          ) {
            const title: ListenTitle = {
              audioOffset: block.audioOffset,
              title: block.meta.title ?? '',
            };
            if (block.meta.url !== undefined) {
              title.url = block.meta.url;
            }
            this.titles.push(title);
            this.options.onTitle?.(title);
          }
        }
        for (const slice of parsed.audio) {
          this.onAudio(Buffer.from(slice.buffer, slice.byteOffset, slice.byteLength));
        }
      } catch (err) {
        this.framingErrors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        this.finish('framingError');
        return;
      }
    }
    if (this.remaining === 0) {
      this.finish('closed');
    }
  }

  private onAudio(slice: Buffer): void {
    if (this.finished) {
      return;
    }
    const max = this.options.maxBytes ?? Infinity;
    const keep =
      slice.length > max - this.audioBytes ? slice.subarray(0, max - this.audioBytes) : slice;
    if (keep.length > 0) {
      this.audio.push(keep);
      this.options.onAudio?.(keep, this.audioBytes);
      this.audioBytes += keep.length;
    }
    if (this.audioBytes >= max) {
      this.finish('maxBytes');
    }
  }

  /** Ends the listen once, for whichever reason comes first, and settles the promises. */
  finish(reason: ListenEndReason, error?: Error): void {
    if (this.finished) {
      return;
    }
    this.finished = true;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
    if (this.response === undefined) {
      const err = new Error(`no response head from ${this.url.href} (${reason})`, { cause: error });
      this.rejectHead(err);
      this.rejectDone(err);
      return;
    }
    const result: ListenResult = {
      ...this.response,
      audio: Buffer.concat(this.audio),
      titles: this.titles,
      blocks: this.blocks,
      framingErrors: this.framingErrors,
      bytes: this.bytes,
      firstByteMs: this.firstByteMs,
      endReason: reason,
    };
    if (error !== undefined) {
      result.error = error;
    }
    this.resolveDone(result);
  }
}

/** Undoes `Transfer-Encoding: chunked`, which a node:http server uses for HTTP/1.1 clients. */
class Dechunker {
  /** True after the terminating zero-size chunk. */
  done = false;
  /** Set when a chunk-size line is not hexadecimal; decoding stops there. */
  error: string | undefined;
  private line = '';
  private left = 0;
  private state: 'size' | 'data' | 'crlf' | 'trailer' = 'size';

  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let i = 0;
    while (i < data.length && !this.done && this.error === undefined) {
      if (this.state === 'data') {
        const n = Math.min(this.left, data.length - i);
        out.push(data.subarray(i, i + n));
        i += n;
        this.left -= n;
        if (this.left === 0) {
          this.state = 'crlf';
        }
        continue;
      }
      const ch = String.fromCharCode(data[i] ?? 0);
      i += 1;
      if (ch !== '\n') {
        this.line += ch;
        continue;
      }
      const line = this.line.trim();
      this.line = '';
      if (this.state === 'crlf') {
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = line.split(';')[0] ?? '';
        if (!/^[0-9a-fA-F]+$/.test(size)) {
          this.error = `bad chunk size line ${JSON.stringify(line)}`;
          break;
        }
        this.left = parseInt(size, 16);
        this.state = this.left > 0 ? 'data' : 'trailer';
      } else if (line === '') {
        this.done = true;
      }
    }
    return out;
  }
}
