/**
 * Raw HTTP replies in the exact shapes Icecast clients string-match: source acknowledgements,
 * text/plain error pages, the listener header block and the CORS preflight answer. Pure: it
 * returns bytes to write and never touches sockets, the clock or logs (so no `Date` header).
 */
import type { IcyError } from './errors.js';
import { TOKEN_RE } from './headers.js';

/** Extra headers for a reply, as a record or as ordered pairs (names must be tokens). */
export type HeaderPairs =
  Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

/** Reason phrases. 401 and 404 use Icecast's wording, the rest RFC 9110's. */
export const STATUS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  100: 'Continue',
  200: 'OK',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  400: 'Bad Request',
  401: 'Authentication Required',
  403: 'Forbidden',
  404: 'File Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
});

/** Icecast's no-cache headers; the `Expires` date is in the past so no cache keeps a live stream. */
const NO_CACHE_HEADERS = [
  'Cache-Control: no-cache, no-store',
  'Expires: Mon, 26 Jul 1997 05:00:00 GMT',
  'Pragma: no-cache',
];

/** The source's `Expect: 100-continue` answer, exactly as Icecast sends it. */
export function sourceContinueResponse(): Buffer {
  return Buffer.from('HTTP/1.1 100 Continue\r\nContent-Length: 0\r\n\r\n', 'latin1');
}

/** The reply that accepts a PUT or SOURCE source; raw audio follows until the source closes. */
export function sourceOkResponse(): Buffer {
  return Buffer.from('HTTP/1.0 200 OK\r\n\r\n', 'latin1');
}

/**
 * Removes what could break a header line: CR, LF and every other control character (a tab
 * becomes a space), then trims. Values that come from sources or config pass through this.
 */
export function sanitizeHeaderValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    if (c === 0x09) {
      out += ' ';
    } else if (c >= 0x20 && c !== 0x7f) {
      out += ch;
    }
  }
  return out.trim();
}

function headerLines(headers: HeaderPairs | undefined): string[] {
  return headerPairs(headers).map(([name, value]) => {
    if (!TOKEN_RE.test(name)) {
      throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    }
    return `${name}: ${sanitizeHeaderValue(value)}`;
  });
}

function headerPairs(headers: HeaderPairs | undefined): ReadonlyArray<readonly [string, string]> {
  if (headers === undefined) {
    return [];
  }
  return Array.isArray(headers)
    ? (headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(headers);
}

function statusLine(status: number): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new TypeError(`invalid HTTP status ${status}`);
  }
  return `HTTP/1.0 ${status} ${STATUS_TEXT[status] ?? 'Unknown'}`;
}

function build(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`, 'utf8');
}

/**
 * A complete error reply: `HTTP/1.0`, `Connection: Close`, a UTF-8 text/plain body with its
 * Content-Length, Icecast's no-cache headers, then `extraHeaders` (e.g. `Server`).
 */
export function httpErrorResponse(
  status: number,
  body: string,
  extraHeaders?: HeaderPairs,
): Buffer {
  return build(
    [
      statusLine(status),
      'Connection: Close',
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body, 'utf8')}`,
      ...NO_CACHE_HEADERS,
      ...headerLines(extraHeaders),
    ],
    body,
  );
}

/** Bad or missing source/admin credentials: 401 with Icecast's realm and text. */
export function unauthorizedResponse(extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(401, 'You need to authenticate', [
    ['WWW-Authenticate', 'Basic realm="Icecast2 Server"'],
    ...headerPairs(extraHeaders),
  ]);
}

/** The mount already has a source: 403 `Mountpoint in use`. */
export function mountInUseResponse(extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(403, 'Mountpoint in use', extraHeaders);
}

/** The source limit is reached: 403 `too many sources connected`. */
export function tooManySourcesResponse(extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(403, 'too many sources connected', extraHeaders);
}

/** A PUT without Content-Type: 403 `No Content-type given`. */
export function noContentTypeResponse(extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(403, 'No Content-type given', extraHeaders);
}

/** The server's connection limit is reached: 403 `Icecast connection limit reached`. */
export function connectionLimitResponse(extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(403, 'Icecast connection limit reached', extraHeaders);
}

/** Nothing at this path: 404 with Icecast's text unless `body` is given. */
export function notFoundResponse(
  body = 'The file you requested could not be found',
  extraHeaders?: HeaderPairs,
): Buffer {
  return httpErrorResponse(404, body, extraHeaders);
}

/** The path exists but not for this method: 405 with the `Allow` list. */
export function methodNotAllowedResponse(
  allow: readonly string[],
  extraHeaders?: HeaderPairs,
): Buffer {
  return httpErrorResponse(405, 'Method Not Allowed', [
    ['Allow', allow.join(', ')],
    ...headerPairs(extraHeaders),
  ]);
}

/** The reply for a typed error from this package: its `httpStatus` with its message as body. */
export function errorResponseFor(err: IcyError, extraHeaders?: HeaderPairs): Buffer {
  return httpErrorResponse(err.httpStatus, err.message, extraHeaders);
}

/** What a listener reply needs to know about the mount's source. */
export interface SourceInfo {
  /** The source's Content-Type, e.g. `audio/mpeg`. */
  contentType: string;
  /**
   * The source's `ice-*` headers by lower- or mixed-case name (`ice-name`, `ice-description`,
   * `ice-genre`, `ice-url`, `ice-public`, `ice-bitrate`, `ice-audio-info`, ...). Names that
   * are not `ice-*`, and `ice-password`, are ignored.
   */
  iceHeaders: Readonly<Record<string, string>>;
}

/** Cross-origin settings for browser players. */
export interface CorsOptions {
  /** `Access-Control-Allow-Origin` value: `*` or one origin (then `Vary: Origin` is added). */
  allowOrigin: string;
}

