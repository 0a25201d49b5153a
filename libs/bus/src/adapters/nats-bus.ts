/**
 * `Bus` adapter over a NATS connection (`@nats-io/transport-node` v3). It translates headers,
 * isolates callbacks, maps client errors to the package's errors and tracks connection status.
 */
import {
  ClosedConnectionError,
  DrainingConnectionError,
  InvalidArgumentError,
  NoRespondersError as NatsNoRespondersError,
  RequestError,
  TimeoutError,
  connect,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';
import {
  BusClosedError,
  BusConnectError,
  BusRequestError,
  BusTimeoutError,
  NoRespondersError,
} from '../errors.js';
import { DEFAULT_MAX_PAYLOAD, encodedHeaderSize } from '../wire/headers.js';
import type {
  Bus,
  BusCallback,
  BusHeaders,
  BusMsg,
  BusState,
  BusStatusEvent,
  BusSubscription,
  RequestManyOptions,
  RequestOptions,
  SubscribeOptions,
} from '../ports.js';
import { assertSubscribeSubject } from '../wire/subjects.js';
import { assertCallback, assertOutgoing, assertTimeout } from './bus-args.js';
import { BusEvents, type ErrorHook } from './bus-events.js';

/** Options of `NatsBus`, beyond the connection itself. */
export interface NatsBusOptions {
  /** Receives errors thrown by subscription callbacks and status listeners. */
  onError?: ErrorHook;
  /**
   * How many bytes `publish()` may hand to the client while disconnected before it starts
   * dropping (default 8 MiB, as the Go client's reconnect buffer). nats.js discards its
   * outbound buffer at each reconnect attempt anyway, so audio published during an outage is
   * lost either way; the bound only keeps a slow dial from growing memory without limit.
   */
  disconnectedBufferBytes?: number;
}

/** Options of `connectNatsBus()`. */
export interface ConnectNatsBusOptions extends NatsBusOptions {
  /** Server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Client name shown in the server's monitoring pages. */
  name?: string;
  /** Delay between reconnect attempts in milliseconds; default 500. */
  reconnectTimeWaitMs?: number;
  /** Client ping interval in milliseconds, which bounds how long a dead link goes unseen; default 5000. */
  pingIntervalMs?: number;
  /** Handshake timeout of each connection attempt in milliseconds; default 5000. */
  connectTimeoutMs?: number;
  /** Optional credentials. */
  user?: string;
  /** Optional credentials. */
  pass?: string;
  /** Optional token credential. */
  token?: string;
}

/**
 * Connects to NATS with settings for a long-running service: reconnect forever every
 * `reconnectTimeWaitMs`, ping every `pingIntervalMs` (two missed pongs count as a dead link).
 * Rejects with `BusConnectError` when the first connection cannot be made.
 */
export async function connectNatsBus(opts: ConnectNatsBusOptions): Promise<NatsBus> {
  let nc: NatsConnection;
  try {
    nc = await connectNats(opts);
  } catch (err) {
    const servers = [opts.servers].flat().join(',');
    throw new BusConnectError(servers, err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }
  return new NatsBus(nc, opts);
}

function connectNats(opts: ConnectNatsBusOptions): Promise<NatsConnection> {
  return connect({
    servers: opts.servers,
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: opts.reconnectTimeWaitMs ?? 500,
    reconnectJitter: 100,
    pingInterval: opts.pingIntervalMs ?? 5_000,
    maxPingOut: 2,
    timeout: opts.connectTimeoutMs ?? 5_000,
    ...(opts.user !== undefined ? { user: opts.user, pass: opts.pass } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
  });
}

/** The NATS adapter. It owns `nc`: `close()` and `drain()` close the connection. */
export class NatsBus implements Bus {
  /** The underlying connection, for the rare need the port does not cover. */
  readonly nc: NatsConnection;
  /** Messages `publish()` dropped because the disconnected buffer bound was reached. */
  droppedWhileDisconnected = 0;
  #state: BusState = 'connected';
  #ending = false;
  #events: BusEvents;
  #bufferLimit: number;
  #buffered = 0;

  constructor(nc: NatsConnection, opts: NatsBusOptions = {}) {
    this.nc = nc;
    this.#events = new BusEvents(opts.onError);
    this.#bufferLimit = opts.disconnectedBufferBytes ?? 8 * 1024 * 1024;
    void this.#watchStatus();
  }

  get state(): BusState {
    return this.#state;
  }

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    this.#assertOpen();
    assertOutgoing(subject, headers);
    if (this.#state === 'disconnected') {
      // Counting is approximate (nats.js may already have discarded part of it on a dial),
      // which errs on the side of dropping audio nobody would receive anyway.
      const size = data.byteLength + encodedHeaderSize(headers) + subject.length;
      if (this.#buffered + size > this.#bufferLimit) {
        this.droppedWhileDisconnected += 1;
        return;
      }
      this.#buffered += size;
    }
    this.#call(() => this.nc.publish(subject, data, { headers: toNatsHeaders(headers) }));
  }

  subscribe(subject: string, callback: BusCallback, opts: SubscribeOptions = {}): BusSubscription {
    this.#assertOpen();
    assertSubscribeSubject(subject);
    assertCallback(callback);
    const sub = this.#call(() =>
      this.nc.subscribe(subject, {
        ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
        // A callback subscription is dispatched synchronously from the client's parser, so a
        // throw here would tear down the connection; each call is isolated instead.
        callback: (err, msg) => {
          if (err) {
            this.#events.report(err, subject);
            return;
          }
          try {
            callback(this.#wrap(msg));
          } catch (e) {
            this.#events.report(e, msg.subject);
          }
        },
      }),
    );
    return {
      unsubscribe: () => {
        if (!sub.isClosed()) {
          sub.unsubscribe();
        }
      },
    };
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMsg> {
    this.#checkRequest(subject, opts.timeoutMs, opts.headers);
    try {
      const msg = await this.nc.request(subject, data, {
        timeout: opts.timeoutMs,
        headers: toNatsHeaders(opts.headers),
      });
      return this.#wrap(msg);
    } catch (err) {
      throw this.#requestError(err, subject, opts.timeoutMs);
    }
  }

  async requestMany(
    subject: string,
    data: Uint8Array,
    opts: RequestManyOptions,
  ): Promise<BusMsg[]> {
    this.#checkRequest(subject, opts.timeoutMs, opts.headers);
    const replies: BusMsg[] = [];
    try {
      const iter = await this.nc.requestMany(subject, data, {
        strategy: opts.maxReplies !== undefined ? 'count' : 'timer',
        maxWait: opts.timeoutMs,
        ...(opts.maxReplies !== undefined ? { maxMessages: opts.maxReplies } : {}),
        headers: toNatsHeaders(opts.headers),
      });
      for await (const msg of iter) {
        replies.push(this.#wrap(msg));
      }
    } catch (err) {
      // No responders simply means an empty gather, as the port documents.
      if (!isNoResponders(err)) {
        throw this.#requestError(err, subject, opts.timeoutMs);
      }
    }
    return replies;
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    try {
      await this.nc.flush();
    } catch (err) {
      throw mapRequestError(err, '(flush)', 0);
    }
  }

  onStatus(listener: (event: BusStatusEvent) => void): () => void {
    return this.#events.on(listener);
  }

  async drain(): Promise<void> {
    if (this.#ending) {
      await this.nc.closed();
      return;
    }
    this.#ending = true;
    try {
      await this.nc.drain();
    } catch {
      // Draining a connection that is already closed or closing is not an error for us.
    }
    await this.nc.closed();
  }

  async close(): Promise<void> {
    this.#ending = true;
    await this.nc.close();
    await this.nc.closed();
  }

  #assertOpen(): void {
    if (this.#ending || this.nc.isClosed()) {
      throw new BusClosedError();
    }
  }

  #checkRequest(subject: string, timeoutMs: number, headers: BusHeaders | undefined): void {
    this.#assertOpen();
    assertOutgoing(subject, headers);
    assertTimeout(timeoutMs);
    if (this.#state === 'disconnected') {
      // Waiting out the timeout would only delay the caller: the request cannot be answered.
      throw new BusRequestError(subject, 'not connected');
    }
  }

  /** Maps a request failure; anything cut short by our own close() is a `BusClosedError`. */
  #requestError(err: unknown, subject: string, timeoutMs: number): Error {
    if (this.#ending && !(err instanceof TimeoutError)) {
      return new BusClosedError({ cause: err });
    }
    return mapRequestError(err, subject, timeoutMs);
  }

  /** Runs a client call, mapping its argument and closed-connection errors to ours. */
  #call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ClosedConnectionError || err instanceof DrainingConnectionError) {
        throw new BusClosedError({ cause: err });
      }
      if (err instanceof InvalidArgumentError) {
        throw new TypeError(err.message, { cause: err });
      }
      throw err;
    }
  }

  #wrap(msg: Msg): BusMsg {
    const reply = msg.reply;
    return {
      subject: msg.subject,
      data: msg.data,
      headers: fromNatsHeaders(msg.headers),
      ...(reply ? { reply } : {}),
      respond: (body: Uint8Array, hdrs?: BusHeaders): boolean => {
        if (!reply || this.#ending || this.nc.isClosed()) {
          return false;
        }
        this.publish(reply, body, hdrs);
        return true;
      },
    };
  }

  async #watchStatus(): Promise<void> {
    void this.nc.closed().then(() => {
      this.#state = 'closed';
      this.#events.emit({ type: 'closed' });
    });
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.#state = 'disconnected';
          this.#buffered = 0;
          this.#events.emit({ type: 'disconnected', server: s.server });
          break;
        case 'reconnecting':
          // nats.js resets its outbound buffer before each dial, so the budget starts over.
          this.#buffered = 0;
          break;
        case 'reconnect':
          this.#state = 'connected';
          this.#buffered = 0;
          this.#events.emit({ type: 'reconnected', server: s.server });
          break;
        default:
          break;
      }
    }
  }
}

