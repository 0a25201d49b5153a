/**
 * One live source session: its connection lifecycle. It frames the bytes it is fed, keeps the
 * lease renewed and the dump file written, and ends once (transport closed, lease released);
 * what the cluster hears about it goes through its `MountPublisher`. It never awaits Redis in
 * the data path and never writes to a listener.
 */
import type { TitleEntry } from '@penguincast/bus';
import { createFrameSplitter, type FrameSplitter, type SplitResult } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { DumpFile } from './dump-file.js';
import { forgetMountSeries, type IngestMetrics } from './metrics.js';
import { MountPublisher, type PublisherDeps } from './publish/publisher.js';
import type { SessionInit, SourceKind } from './session-init.js';

export type { SessionInit, SourceKind } from './session-init.js';

/** The table of live sessions a session registers itself in while it runs. */
export interface SessionRegistry {
  /** Registers a session that now holds its mount. */
  add(session: SourceSession): void;
  /** Forgets a session, if it is still the one registered for its mount. */
  remove(session: SourceSession): void;
  /** The live session of `mount`, if any. */
  get(mount: string): SourceSession | undefined;
}

/** What a session needs from its app: its publisher's needs and its own. */
export interface SessionDeps extends PublisherDeps {
  /** The ingest metrics (live sources, connects, bytes in; unlisted mounts' series removed). */
  metrics: IngestMetrics;
  /** The sessions live on this instance. */
  sessions: SessionRegistry;
  /** Running totals of this instance, for its heartbeat figures. */
  totals: { bytesIn: number };
}

/** Creates a session for an admitted source (the composition root binds its dependencies). */
export type OpenSession = (init: SessionInit) => SourceSession;

/** A live source session. */
export class SourceSession {
  readonly id: string;
  readonly mount: string;
  readonly ip: string;
  readonly owner: string;
  readonly startedAtMs: number;
  /** When the last byte arrived, in milliseconds since the epoch (for takeover decisions). */
  lastDataMs: number;
  /** Bytes read from the source so far, before framing. */
  bytesRead = 0;
  readonly #deps: SessionDeps;
  readonly #init: SessionInit;
  readonly #log: Logger;
  readonly #splitter: FrameSplitter;
  readonly #publisher: MountPublisher;
  readonly #bytesIn: Counter.Internal;
  readonly #dump: DumpFile | undefined;
  #skipped = 0;
  #skipLogged = false;
  #ending: Promise<void> | undefined;

