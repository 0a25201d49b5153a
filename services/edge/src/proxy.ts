/**
 * Distributed mode's routes: raw TCP proxying of sources to ingest and of pages to admin. The
 * bytes already read are replayed with one `X-Forwarded-For` naming the client (a SHOUTcast v1
 * source, which has no headers, gets a PROXY protocol v1 line instead), then both directions are
 * piped with backpressure; an unreachable upstream gets a 502.
 */
import { connect, type Socket } from 'node:net';
import { proxyV1Line, type ParsedHead } from '@penguincast/icy';
import { END_GRACE_MS, endThenDestroy } from '@penguincast/runtime';
import type { Logger } from 'pino';
import type { HostPort } from './config.js';
import type { FrontDoorRoutes } from './front-door.js';
import { badGatewayReply } from './replies.js';

/** How long a client may leave the rest of a finished upstream reply unread. */
const STALLED_AFTER_UPSTREAM_MS = 30_000;

/** Options of {@link proxyRoutes}. */
export interface ProxyRoutesOptions {
  /** The ingest service's source port. */
  ingest: HostPort;
  /** The ingest service's SHOUTcast v1 port. */
  ingestShoutcast: HostPort;
  /** The admin service's port. */
  admin: HostPort;
  log: Logger;
  /** How long to wait for an upstream connection; default 5000 ms. */
  connectTimeoutMs?: number;
}

/**
 * Rewrites the request head in `raw` so it carries exactly one `X-Forwarded-For`, the client
 * address the edge worked out (any the client sent is dropped: the edge already decided whom
 * to believe). With `closeAfter`, `Connection: close` replaces the client's connection headers:
 * the front door routes per connection, so a kept-alive connection would carry the client's
 * next request (perhaps for a stream) to the wrong service. The body bytes are kept as they are.
 */
export function withForwardedFor(
  head: ParsedHead,
  raw: Buffer,
  clientIp: string,
  closeAfter = false,
): Buffer {
  const headEnd = Math.min(head.headBytes, raw.length);
  const dropped = closeAfter ? /^(x-forwarded-for|connection|keep-alive):/i : /^x-forwarded-for:/i;
  const lines = raw
    .subarray(0, headEnd)
    .toString('latin1')
    .split(/\r?\n/)
    .filter((line) => line !== '' && !dropped.test(line));
  if (clientIp !== '') {
    lines.push(`X-Forwarded-For: ${clientIp}`);
  }
  if (closeAfter) {
    lines.push('Connection: close');
  }
  const rebuilt = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return Buffer.concat([rebuilt, raw.subarray(headEnd)]);
}

/** Connects to `target`, replays `first`, and pipes both ways until either side closes. */
export function pipeTo(
  target: HostPort,
  client: Socket,
  first: Buffer | undefined,
  log: Logger,
  connectTimeoutMs = 5000,
): void {
  const upstream = connect({ host: target.host, port: target.port });
  let connected = false;
  upstream.setTimeout(connectTimeoutMs);
  upstream.once('timeout', () => {
    if (!connected) {
      upstream.destroy(new Error(`connect timeout after ${connectTimeoutMs} ms`));
    }
  });
  upstream.once('connect', () => {
    connected = true;
    upstream.setTimeout(0);
    if (first !== undefined && first.length > 0) {
      upstream.write(first);
    }
    // pipe() pauses the reader whenever the writer's buffer is full, both ways.
    client.pipe(upstream);
    upstream.pipe(client);
  });
  upstream.on('error', (err) => {
    if (!connected && !client.destroyed) {
      log.warn({ err, upstream: `${target.host}:${target.port}` }, 'cannot reach upstream');
      endThenDestroy(client, badGatewayReply());
    } else {
      client.destroy();
    }
  });
  upstream.on('close', () => {
    if (!connected || client.destroyed) {
      return;
    }
    if (!client.writableEnded) {
      client.end();
    }
    // The client gets what is still buffered and a short grace to close; one that never closes
    // (or stops reading) is destroyed, so it cannot hold its descriptor for ever.
    client.setTimeout(STALLED_AFTER_UPSTREAM_MS, () => client.destroy());
    const grace = (): void => {
      setTimeout(() => client.destroy(), END_GRACE_MS).unref();
    };
    if (client.writableFinished) {
      grace();
    } else {
      client.once('finish', grace);
    }
  });
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
}

/** Routes that forward sources, SHOUTcast sources and pages to the other services over TCP. */
export function proxyRoutes(opts: ProxyRoutesOptions): FrontDoorRoutes {
  const log = opts.log.child({ component: 'proxy' });
  const timeout = opts.connectTimeoutMs;
  return {
    source(socket, head, raw, remoteAddress) {
      pipeTo(opts.ingest, socket, withForwardedFor(head, raw, remoteAddress), log, timeout);
    },
    shoutcast(socket, remoteAddress) {
      // SHOUTcast v1 has no header the client address could travel in: a PROXY protocol line
      // goes first, which ingest believes from loopback and its TrustedProxies only.
      const line = proxyV1Line(
        { address: remoteAddress, port: socket.remotePort },
        { address: socket.localAddress, port: socket.localPort },
      );
      pipeTo(opts.ingestShoutcast, socket, Buffer.from(line, 'latin1'), log, timeout);
    },
    http(socket, head, raw, remoteAddress) {
      pipeTo(opts.admin, socket, withForwardedFor(head, raw, remoteAddress, true), log, timeout);
    },
  };
}
