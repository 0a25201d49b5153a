/**
 * The declarative route table every admin, page and API route is built from (name, path, auth
 * scope, reply format, handler), and the code that mounts it on Express: authentication first,
 * then the handler, then one error mapper that answers in the route's format. Handlers return a
 * reply or write streaming responses themselves; they never check credentials on their own.
 */
import { randomBytes } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { BusError } from '@penguincast/bus';
import { normaliseMountName } from '@penguincast/icy';
import { TrustedProxies } from '@penguincast/runtime';
import type { Logger } from 'pino';
import type { AuthThrottle } from '@penguincast/runtime';
import { checkCredentials, clientAddress, type AuthScope } from './auth.js';
import { SERVER_ID, type AdminConfig } from './config.js';
import {
  AUTH_REQUIRED_TEXT,
  AdminError,
  AuthRequiredError,
  BadRequestError,
  ForbiddenError,
  MissingParameterError,
} from './errors.js';
import { escapeHtml, safeJson } from './escape.js';

/** How a route answers, which also decides how its errors look. */
export type ReplyFormat = 'xml' | 'html' | 'text' | 'json' | 'playlist' | 'sse' | 'asset';

/** A complete reply a handler returns. */
export interface Reply {
  /** Default 200. */
  status?: number;
  /** The exact `Content-Type`. */
  type: string;
  body: string | Buffer;
  /** Extra headers, e.g. CORS or caching overrides. */
  headers?: Record<string, string>;
}

/** What a handler gets besides the request. */
export interface RouteContext {
  req: Request;
  res: Response;
  /** The client address (behind a trusted proxy: the one it names). */
  ip: string;
  /** Who authenticated, when the route needs it. */
  role: 'admin' | 'source' | undefined;
  /** Per-response nonce for inline scripts and styles of HTML pages. */
  nonce: string;
  /** The first value of a query parameter. */
  param(name: string): string | undefined;
  /** A required mount parameter, normalised; throws `MissingParameterError` or `BadRequestError`. */
  mountParam(name?: string): string;
}

/** One row of the route table. */
export interface RouteSpec {
  /** Short unique name, for logs and tests. */
  name: string;
  /** Express path (string) or a pattern matched against the raw path. */
  path: string | RegExp;
  /** Who may call it. */
  scope: AuthScope;
  /** How it answers. */
  format: ReplyFormat;
  /** One line saying what it is, for documentation. */
  summary: string;
  /**
   * True for commands that change the station. Browsers send Basic credentials they remember
   * with any cross-site request, so such requests (`Sec-Fetch-Site: cross-site`) are refused;
   * tools and same-site pages are not affected.
   */
  changesState?: boolean;
  /** Produces the reply, or writes the response itself and returns undefined. */
  handler(ctx: RouteContext): Promise<Reply | undefined> | Reply | undefined;
}

/** What `mountRouteTable` needs. */
export interface RouteTableDeps {
  settings: AdminConfig;
  throttle: AuthThrottle;
  log: Logger;
}

/**
 * Headers Icecast sends with every admin reply, plus the ones a browser needs to stay safe.
 * `Connection: close` matters most: the edge's front door hands admin a connection (in-process,
 * or piped over TCP) after reading only its first request, so a kept-alive connection would
 * bring the client's next request, perhaps for a mount, straight here instead of to the edge.
 */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  Connection: 'close',
  Server: SERVER_ID,
  'Cache-Control': 'no-cache, no-store',
  Expires: 'Mon, 26 Jul 1997 05:00:00 GMT',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

/** The content security policy of generated pages: only our own files and nonce'd inline code. */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'wasm-unsafe-eval'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "media-src 'self' blob: data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Sets the common headers, picks the nonce and remembers the route's format for errors. */
export function commonHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) {
    res.setHeader(name, value);
  }
  res.locals['nonce'] = randomBytes(16).toString('base64');
  next();
}

/** Writes a reply; Buffers keep Express from rewriting the content type or adding an ETag. */
export function sendReply(res: Response, format: ReplyFormat, reply: Reply): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.status(reply.status ?? 200);
  res.setHeader('Content-Type', reply.type);
  res.setHeader('Content-Length', String(body.length));
  if (format === 'html') {
    res.setHeader('Content-Security-Policy', pageCsp(String(res.locals['nonce'])));
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    res.setHeader(name, value);
  }
  res.end(body);
}