  constructor(deps: SessionDeps, init: SessionInit) {
    this.#deps = deps;
    this.#init = init;
    this.id = init.id;
    this.mount = init.mount;
    this.ip = init.ip;
    this.owner = init.lease.owner;
    this.startedAtMs = deps.now();
    this.lastDataMs = this.startedAtMs;
    this.#log = deps.log.child({ mount: init.mount, session: init.id });
    this.#splitter = createFrameSplitter(init.contentType);
    this.#publisher = new MountPublisher(deps, {
      mount: init.mount,
      id: init.id,
      ip: init.ip,
      contentType: init.contentType,
      info: init.info,
      request: init.request,
      user: init.user,
      userAgent: init.userAgent,
      kind: this.kind,
      startedAtMs: this.startedAtMs,
      log: this.#log,
      counters: () => ({ bytesRead: this.bytesRead, lastDataMs: this.lastDataMs }),
    });
    this.#bytesIn = deps.metrics.bytesIn.labels(init.mount);
    const dumpFile = deps.settings.mounts.get(init.mount)?.dumpFile;
    this.#dump = dumpFile === undefined ? undefined : new DumpFile(dumpFile, this.#log);
  }

  /** The logger bound to this session's mount and id. */
  get log(): Logger {
    return this.#log;
  }

  /** Stream position of the next byte to be published. */
  get position(): number {
    return this.#publisher.position;
  }

  /** The title on air now, or null. */
  get title(): TitleEntry | null {
    return this.#publisher.title;
  }

  /** True for a SHOUTcast v1 source. */
  get shoutcast(): boolean {
    return this.#init.shoutcast === true;
  }

  /** What feeds the session. */
  get kind(): SourceKind {
    return this.#init.kind ?? 'source';
  }

  /** Whether the session has ended. */
  get ended(): boolean {
    return this.#ending !== undefined;
  }

  /** Registers the session, announces it and starts its heartbeats. Call once, after the 200. */
  start(): void {
    const { sessions, metrics } = this.#deps;
    sessions.add(this);
    metrics.sources.labels(this.mount).inc();
    metrics.connects.labels(this.mount).inc();
    this.#publisher.start();
    this.#init.lease.startRenewing(() => {
      this.#log.warn('mount lease taken by another source; ending this one');
      this.kill('lease-lost');
    });
    this.#log.info(
      { ip: this.ip, contentType: this.#init.contentType, userAgent: this.#init.userAgent },
      'source connected',
    );
  }

  /** Takes the next bytes of the stream. A stream the splitter cannot take ends the session. */
  feed(bytes: Uint8Array): void {
    if (this.ended || bytes.length === 0) {
      return;
    }
    this.lastDataMs = this.#deps.now();
    this.bytesRead += bytes.length;
    this.#deps.totals.bytesIn += bytes.length;
    this.#bytesIn.inc(bytes.length);
    let result: SplitResult;
    try {
      result = this.#splitter.push(bytes);
    } catch (err) {
      this.#log.error({ err }, 'frame splitter failed; dropping the source');
      this.kill('bad-stream');
      return;
    }
    this.#publish(result);
  }

  /** Sets the title from now on (position = next byte to be published) and publishes it. */
  setTitle(title: string, url: string | undefined, charset: string, origin: string): void {
    const position = this.#publisher.position;
    this.#publisher.publishTitle({ position, title, charset, ...(url ? { url } : {}) }, origin);
  }

  /**
   * Sets a title carried inside the stream itself (a relay's ICY metadata), in force from the
   * next byte fed: the bytes the splitter still holds come before it, so its position is the
   * publish cursor plus those.
   */
  setStreamTitle(title: string, url: string | undefined, origin: string): void {
    if (this.ended) {
      return;
    }
    const position = this.#publisher.position + this.#splitter.pendingBytes;
    this.#publisher.publishTitle(
      { position, title, charset: 'UTF-8', ...(url ? { url } : {}) },
      origin,
    );
  }

  /** Ends the session from this side: closes the transport, then finishes. */
  kill(reason: string): Promise<void> {
    this.#init.closeTransport();
    return this.finish(reason);
  }

  /**
   * Ends the session (idempotent): publishes what the splitter still holds, announces `down`,
   * records the disconnect, and frees the lease and mount info. Resolves once Redis answered.
   */
  finish(reason: string): Promise<void> {
    if (this.#ending !== undefined) {
      return this.#ending;
    }
    const { sessions, metrics, settings, now } = this.#deps;
    this.#ending = Promise.resolve();
    this.#publisher.stop();
    try {
      this.#publish(this.#splitter.flush());
    } catch (err) {
      this.#log.warn({ err }, 'frame splitter failed at the end of the stream');
    }
    sessions.remove(this);
    metrics.sources.labels(this.mount).dec();
    if (!settings.mounts.has(this.mount) && sessions.get(this.mount) === undefined) {
      forgetMountSeries(metrics, this.mount);
    }
    this.#dump?.close();
    this.#publisher.end(reason);
    const seconds = Math.round((now() - this.startedAtMs) / 1000);
    this.#log.info(
      { reason, bytes: this.bytesRead, published: this.position, skipped: this.#skipped, seconds },
      'source disconnected',
    );
    this.#ending = this.#init.lease.release().then(async (freed) => {
      // Only the holder removes the mount info; after a takeover it belongs to the new source.
      if (freed) {
        await this.#publisher.removeInfo();
      }
    });
    const onFinish = this.#init.onFinish;
    if (onFinish !== undefined) {
      // After the lease is released, so a relay retrying at once can take the mount again.
      void this.#ending.then(() => onFinish(reason));
    }
    return this.#ending;
  }

  #publish(result: SplitResult): void {
    if (result.skippedBytes > 0) {
      this.#skipped += result.skippedBytes;
      if (!this.#skipLogged) {
        // Once per session: a source that sends junk tends to keep sending it.
        this.#skipLogged = true;
        this.#log.warn(
          { skipped: result.skippedBytes },
          'skipping bytes that are not whole frames',
        );
      }
    }
    this.#publisher.publish(result, this.#splitter.headerPages);
    this.#dump?.write(result.data);
  }
}