function toNatsHeaders(headers: BusHeaders | undefined): MsgHdrs | undefined {
  if (!headers) {
    return undefined;
  }
  const entries = Object.entries(headers);
  if (entries.length === 0) {
    return undefined;
  }
  const h = natsHeaders();
  for (const [k, v] of entries) {
    h.set(k, v);
  }
  return h;
}

function fromNatsHeaders(h: MsgHdrs | undefined): BusHeaders {
  const out: BusHeaders = {};
  if (h) {
    for (const [k, values] of h) {
      if (values.length > 0) {
        out[k] = values[0] as string;
      }
    }
  }
  return out;
}

function isNoResponders(err: unknown): boolean {
  return (
    err instanceof NatsNoRespondersError ||
    (err instanceof RequestError && err.isNoResponders()) ||
    (err instanceof Error && err.cause instanceof NatsNoRespondersError)
  );
}

function mapRequestError(err: unknown, subject: string, timeoutMs: number): Error {
  if (err instanceof TimeoutError) {
    return new BusTimeoutError(subject, timeoutMs, { cause: err });
  }
  if (isNoResponders(err)) {
    return new NoRespondersError(subject, { cause: err });
  }
  if (err instanceof ClosedConnectionError || err instanceof DrainingConnectionError) {
    return new BusClosedError({ cause: err });
  }
  if (err instanceof InvalidArgumentError) {
    return new TypeError(err.message, { cause: err });
  }
  const why = err instanceof Error ? err.message : String(err);
  return new BusRequestError(subject, why, { cause: err });
}