function firstValue(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

function normalisedOrUndefined(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  try {
    return normaliseMountName(raw);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Builds the context of one request. */
function contextOf(
  req: Request,
  res: Response,
  settings: AdminConfig,
  trusted: TrustedProxies,
): RouteContext {
  const param = (name: string): string | undefined => firstValue(req.query[name]);
  return {
    req,
    res,
    ip: clientAddress(
      req.socket.remoteAddress,
      firstValue(req.headers['x-forwarded-for']),
      trusted,
    ),
    role: undefined,
    nonce: String(res.locals['nonce']),
    param,
    mountParam(name = 'mount') {
      const raw = param(name);
      if (raw === undefined || raw === '') {
        throw new MissingParameterError(name);
      }
      try {
        return normaliseMountName(raw);
      } catch (err) {
        throw new BadRequestError('Invalid mount name', { cause: err });
      }
    },
  };
}

/** Mounts every route of `table` on `app`, each with its authentication. */
export function mountRouteTable(
  app: Express,
  table: readonly RouteSpec[],
  deps: RouteTableDeps,
): void {
  const { settings, throttle } = deps;
  // Built once: edges on this host come over loopback, others must be in TrustedProxies.
  const trusted = new TrustedProxies(settings.trustedProxies, { loopback: true });
  for (const spec of table) {
    app.get(spec.path, async (req: Request, res: Response, next: NextFunction) => {
      res.locals['format'] = spec.format;
      const ctx = contextOf(req, res, settings, trusted);
      try {
        if (spec.changesState && req.headers['sec-fetch-site'] === 'cross-site') {
          throw new ForbiddenError();
        }
        if (spec.scope !== 'public') {
          const mount =
            spec.scope === 'mount' ? normalisedOrUndefined(ctx.param('mount')) : undefined;
          const auth = checkCredentials(settings, req.headers.authorization, spec.scope, mount);
          if (!auth.ok) {
            // Only wrong credentials count: a browser's first, credential-less request is normal.
            const delayMs = auth.supplied ? throttle.fail(ctx.ip) : 0;
            if (delayMs > 0) {
              deps.log.info(
                { route: spec.name, ip: ctx.ip, delayMs },
                'repeated admin login failures slowed',
              );
              await sleep(delayMs);
            }
            throw new AuthRequiredError();
          }
          throttle.succeed(ctx.ip);
          ctx.role = auth.role;
        }
        const reply = await spec.handler(ctx);
        if (reply !== undefined && !res.headersSent) {
          sendReply(res, spec.format, reply);
        }
      } catch (err) {
        next(err);
      }
    });
  }
}

/** Icecast 2.4's error page, e.g. `<b>400 - Source does not exist</b>`. */
export function icecastErrorPage(status: number, message: string): string {
  return `<html><head><title>Error ${status}</title></head><body><b>${status} - ${escapeHtml(message)}</b></body></html>`;
}

/** Icecast's reason phrases where they differ from Node's. */
const REASONS: Readonly<Record<number, string>> = {
  401: 'Authentication Required',
  404: 'File Not Found',
};

/** Answers an error in the format of the route it happened on. */
export function sendError(res: Response, status: number, code: string, message: string): void {
  const format = (res.locals['format'] as ReplyFormat | undefined) ?? 'html';
  const reason = REASONS[status];
  if (reason !== undefined) {
    res.statusMessage = reason;
  }
  if (status === 401) {
    res.setHeader('WWW-Authenticate', 'Basic realm="Icecast2 Server"');
    sendReply(res, 'text', { status, type: 'text/plain; charset=utf-8', body: AUTH_REQUIRED_TEXT });
    return;
  }
  if (format === 'json') {
    sendReply(res, 'json', {
      status,
      type: 'application/json; charset=utf-8',
      body: safeJson({ error: { code, message } }),
    });
    return;
  }
  sendReply(res, 'html', {
    status,
    type: 'text/html; charset=utf-8',
    body: icecastErrorPage(status, message),
  });
}

/** The one error mapper: known errors get their status, anything else is a logged 500. */
export function errorMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof AdminError) {
      sendError(res, err.httpStatus, err.code, err.message);
      return;
    }
    if (err instanceof BusError) {
      log.warn({ err, path: req.path }, 'station state unavailable');
      sendError(res, 503, err.code, 'Station state unavailable');
      return;
    }
    const status = (err as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Express's own client errors, e.g. a malformed percent-encoding in the path.
      sendError(res, status, 'BAD_REQUEST', 'Bad Request');
      return;
    }
    log.error({ err, path: req.path }, 'admin request failed');
    sendError(res, 500, 'INTERNAL', 'Internal Server Error');
  };
}
