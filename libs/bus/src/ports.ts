/**
 * The `Bus` and `StateStore` ports every service codes against. Adapters (NATS, Redis and the
 * in-memory pair) implement them and pass one shared contract suite; nothing here does I/O.
 */

/** Message headers: one string value per name (names are case-sensitive on the wire). */
export type BusHeaders = Record<string, string>;

/** A payload with its headers, as codecs produce it and `publish()` takes it apart. */
export interface BusPayload {
  /** The raw payload bytes. */
  data: Uint8Array;
  /** Headers to send with it; empty when there are none. */
  headers: BusHeaders;
}

/** A delivered message. Treat `data` as read-only: it may be shared with other subscribers. */
export interface BusMsg {
  /** The concrete subject the message was published to. */
  readonly subject: string;
  /** The payload. */
  readonly data: Uint8Array;
  /** The headers (empty object when none were sent). */
  readonly headers: BusHeaders;
  /** The reply subject when the message is a request. */
  readonly reply?: string;
  /**
   * Publishes a reply to `reply`. Returns `false` (and sends nothing) when the message is not
   * a request. Like `publish()`, it never waits.
   */
  respond(data: Uint8Array, headers?: BusHeaders): boolean;
}

/**
 * A subscription callback. It runs synchronously on delivery and must not block: copy what it
 * needs and return. A throw is caught and reported to the bus's `onError` hook; it never
 * reaches the publisher or other subscribers.
 */
export type BusCallback = (msg: BusMsg) => void;

/** Options of `subscribe()`. */
export interface SubscribeOptions {
  /** Queue group: each message goes to one member of the group instead of all of them. */
  queue?: string;
}

/** A live subscription. */
export interface BusSubscription {
  /** Stops delivery at once; callbacks are not invoked after it returns. Idempotent. */
  unsubscribe(): void;
}

/** Options of `request()`. */
export interface RequestOptions {
  /** How long to wait for the first reply, in milliseconds. */
  timeoutMs: number;
  /** Headers to send with the request. */
  headers?: BusHeaders;
}

/** Options of `requestMany()`. */
export interface RequestManyOptions {
  /** How long to collect replies, in milliseconds. */
  timeoutMs: number;
  /** Stop early after this many replies. */
  maxReplies?: number;
  /** Headers to send with the request. */
  headers?: BusHeaders;
}

/** The connection state of a bus. */
export type BusState = 'connected' | 'disconnected' | 'closed';

/** A connection state change; `reconnected` means the state is `connected` again. */
export interface BusStatusEvent {
  /** What happened. */
  type: 'disconnected' | 'reconnected' | 'closed';
  /** The server involved, when the adapter knows it. */
  server?: string;
}

/**
 * Publish/subscribe and request/reply on NATS subjects (built with `Subjects`). `publish()`
 * never blocks or awaits: while disconnected the NATS adapter buffers (up to a bound), and the
 * in-memory adapter always delivers asynchronously.
 */
export interface Bus {
  /** The current connection state. */
  readonly state: BusState;
  /**
   * The largest payload plus encoded headers `publish()` accepts (NATS `max_payload`, 1 MiB
   * by default); producers of large messages such as burst replies must stay below it.
   */
  readonly maxPayload: number;
  /**
   * Sends a message. Returns at once and never throws because the connection is down; it
   * throws `TypeError` for an invalid subject or headers and `BusClosedError` after `close()`.
   * The bus may keep a reference to `data` until it is sent, so do not mutate it afterwards.
   */
  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void;
  /** Subscribes to a subject, which may contain `*` and a trailing `>`. */
  subscribe(subject: string, callback: BusCallback, opts?: SubscribeOptions): BusSubscription;
  /**
   * Sends a request and resolves with the first reply. Rejects with `BusTimeoutError`,
   * `NoRespondersError` (nobody subscribes to the subject), `BusRequestError` or
   * `BusClosedError`.
   */
  request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMsg>;
  /**
   * Sends a request and collects every reply until `timeoutMs` passes or `maxReplies` arrive
   * (scatter-gather, e.g. listing clients on every edge). Resolves with an empty list when
   * nobody answers.
   */
  requestMany(subject: string, data: Uint8Array, opts: RequestManyOptions): Promise<BusMsg[]>;
  /**
   * Resolves once everything this bus published so far has been delivered to this bus's own
   * subscribers (NATS: a server round trip). Tests use it instead of sleeping.
   */
  flush(): Promise<void>;
  /** Registers a status listener; returns a function that removes it. */
  onStatus(listener: (event: BusStatusEvent) => void): () => void;
  /** Delivers what is in flight, then closes. Idempotent. */
  drain(): Promise<void>;
  /** Closes at once, dropping undelivered messages; pending requests reject. Idempotent. */
  close(): Promise<void>;
}

