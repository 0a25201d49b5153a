/**
 * Reads one request head from a raw socket with `RequestHeadParser`, under a deadline, for the
 * servers that cannot use Node's HTTP parser (sources send unframed PUT and SOURCE bodies).
 * It keeps every byte it read so the connection can be handed on or proxied unchanged.
 */
import type { Socket } from 'node:net';
import {
  IcyError,
  RequestHeadParser,
  errorResponseFor,
  httpErrorResponse,
  type HeadLimits,
  type ParsedHead,
} from '@penguincast/icy';
import { endThenDestroy } from './socket-end.js';

/** A head read from a socket, with the raw bytes seen so far (head plus body start). */
export interface ReadHead {
  head: ParsedHead;
  /** Every byte read from the socket, so a proxy can replay them. */
  raw: Buffer;
}

/** Why no head could be read. `reply` has already been written when set. */
export class HeadReadError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HeadReadError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/**
 * Resolves with the head once it is complete. On a protocol error it answers the client with
 * the error's status (400, 414, 431, 501, 505) and ends the socket; on timeout it answers 408;
 * on a close it just rejects. The socket is paused when this resolves; the caller owns it then.
 */
export function readRequestHead(
  socket: Socket,
  opts: { timeoutMs: number; limits?: Partial<HeadLimits> },
): Promise<ReadHead> {
  return new Promise((resolve, reject) => {
    const parser = new RequestHeadParser(opts.limits);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      cleanup();
      endThenDestroy(socket, httpErrorResponse(408, 'Request Timeout'));
      reject(new HeadReadError('no complete request head in time', 'HEAD_TIMEOUT', 408));
    }, opts.timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onClose);
    };
    const onClose = (): void => {
      cleanup();
      reject(new HeadReadError('connection closed before the request head', 'HEAD_CLOSED', 0));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      let head: ParsedHead | undefined;
      try {
        head = parser.push(chunk);
      } catch (err) {
        cleanup();
        if (err instanceof IcyError) {
          endThenDestroy(socket, errorResponseFor(err));
          reject(new HeadReadError(err.message, err.code, err.httpStatus, { cause: err }));
        } else {
          socket.destroy();
          reject(err as Error);
        }
        return;
      }
      if (head !== undefined) {
        cleanup();
        socket.pause();
        resolve({ head, raw: chunks.length === 1 ? chunk : Buffer.concat(chunks) });
      }
    };
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
  });
}
