/**
 * In-process `Bus` for the all-in-one server and unit tests, behaving like NATS as far as the
 * contract suite can see. It owns no sockets; delivery is asynchronous via `setImmediate`.
 */
import { randomUUID } from 'node:crypto';
import { BusClosedError, BusTimeoutError, NoRespondersError } from '../errors.js';
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
import { assertSubscribeSubject, subjectMatches } from '../wire/subjects.js';
import { assertCallback, assertOutgoing, assertTimeout } from './bus-args.js';
import { BusEvents, type ErrorHook } from './bus-events.js';

/** Options of `MemoryBus`. */
export interface MemoryBusOptions {
  /** Largest payload plus headers accepted by `publish()`; default NATS's 1 MiB. */
  maxPayload?: number;
  /** Receives errors thrown by subscription callbacks (wire it to the service logger). */
  onError?: ErrorHook;
}

interface Sub {
  pattern: string;
  queue: string | undefined;
  callback: BusCallback;
  active: boolean;
}

interface Delivery {
  sub: Sub;
  msg: BusMsg;
}

const INBOX = '_INBOX';

/**
 * The in-memory bus. Messages are matched to subscriptions when published (as a NATS server
 * would) and delivered in batches on `setImmediate`: like a network hop, this lets I/O run
 * between batches, and unlike `queueMicrotask` a subscriber that publishes cannot starve the
 * event loop. Order is preserved per publisher, hence per subject. It never disconnects, so
 * its only status event is `closed`.
 */
export class MemoryBus implements Bus {
  /** Largest payload plus headers accepted by `publish()`. */
  readonly maxPayload: number;
  #subs: Sub[] = [];
  #pending: Delivery[] = [];
  #scheduled = false;
  #closed = false;
  #rr = new Map<string, number>();
  #events: BusEvents;
  #requests = new Set<(err: Error) => void>();

  constructor(opts: MemoryBusOptions = {}) {
    this.maxPayload = opts.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.#events = new BusEvents(opts.onError);
  }

