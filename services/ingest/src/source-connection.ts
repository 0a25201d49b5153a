/**
 * The socket side of an admitted source: decodes the body (unframed until close, Content-Length
 * or chunked), feeds the session, drops a source that goes silent for `SourceIdleTimeOut`, and
 * ends the session when the socket ends. A bad body ends only this connection.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { ChunkedDecoder, type BodyFraming } from '@penguincast/icy';
import { endThenDestroy, type AuthThrottle } from '@penguincast/runtime';
import type { Logger } from 'pino';
import type { Admission } from './admission.js';
import type { IngestConfig } from './config.js';
import type { IngestError } from './errors.js';
import type { IngestMetrics } from './metrics.js';
import type { OpenSession, SourceSession } from './session.js';

/** What every ingest door that checks source credentials needs from its app. */
export interface CredentialDeps {
  /** The service's logger. */
  log: Logger;
  /** Mounts, credentials, the default SHOUTcast mount and timeouts. */
  settings: IngestConfig;
  /** The counter of refused credentials. */
  metrics: Pick<IngestMetrics, 'authFailures'>;
  /** Failed-authentication counts per client address. */
  throttle: AuthThrottle;
}

/** What the source doors (PUT/SOURCE and SHOUTcast v1) need from their app. */
export interface SourceDoorDeps extends CredentialDeps {
  /** Hands out mount leases. */
  admission: Pick<Admission, 'admitSource'>;
  /** Creates the session of an admitted source. */
  openSession: OpenSession;
}

/** A fresh random session id (hex, safe for headers, subjects and lease owners). */
export function newSessionId(): string {
  return randomBytes(8).toString('hex');
}

/** Turns body bytes into stream bytes; returns `done` once the body has ended. */
type BodyDecoder = (chunk: Uint8Array) => { data: Uint8Array; done: boolean };

function bodyDecoder(framing: BodyFraming): BodyDecoder {
  if (framing.kind === 'chunked') {
    const decoder = new ChunkedDecoder();
    return (chunk) => {
      const data = decoder.push(chunk);
      return { data, done: decoder.done };
    };
  }
  if (framing.kind === 'length') {
    let remaining = framing.length;
    return (chunk) => {
      const data = chunk.length <= remaining ? chunk : chunk.subarray(0, remaining);
      remaining -= data.length;
      return { data, done: remaining === 0 };
    };
  }
  return (chunk) => ({ data: chunk, done: false });
}

/**
 * Runs an admitted source until its socket closes: feeds `initial` (the body bytes read with
 * the head) and everything after it to the session. The caller has written the 200 already.
 * `feed` takes the decoded stream bytes instead of `session.feed` (a relay strips ICY metadata
 * there); a throw from it drops the source like a bad body.
 */
export function runSource(
  settings: Pick<IngestConfig, 'sourceIdleTimeoutMs'>,
  socket: Socket,
  session: SourceSession,
  initial: Uint8Array,
  framing: BodyFraming,
  feed: (data: Uint8Array) => void = (data) => session.feed(data),
): void {
  const decode = bodyDecoder(framing);
  const end = (reason: string): void => {
    void session.finish(reason);
    socket.destroy();
  };
  const onData = (chunk: Uint8Array): void => {
    let out: { data: Uint8Array; done: boolean };
    try {
      out = decode(chunk);
      feed(out.data);
    } catch (err) {
      session.log.warn({ err }, 'bad source body; dropping the source');
      end('bad-body');
      return;
    }
    if (out.done) {
      end('end-of-body');
    }
  };
  socket.on('data', onData);
  socket.on('end', () => end('disconnect'));
  socket.on('close', () => void session.finish('disconnect'));
  socket.on('error', (err) => {
    session.log.debug({ err }, 'source socket error');
  });
  const idleMs = settings.sourceIdleTimeoutMs;
  if (idleMs > 0) {
    // Nothing is written to a source after the 200, so socket inactivity is silence.
    socket.setTimeout(idleMs, () => {
      session.log.warn({ idleMs }, 'source sent nothing for too long; dropping it');
      end('timeout');
    });
  }
  if (initial.length > 0) {
    onData(initial);
  }
  if (!session.ended) {
    socket.resume();
  }
}

/**
 * Writes an error reply and closes the socket, after `delayMs` (slowed authentication). Body
 * bytes the client keeps sending are read and dropped meanwhile: closing with unread data would
 * reset the connection and could destroy the reply before the encoder reads it.
 */
export function refuse(socket: Socket, err: IngestError, delayMs = 0): void {
  socket.on('data', () => {});
  socket.resume();
  // A client that never closes must not keep the socket; Icecast closes right away too.
  const send = (): void => endThenDestroy(socket, err.reply());
  if (delayMs > 0) {
    setTimeout(send, delayMs).unref();
  } else {
    send();
  }
}