/** Everything `listenerResponse` needs. */
export interface ListenerResponseOptions {
  source: SourceInfo;
  /** The `Server` header value, e.g. `PenguinCast 0.1.0`. */
  serverName: string;
  /** Adds `icy-metaint:<n>` when set; pass it only when the request had `Icy-MetaData: 1`. */
  metaint?: number;
  /** CORS headers to send; default `{ allowOrigin: '*' }`, `false` for none. */
  cors?: CorsOptions | false;
  /** Headers appended last, e.g. `Date`, which this pure module cannot know. */
  extraHeaders?: HeaderPairs;
}

/** Request headers a browser player may send cross-origin. */
const CORS_ALLOW_HEADERS = 'Origin, Accept, X-Requested-With, Content-Type, Icy-MetaData, Range';
/** Response headers a browser player may read cross-origin. */
const CORS_EXPOSE_HEADERS =
  'Icy-Br, Icy-Description, Icy-Genre, Icy-MetaInt, Icy-Name, Icy-Pub, Icy-Url, Ice-Audio-Info';
const CORS_ALLOW_METHODS = 'GET, HEAD, OPTIONS';

function corsLines(cors: CorsOptions | false | undefined): string[] {
  if (cors === false) {
    return [];
  }
  const origin = sanitizeHeaderValue(cors?.allowOrigin ?? '*') || '*';
  return [
    `Access-Control-Allow-Origin: ${origin}`,
    `Access-Control-Allow-Headers: ${CORS_ALLOW_HEADERS}`,
    `Access-Control-Allow-Methods: ${CORS_ALLOW_METHODS}`,
    `Access-Control-Expose-Headers: ${CORS_EXPOSE_HEADERS}`,
    ...(origin === '*' ? [] : ['Vary: Origin']),
  ];
}

const ICE_NAME_RE = /^ice-[a-z0-9-]+$/;
/** Icecast's two renames; every other `ice-X` becomes `icy-X`. */
const ICE_TO_ICY: Readonly<Record<string, string>> = {
  'ice-public': 'icy-pub',
  'ice-bitrate': 'icy-br',
};
const AUDIO_INFO_BITRATE_RE = /(?:^|;)\s*(?:ice-)?bitrate=(\d+)/i;

/**
 * The `icy-*` lines for a source, sorted by source header name as Icecast's header tree is:
 * `ice-public`→`icy-pub`, `ice-bitrate`→`icy-br`, other `ice-X`→`icy-X`, all as `name:value`
 * with no space; `ice-audio-info` passes through. Without `ice-bitrate`, `icy-br` comes from
 * the `bitrate=` field of `ice-audio-info`, as Icecast does.
 */
function icyLines(iceHeaders: Readonly<Record<string, string>>): string[] {
  const ice = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries(iceHeaders)) {
    const name = rawName.toLowerCase();
    const value = sanitizeHeaderValue(rawValue);
    if (ICE_NAME_RE.test(name) && name !== 'ice-password' && value !== '' && !ice.has(name)) {
      ice.set(name, value);
    }
  }
  const audioInfo = ice.get('ice-audio-info');
  const derivedBitrate =
    audioInfo === undefined ? undefined : AUDIO_INFO_BITRATE_RE.exec(audioInfo)?.[1];
  if (!ice.has('ice-bitrate') && derivedBitrate !== undefined) {
    ice.set('ice-bitrate', derivedBitrate);
  }
  return [...ice.keys()].sort().map((name) => {
    const value = ice.get(name)!;
    if (name === 'ice-audio-info') {
      return `ice-audio-info: ${value}`;
    }
    const icy = ICE_TO_ICY[name] ?? `icy-${name.slice(4)}`;
    return `${icy}:${value}`;
  });
}

/**
 * The listener's header block (no body): `HTTP/1.0 200 OK`, Server, `Connection: Close`,
 * Content-Type, Icecast's no-cache headers, CORS, the `icy-*` lines and, when asked,
 * `icy-metaint`. A HEAD request gets the same block.
 */
export function listenerResponse(options: ListenerResponseOptions): Buffer {
  const { source, metaint } = options;
  if (metaint !== undefined && (!Number.isInteger(metaint) || metaint < 1)) {
    throw new TypeError(`metaint must be a positive integer, got ${metaint}`);
  }
  const contentType = sanitizeHeaderValue(source.contentType) || 'application/octet-stream';
  return build([
    'HTTP/1.0 200 OK',
    `Server: ${sanitizeHeaderValue(options.serverName)}`,
    'Connection: Close',
    `Content-Type: ${contentType}`,
    ...NO_CACHE_HEADERS,
    ...corsLines(options.cors),
    ...icyLines(source.iceHeaders),
    ...(metaint === undefined ? [] : [`icy-metaint:${metaint}`]),
    ...headerLines(options.extraHeaders),
  ]);
}

/** Everything `optionsResponse` needs. */
export interface OptionsResponseOptions {
  /** The `Server` header value. */
  serverName: string;
  /** CORS headers to send; default `{ allowOrigin: '*' }`, `false` for none. */
  cors?: CorsOptions | false;
}

/** The answer to a CORS preflight (`OPTIONS`): 204 with `Allow` and the CORS headers. */
export function optionsResponse(options: OptionsResponseOptions): Buffer {
  return build([
    'HTTP/1.0 204 No Content',
    `Server: ${sanitizeHeaderValue(options.serverName)}`,
    'Connection: Close',
    `Allow: ${CORS_ALLOW_METHODS}`,
    ...corsLines(options.cors),
    ...(options.cors === false ? [] : ['Access-Control-Max-Age: 86400']),
  ]);
}
