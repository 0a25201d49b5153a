/**
 * Opens a relay's upstream stream: a plain HTTP/1.0 GET over TCP or TLS with `Icy-MetaData: 1`
 * and optional Basic credentials, following redirects, and accepting SHOUTcast's `ICY 200 OK`
 * (which Node's HTTP client refuses). It returns the socket paused after the head; the caller
 * reads the body. It never publishes anything.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import {
  MalformedResponseError,
  ResponseHeadParser,
  basicAuthHeader,
  type BodyFraming,
  type HeaderMap,
} from '@penguincast/icy';
import {
  IngestError,
  TooManyRedirectsError,
  UpstreamStatusError,
  UpstreamUnreachableError,
} from '../errors.js';

/** Redirects followed before giving up (Icecast follows a handful too). */
export const MAX_REDIRECTS = 5;

/** Options of {@link openUpstream}. */
export interface UpstreamOptions {
  /** The stream URL (`http:` or `https:`); credentials in it are used when `user` is unset. */
  url: string;
  /** Basic credentials for the upstream. */
  user?: string;
  password?: string;
  /** The User-Agent sent. */
  userAgent: string;
  /** Time allowed for each hop's connection and reply head. */
  timeoutMs: number;
  /** Aborts the attempt (the relay is stopping). */
  signal?: AbortSignal;
}

/** An open upstream stream whose head has been read. */
export interface UpstreamStream {
  /** The URL finally answered, after redirects, without credentials. */
  url: URL;
  /** The reply headers. */
  headers: HeaderMap;
  /** How the body is delimited. */
  framing: BodyFraming;
  /** The connection, paused; the body follows `initial`. */
  socket: Socket;
  /** Body bytes read together with the head. */
  initial: Uint8Array;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URL without user name and password, for logs, events and status pages. */
export function publicUrl(url: URL | string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}

/**
 * Connects to the upstream and reads its reply head, following up to {@link MAX_REDIRECTS}
 * redirects. Credentials go only to the origin they were given for (or to a redirect target
 * that carries its own). Rejects with `UpstreamUnreachableError`, `UpstreamStatusError` or
 * `TooManyRedirectsError`.
 */
export async function openUpstream(opts: UpstreamOptions): Promise<UpstreamStream> {
  let url = new URL(opts.url);
  const origin = url.origin;
  const seen = new Set<string>();
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new UpstreamUnreachableError(`cannot relay a ${url.protocol} URL`);
    }
    seen.add(url.href);
    const auth = credentialsFor(url, origin, opts);
    const reply = await request(url, auth, opts);
    if (reply.status === 200) {
      const clean = new URL(url);
      clean.username = '';
      clean.password = '';
      return { ...reply, url: clean };
    }
    reply.socket.destroy();
    const location = reply.headers.get('location');
    if (!REDIRECTS.has(reply.status) || location === undefined) {
      throw new UpstreamStatusError(reply.status);
    }
    let next: URL;
    try {
      next = new URL(location, url);
    } catch (err) {
      throw new UpstreamUnreachableError('redirect to an invalid location', { cause: err });
    }
    if (seen.has(next.href)) {
      throw new TooManyRedirectsError();
    }
    url = next;
  }
  throw new TooManyRedirectsError();
}

function credentialsFor(url: URL, origin: string, opts: UpstreamOptions): string | undefined {
  if (url.username !== '' || url.password !== '') {
    return basicAuthHeader(decodeURIComponent(url.username), decodeURIComponent(url.password));
  }
  if (url.origin === origin && opts.user !== undefined) {
    return basicAuthHeader(opts.user, opts.password ?? '');
  }
  return undefined;
}

interface Reply {
  status: number;
  headers: HeaderMap;
  framing: BodyFraming;
  socket: Socket;
  initial: Uint8Array;
}

/** One GET: connect, send the request, read the head. The socket is paused on success. */
function request(url: URL, auth: string | undefined, opts: UpstreamOptions): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const tls = url.protocol === 'https:';
    const port = Number(url.port || (tls ? 443 : 80));
    const socket = tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
    const parser = new ResponseHeadParser();
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) {
        return;
      }
      settled = true;
      cleanup();
      socket.destroy();
      reject(
        err instanceof IngestError
          ? err
          : new UpstreamUnreachableError(
              `cannot reach ${url.host}: ${err instanceof Error ? err.message : String(err)}`,
              { cause: err },
            ),
      );
    };
    const timer = setTimeout(
      () =>
        fail(new UpstreamUnreachableError(`${url.host} did not answer in ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
    const onAbort = (): void => fail(new UpstreamUnreachableError('relay stopped'));
    const onData = (chunk: Buffer): void => {
      let done;
      try {
        done = parser.push(chunk);
      } catch (err) {
        // A malformed head is an unreachable upstream, with the parser's reason as the message.
        fail(
          err instanceof MalformedResponseError
            ? new UpstreamUnreachableError(err.message, { cause: err })
            : err,
        );
        return;
      }
      if (done === undefined) {
        return;
      }
      settled = true;
      cleanup();
      socket.pause();
      resolve({
        status: done.head.status,
        headers: done.head.headers,
        framing: done.head.framing,
        socket,
        initial: chunk.subarray(done.bodyStart),
      });
    };
    const onClose = (): void =>
      fail(new UpstreamUnreachableError(`${url.host} closed the connection`));
    const cleanup = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    if (opts.signal?.aborted) {
      fail(new UpstreamUnreachableError('relay stopped'));
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', fail);
    socket.on('data', onData);
    socket.on('close', onClose);
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.0`,
      `Host: ${url.host}`,
      `User-Agent: ${opts.userAgent}`,
      'Accept: */*',
      'Icy-MetaData: 1',
      'Connection: close',
    ];
    if (auth !== undefined) {
      lines.push(`Authorization: ${auth}`);
    }
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}