  /** Always `connected` until closed: there is no connection to lose. */
  get state(): BusState {
    return this.#closed ? 'closed' : 'connected';
  }

  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    this.#publish(subject, data, headers, undefined);
  }

  subscribe(subject: string, callback: BusCallback, opts: SubscribeOptions = {}): BusSubscription {
    this.#assertOpen();
    assertSubscribeSubject(subject);
    assertCallback(callback);
    if (opts.queue !== undefined && !/^[^\s]+$/.test(opts.queue)) {
      throw new TypeError(`invalid queue group ${JSON.stringify(opts.queue)}`);
    }
    const sub: Sub = { pattern: subject, queue: opts.queue, callback, active: true };
    this.#subs.push(sub);
    return {
      unsubscribe: () => {
        if (sub.active) {
          sub.active = false;
          this.#subs = this.#subs.filter((s) => s !== sub);
        }
      },
    };
  }

  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMsg> {
    const replies = await this.#request(subject, data, opts.timeoutMs, 1, opts.headers, true);
    return replies[0] as BusMsg;
  }

  async requestMany(
    subject: string,
    data: Uint8Array,
    opts: RequestManyOptions,
  ): Promise<BusMsg[]> {
    return this.#request(subject, data, opts.timeoutMs, opts.maxReplies, opts.headers, false);
  }

  async flush(): Promise<void> {
    this.#assertOpen();
    // Deliveries are batched on setImmediate, which runs callbacks in FIFO order, so this one
    // fires after every batch scheduled before it.
    await new Promise((resolve) => setImmediate(resolve));
  }

  onStatus(listener: (event: BusStatusEvent) => void): () => void {
    return this.#events.on(listener);
  }

  async drain(): Promise<void> {
    // Deliveries can publish more; a bounded number of rounds keeps a ping-pong pair of
    // subscribers from holding the drain open forever.
    for (let round = 0; round < 100 && this.#pending.length > 0 && !this.#closed; round++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.close();
  }

  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    for (const sub of this.#subs) {
      sub.active = false;
    }
    this.#subs = [];
    this.#pending = [];
    for (const reject of [...this.#requests]) {
      reject(new BusClosedError());
    }
    this.#events.emit({ type: 'closed' });
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new BusClosedError();
    }
  }

  /** Publishes and returns how many subscriptions it was matched to. */
  #publish(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders | undefined,
    reply: string | undefined,
  ): number {
    this.#assertOpen();
    assertOutgoing(subject, headers);
    if (!(data instanceof Uint8Array)) {
      throw new TypeError('data must be a Uint8Array');
    }
    if (data.byteLength + encodedHeaderSize(headers) > this.maxPayload) {
      throw new TypeError(`payload exceeds max_payload of ${this.maxPayload} bytes`);
    }
    const targets = this.#match(subject);
    if (targets.length === 0) {
      return 0;
    }
    // One copy decouples the message from the caller's buffer (delivery happens later); the
    // subscribers share it, which is why BusMsg.data is documented as read-only.
    const copy = new Uint8Array(data);
    const hdrs = Object.freeze({ ...(headers ?? {}) });
    for (const sub of targets) {
      this.#pending.push({ sub, msg: this.#msg(subject, copy, hdrs, reply) });
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#dispatch());
    }
    return targets.length;
  }

  #match(subject: string): Sub[] {
    const out: Sub[] = [];
    const groups = new Map<string, Sub[]>();
    for (const sub of this.#subs) {
      if (!subjectMatches(sub.pattern, subject)) {
        continue;
      }
      if (sub.queue === undefined) {
        out.push(sub);
      } else {
        const members = groups.get(sub.queue) ?? [];
        members.push(sub);
        groups.set(sub.queue, members);
      }
    }
    // Queue members take turns, so load spreads evenly and tests stay deterministic.
    for (const [queue, members] of groups) {
      const turn = this.#rr.get(queue) ?? 0;
      this.#rr.set(queue, turn + 1);
      out.push(members[turn % members.length] as Sub);
    }
    return out;
  }

  #msg(subject: string, data: Uint8Array, headers: BusHeaders, reply: string | undefined): BusMsg {
    return {
      subject,
      data,
      headers,
      ...(reply === undefined ? {} : { reply }),
      respond: (body: Uint8Array, hdrs?: BusHeaders): boolean => {
        if (reply === undefined || this.#closed) {
          return false;
        }
        this.#publish(reply, body, hdrs, undefined);
        return true;
      },
    };
  }

  #dispatch(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    for (const { sub, msg } of batch) {
      if (!sub.active) {
        continue;
      }
      try {
        sub.callback(msg);
      } catch (err) {
        this.#events.report(err, msg.subject);
      }
    }
  }

  async #request(
    subject: string,
    data: Uint8Array,
    timeoutMs: number,
    maxReplies: number | undefined,
    headers: BusHeaders | undefined,
    one: boolean,
  ): Promise<BusMsg[]> {
    assertTimeout(timeoutMs);
    return new Promise<BusMsg[]>((resolve, reject) => {
      const replies: BusMsg[] = [];
      let inbox: BusSubscription | undefined;
      const finish = (err?: Error): void => {
        clearTimeout(timer);
        inbox?.unsubscribe();
        this.#requests.delete(finish);
        if (err) {
          reject(err);
        } else {
          resolve(replies);
        }
      };
      const timer = setTimeout(() => {
        finish(one ? new BusTimeoutError(subject, timeoutMs) : undefined);
      }, timeoutMs);
      try {
        const replyTo = `${INBOX}.${randomUUID().replaceAll('-', '')}`;
        inbox = this.subscribe(replyTo, (msg) => {
          replies.push(msg);
          if (one || (maxReplies !== undefined && replies.length >= maxReplies)) {
            finish();
          }
        });
        this.#requests.add(finish);
        if (this.#publish(subject, data, headers, replyTo) === 0) {
          finish(one ? new NoRespondersError(subject) : undefined);
        }
      } catch (err) {
        finish(err as Error);
      }
    });
  }
}
