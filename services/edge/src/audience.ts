/**
 * The listeners of this edge: accepting a listener request (limits, the Icecast header block,
 * the burst start), and the bookkeeping every listener's end needs (metrics, events, counts).
 * Nothing here waits on Redis; limits use the cached cluster counts.
 */
import { performance } from 'node:perf_hooks';
import { randomInt } from 'node:crypto';
import type { Socket } from 'node:net';
import type { ClientInfo } from '@penguincast/bus';
import {
  IcyFramer,
  codecFromContentType,
  listenerResponse,
  type ParsedHead,
} from '@penguincast/icy';
import { endThenDestroy } from '@penguincast/runtime';
import type { Logger } from 'pino';
import type { EdgeConfig } from './config.js';
import type { ClusterCounters } from './counters.js';
import type { EventPublisher } from './events.js';
import { iceHeadersFor } from './ice-headers.js';
import type { Intro } from './intro.js';
import { Listener, type EndReason, type ListenerHooks, type ListenerInfo } from './listener.js';
import type { EdgeMetrics } from './metrics.js';
import type { Mount } from './mount.js';
import type { MountTable } from './mount-table.js';
import { connectionLimitReply, maxListenersReply, notFoundReply } from './replies.js';

/** Options of {@link Audience}. */
export interface AudienceOptions {
  settings: EdgeConfig;
  table: MountTable;
  counters: ClusterCounters;
  metrics: EdgeMetrics;
  events: EventPublisher;
  /** Intros by mount name, filled when the edge starts. */
  intros: ReadonlyMap<string, Intro>;
  log: Logger;
  /** The clock in milliseconds. */
  now: () => number;
}

/** The request line as access.log shows it: no query string (it may hold credentials). */
export function requestLineOf(head: ParsedHead): string {
  const q = head.target.indexOf('?');
  return `${head.method} ${q === -1 ? head.target : head.target.slice(0, q)} ${head.version}`;
}

/** This edge's listeners. */
export class Audience {
  #byId = new Map<string, Listener>();
  #accepted = new WeakMap<Listener, number>();
  // Ids are numbers (Icecast's killclient takes one), unique across edges: a random high part
  // per edge process and a counter below 2^32.
  readonly #idBase = randomInt(1, 2 ** 20) * 2 ** 32;
  #nextId = 1;
  #bytesTotal = 0;
  #slowDropsTotal = 0;
  readonly #hooks: ListenerHooks;
  /** Mounts whose intro did not match the stream, warned about once each. */
  readonly #introMismatch = new Set<string>();