/** Result of `takeOverLease()`. */
export interface LeaseTakeover {
  /** True when `owner` now holds the lease. */
  acquired: boolean;
  /** Who held the lease before the call, or `null` when it was free. */
  previousOwner: string | null;
}

/** Options of `takeOverLease()`. */
export interface TakeOverOptions {
  /**
   * Take the lease only if it is free, already ours, or held by this owner (e.g. the previous
   * session of a reconnecting source). Ignored when `force` is set.
   */
  from?: string;
  /** Take the lease whoever holds it (an admin override). */
  force?: boolean;
}

/**
 * The shared state the design keeps in Redis: hashes with heartbeat TTLs, mount leases,
 * per-edge counters, peaks and plain values. Keys come from `Keys`. Every method rejects with
 * `StateUnavailableError` when the store cannot answer; none of them ever waits for a
 * reconnect, so callers on a hot path are never held up by an outage.
 */
export interface StateStore {
  /** Reads a string value, or `null`. */
  get(key: string): Promise<string | null>;
  /** Writes a string value, with a TTL when `ttlMs` is given (otherwise none). */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Deletes a key of any type; returns whether it existed. */
  deleteKey(key: string): Promise<boolean>;
  /** Sets a key's TTL; returns `false` when the key does not exist. */
  touch(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Writes hash fields (merging with existing ones) and, in the same transaction, sets the TTL
   * when `ttlMs` is given or removes it when not. With `replace`, old fields are dropped first.
   */
  setHash(
    key: string,
    fields: Record<string, string>,
    ttlMs?: number,
    opts?: { replace?: boolean },
  ): Promise<void>;
  /** Reads a whole hash, or `null` when the key does not exist. */
  getHash(key: string): Promise<Record<string, string> | null>;
  /** Takes a free lease (`SET NX PX`); `false` when anyone, even `owner`, holds it. */
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease only if `owner` still holds it (atomic); returns whether it did. */
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Frees a lease only if `owner` holds it (atomic); returns whether it did. */
  releaseLease(key: string, owner: string): Promise<boolean>;
  /** Takes a lease over, conditionally on `from` or by `force` (see `TakeOverOptions`). */
  takeOverLease(
    key: string,
    owner: string,
    ttlMs: number,
    opts?: TakeOverOptions,
  ): Promise<LeaseTakeover>;
  /** Who holds a lease, or `null`. */
  leaseOwner(key: string): Promise<string | null>;
  /** Writes an integer counter with a TTL (one per edge, so a dead edge's count expires). */
  setCounter(key: string, value: number, ttlMs: number): Promise<void>;
  /** Sums every live integer counter whose key starts with `prefix`. */
  sumCounters(prefix: string): Promise<number>;
  /** Raises a peak to `value` if higher (atomic) and returns the resulting peak. */
  raisePeak(key: string, value: number): Promise<number>;
  /** Lists the live keys starting with `prefix`, sorted. */
  scanKeys(prefix: string): Promise<string[]>;
  /** Closes the connection. Idempotent. */
  close(): Promise<void>;
}