  constructor(private readonly opts: AudienceOptions) {
    this.#hooks = {
      onFirstByte: (l) => {
        const started = this.#accepted.get(l) ?? performance.now();
        const seconds = (performance.now() - started) / 1000;
        opts.metrics.timeToFirstByte.observe({ mount: l.source.name }, seconds);
      },
      onBytes: (l, n) => {
        this.#bytesTotal += n;
        opts.metrics.bytesSent.inc({ mount: l.source.name }, n);
      },
      onSlowDrop: (l) => {
        this.#slowDropsTotal += 1;
        opts.metrics.slowDrops.inc({ mount: l.source.name });
      },
      onClosed: (l, reason) => this.#closed(l, reason),
    };
  }

  /** Listeners on this edge, on one mount or on all. */
  count(mount?: string): number {
    if (mount === undefined) {
      return this.#byId.size;
    }
    return this.opts.table.get(mount)?.listeners.size ?? 0;
  }

  /** Bytes written to listeners since this edge started, metadata included. */
  get bytesSentTotal(): number {
    return this.#bytesTotal;
  }

  /** Listeners dropped for being slow since this edge started. */
  get slowDropsTotal(): number {
    return this.#slowDropsTotal;
  }

  /**
   * Serves a GET or HEAD for `head.path`. Resolves false when the path is not a mount, so the
   * caller hands the request to the admin service; true when it was answered here.
   */
  async serve(
    socket: Socket,
    head: ParsedHead,
    ip: string,
    acceptedAt = performance.now(),
  ): Promise<boolean> {
    const res = await this.opts.table.resolve(head.path);
    if (res.kind === 'not-a-mount') {
      return false;
    }
    if (socket.destroyed) {
      return true;
    }
    const base = {
      mount: head.path,
      ip,
      request: requestLineOf(head),
      bytes: 0,
      seconds: 0,
      ...optional('userAgent', head.headers.get('user-agent')),
      ...optional('referer', head.headers.get('referer')),
    };
    const refuse = (status: number, reply: Buffer): true => {
      endThenDestroy(socket, reply);
      this.opts.events.publish({ ...base, action: 'disconnect', id: this.#newId(), status });
      return true;
    };
    if (res.kind === 'no-source') {
      return refuse(404, notFoundReply());
    }
    const mount = res.mount;
    const isHead = head.method === 'HEAD';
    if (!isHead) {
      const { counters, settings } = this.opts;
      if (counters.clusterTotal(this.#byId.size) >= settings.maxClients) {
        return refuse(403, connectionLimitReply());
      }
      const max = mount.settings.maxListeners;
      if (max !== undefined && counters.clusterMount(mount.name, mount.listeners.size) >= max) {
        return refuse(403, maxListenersReply());
      }
    }
    const wantsMeta = head.headers.get('icy-metadata')?.trim() === '1';
    const reply = listenerResponse({
      source: {
        contentType: mount.contentType,
        iceHeaders: iceHeadersFor(mount.announcement?.info, mount.settings.ice),
      },
      serverName: this.opts.settings.serverName,
      ...(wantsMeta ? { metaint: mount.settings.metaint } : {}),
      cors: { allowOrigin: this.opts.settings.corsOrigin },
    });
    if (isHead) {
      endThenDestroy(socket, reply);
      return true;
    }
    socket.write(reply);
    this.#attach(socket, head, base, mount, wantsMeta, acceptedAt);
    return true;
  }

  /** Ends the listener `id` if it is on `mount` (or came for it); returns whether it was here. */
  kill(mount: string, id: string): boolean {
    const listener = this.#byId.get(id);
    if (
      listener === undefined ||
      (listener.source.name !== mount && listener.info.home !== mount)
    ) {
      return false;
    }
    listener.drop('killed');
    return true;
  }

  /** The listeners on `mount`, as `list-clients` reports them. */
  list(mount: string): ClientInfo[] {
    const now = this.opts.now();
    return [...(this.opts.table.get(mount)?.listeners ?? [])].map((l) => ({
      id: l.info.id,
      ip: l.info.ip,
      connectedSeconds: Math.floor((now - l.info.acceptedAtMs) / 1000),
      bytes: l.bytesSent,
      lagBytes: Math.max(0, l.lag),
      ...optional('userAgent', l.info.userAgent),
      ...optional('referer', l.info.referer),
    }));
  }

  #attach(
    socket: Socket,
    head: ParsedHead,
    base: { ip: string; request: string; userAgent?: string; referer?: string },
    mount: Mount,
    wantsMeta: boolean,
    acceptedAt: number,
  ): void {
    const info: ListenerInfo = {
      ...base,
      id: this.#newId(),
      home: head.path,
      acceptedAtMs: this.opts.now(),
    };
    const framer = wantsMeta
      ? new IcyFramer({ metaint: mount.settings.metaint, charset: mount.settings.charset })
      : undefined;
    const log = this.opts.log.child({ mount: mount.name, listenerId: info.id });
    const start = { ...mount.startPoint(), ...this.#introFor(head.path, mount) };
    const listener = new Listener(info, socket, mount, start, framer, this.#hooks, {
      maxBytesPerTurn: this.opts.settings.maxBytesPerTurn,
      now: this.opts.now,
      log,
    });
    this.#accepted.set(listener, acceptedAt);
    this.#byId.set(info.id, listener);
    mount.listeners.add(listener);
    this.opts.metrics.connects.inc({ mount: mount.name });
    this.opts.events.publish({
      ...base,
      mount: mount.name,
      action: 'connect',
      id: info.id,
      status: 200,
      bytes: 0,
      seconds: 0,
    });
    log.debug({ ip: info.ip }, 'listener connected');
    // The burst goes out at once rather than waiting for the next chunk.
    listener.pump();
  }

  /** `{ intro }` of the mount asked for, when it has one in the codec being served. */
  #introFor(requested: string, serving: Mount): { intro?: Uint8Array } {
    const intro = this.opts.intros.get(requested);
    if (intro === undefined) {
      return {};
    }
    if (intro.codec !== codecFromContentType(serving.contentType)) {
      if (!this.#introMismatch.has(requested)) {
        this.#introMismatch.add(requested);
        this.opts.log.warn(
          { mount: requested, intro: intro.codec, stream: serving.contentType },
          'intro codec differs from the stream; sending none',
        );
      }
      return {};
    }
    return { intro: intro.data };
  }

  #closed(listener: Listener, reason: EndReason): void {
    this.#byId.delete(listener.info.id);
    this.opts.table.get(listener.source.name)?.listeners.delete(listener);
    const seconds = Math.round((this.opts.now() - listener.info.acceptedAtMs) / 1000);
    this.opts.events.publish({
      mount: listener.source.name,
      ip: listener.info.ip,
      request: listener.info.request,
      action: 'disconnect',
      id: listener.info.id,
      status: 200,
      bytes: listener.bytesSent,
      seconds,
      ...optional('userAgent', listener.info.userAgent),
      ...optional('referer', listener.info.referer),
    });
    if (reason !== 'client') {
      this.opts.log.debug({ listenerId: listener.info.id, reason }, 'listener ended');
    }
  }

  #newId(): string {
    return String(this.#idBase + this.#nextId++);
  }
}

/** `{ [key]: value }` when the value is set, `{}` otherwise (keeps optional fields absent). */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
