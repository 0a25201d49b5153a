/**
 * Every mount this edge knows: the wildcard subscriptions that keep each mount's ring warm, the
 * burst requests that fill a cold mount, on-demand relays summoned for a first listener, and the
 * close cascade (source gone, then the fallbacks move or end its listeners). Bus callbacks only
 * decode and hand over; they never await, and no listener ever waits on the state store.
 */
import {
  decodeAudioChunk,
  decodeBurstReply,
  decodeSourceAnnouncement,
  decodeTitleChange,
  encodeBurstRequest,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type BurstReply,
  type SourceAnnouncement,
  type Subjects,
} from '@penguincast/bus';
import { isReservedMountName, isValidMountName } from '@penguincast/icy';
import type { Logger } from 'pino';
import { requestOrNothing } from './bus-request.js';
import { mountSettings, type EdgeConfig } from './config.js';
import { Fallbacks } from './fallbacks.js';
import type { EdgeMetrics } from './metrics.js';
import { Mount } from './mount.js';
import { RelayDemands } from './relay-demand.js';

/** What a listener request resolves to. */
export type Resolution =
  { kind: 'mount'; mount: Mount } | { kind: 'no-source' } | { kind: 'not-a-mount' };

/** Options of {@link MountTable}. */
export interface MountTableOptions {
  settings: EdgeConfig;
  bus: Bus;
  subjects: Subjects;
  instanceId: string;
  metrics: EdgeMetrics;
  log: Logger;
  /** The clock in milliseconds. */
  now: () => number;
}

/** The mounts of this edge. */
export class MountTable {
  #mounts = new Map<string, Mount>();
  #subs: BusSubscription[] = [];
  #inflight = new Map<string, Promise<boolean>>();
  #warned = new Set<string>();
  /** Where listeners of a mount without a source go, and the moves between mounts. */
  readonly fallbacks: Fallbacks;
  readonly #demand: RelayDemands;
  readonly #log: Logger;

  constructor(private readonly opts: MountTableOptions) {
    this.#log = opts.log.child({ component: 'mounts' });
    this.#demand = new RelayDemands({ ...opts, mounts: this.#mounts });
    this.fallbacks = new Fallbacks({
      settings: opts.settings,
      mounts: this.#mounts,
      log: this.#log,
      now: opts.now,
    });
  }

  /** Subscribes to every mount's announcements, audio and titles. */
  start(): void {
    const { bus, subjects } = this.opts;
    this.#subs.push(
      bus.subscribe(subjects.allSource(), (m) => this.#onSource(m)),
      bus.subscribe(subjects.allAudio(), (m) => this.#onAudio(m)),
      bus.subscribe(subjects.allMeta(), (m) => this.#onMeta(m)),
    );
  }

  /** Unsubscribes and ends every listener. */
  stop(): void {
    for (const sub of this.#subs.splice(0)) {
      sub.unsubscribe();
    }
    for (const mount of this.#mounts.values()) {
      mount.endAll('shutdown');
      mount.dispose();
    }
  }

  /** The mount called `name`, if this edge knows it. */
  get(name: string): Mount | undefined {
    return this.#mounts.get(name);
  }

  /** Every known mount. */
  all(): IterableIterator<Mount> {
    return this.#mounts.values();
  }

  /**
   * Listener count per mount that exists: configured, live or with listeners (zero included).
   * A mount only being asked about (a burst request in flight) is left out.
   */
  counts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, mount] of this.#mounts) {
      if (mount.settings.configured || mount.live || mount.listeners.size > 0) {
        out.set(name, mount.listeners.size);
      }
    }
    return out;
  }

  /**
   * Finds what serves a listener asking for `path`: `not-a-mount` for the server's own pages
   * (checked first, so no source can take one over), a live mount (its burst fetched first when
   * this edge lacks it), a fallback, `no-source` for a configured mount without one, or
   * `not-a-mount` so the request goes to the admin service.
   */
  async resolve(path: string): Promise<Resolution> {
    if (isReservedMountName(path)) {
      // Pages first: ingest refuses such mounts, and even one announced some other way (an old
      // ingest, a bus shared with another station) must not take a page over. They cost no
      // burst request either.
      return { kind: 'not-a-mount' };
    }
    const known = this.#mounts.get(path);
    if (known?.acceptsListeners(this.opts.now()) && !known.needsBurst()) {
      return { kind: 'mount', mount: known };
    }
    if (isValidMountName(path)) {
      // Not live as far as this edge knows, or cold: the owning ingest answers if it has it.
      await this.ensureSeeded(path);
      const mount = this.#mounts.get(path);
      if (mount?.acceptsListeners(this.opts.now())) {
        return { kind: 'mount', mount };
      }
      if (this.#demand.isOnDemand(path) && (await this.#demand.summon(path))) {
        const started = this.#mounts.get(path);
        if (started?.acceptsListeners(this.opts.now())) {
          return { kind: 'mount', mount: started };
        }
      }
    }
    const configured = this.opts.settings.mounts.get(path);
    if (configured === undefined && this.fallbacks.runtime(path) === undefined) {
      return known?.inGrace ? { kind: 'no-source' } : { kind: 'not-a-mount' };
    }
    const fallback = this.fallbacks.liveFallbackOf(path);
    return fallback ? { kind: 'mount', mount: fallback } : { kind: 'no-source' };
  }

  /**
   * Asks the owning ingest for `path`'s burst unless one request is already running; resolves
   * true when a reply came. Live chunks arriving meanwhile are held and applied after it.
   */
  ensureSeeded(path: string): Promise<boolean> {
    let running = this.#inflight.get(path);
    if (running === undefined) {
      running = this.#seed(path).finally(() => this.#inflight.delete(path));
      this.#inflight.set(path, running);
    }
    return running;
  }

  /**
   * Periodic checks: idle mounts, listeners stuck without write progress, and the demand that
   * keeps on-demand relays with listeners here running.
   */
  tick(nowMs: number): void {
    const writeTimeout = this.opts.settings.writeTimeoutMs;
    for (const mount of [...this.#mounts.values()]) {
      mount.tick(nowMs);
      for (const listener of [...mount.listeners]) {
        listener.checkStall(nowMs, writeTimeout);
      }
    }
    this.#demand.tick(nowMs);
  }

  async #seed(path: string): Promise<boolean> {
    const mount = this.#mount(path);
    mount.beginSeeding();
    const reply = await this.#requestBurst(path, mount.settings.burstSize);
    if (reply === undefined) {
      mount.seed(undefined);
      this.#forgetIfUnused(mount);
      return false;
    }
    mount.seed(reply, reply.announcement);
    return true;
  }

  #requestBurst(path: string, maxBytes: number): Promise<BurstReply | undefined> {
    const { bus, subjects, settings, instanceId } = this.opts;
    const request = encodeBurstRequest({ mount: path, maxBytes, requester: instanceId });
    return requestOrNothing(bus, subjects.burst(path), request, {
      timeoutMs: settings.burstTimeoutMs,
      decode: decodeBurstReply,
      log: this.#log,
      mount: path,
      failure: 'burst request failed',
    });
  }

  #mount(name: string): Mount {
    let mount = this.#mounts.get(name);
    if (mount === undefined) {
      const { settings } = this.opts;
      mount = new Mount(
        mountSettings(settings, name),
        {
          sourceGraceMs: settings.sourceGraceMs,
          emptyBufferIdleTimeoutMs: settings.emptyBufferIdleTimeoutMs,
          writeIntervalMs: settings.writeIntervalMs,
          now: this.opts.now,
        },
        {
          onSourceGone: (m, reason) => this.#onSourceGone(m, reason),
          onSourceBack: (m) => this.#onSourceBack(m),
        },
        this.#log.child({ mount: name }),
      );
      this.#mounts.set(name, mount);
    }
    return mount;
  }

  /** The close cascade: listeners go to a live fallback or are ended; the audio is dropped. */
  #onSourceGone(mount: Mount, reason: 'source-gone' | 'idle'): void {
    this.fallbacks.sourceGone(mount, reason);
    mount.forgetAudio();
    this.#forgetIfUnused(mount);
  }

  /** A session's first audio: wake held listeners; fallback override brings others back. */
  #onSourceBack(mount: Mount): void {
    this.#demand.sessionStarted(mount.name);
    this.fallbacks.sourceBack(mount);
  }

  /** Unlisted mounts without a source or listeners are forgotten with their metric series. */
  #forgetIfUnused(mount: Mount): void {
    if (!mount.settings.configured && !mount.live && mount.listeners.size === 0) {
      mount.dispose();
      this.#mounts.delete(mount.name);
      this.opts.metrics.forget(mount.name);
    }
  }

  #mountOf(msg: BusMsg): string | undefined {
    try {
      const parsed = this.opts.subjects.parse(msg.subject);
      return parsed !== null && 'mount' in parsed ? parsed.mount : undefined;
    } catch (err) {
      this.#warnOnce(msg.subject, err);
      return undefined;
    }
  }

  #onAudio(msg: BusMsg): void {
    const name = this.#mountOf(msg);
    if (name === undefined) {
      return;
    }
    let chunk;
    try {
      chunk = decodeAudioChunk(msg);
    } catch (err) {
      this.#warnOnce(msg.subject, err);
      return;
    }
    if (chunk.timestampMs !== undefined) {
      const seconds = Math.max(0, this.opts.now() - chunk.timestampMs) / 1000;
      this.opts.metrics.ingestLatency.observe({ mount: name }, seconds);
    }
    this.#mount(name).onAudio(chunk);
  }

  #onMeta(msg: BusMsg): void {
    const name = this.#mountOf(msg);
    if (name === undefined) {
      return;
    }
    try {
      this.#mount(name).onTitle(decodeTitleChange(msg.data));
    } catch (err) {
      this.#warnOnce(msg.subject, err);
    }
  }

  #onSource(msg: BusMsg): void {
    const name = this.#mountOf(msg);
    if (name === undefined) {
      return;
    }
    let announcement: SourceAnnouncement;
    try {
      announcement = decodeSourceAnnouncement(msg.data);
    } catch (err) {
      this.#warnOnce(msg.subject, err);
      return;
    }
    const mount = this.#mount(name);
    mount.onAnnouncement(announcement);
    this.#log.info(
      { mount: name, state: announcement.state, session: announcement.session },
      'source announced',
    );
  }

  /** Bad messages are logged once per subject, never per message. */
  #warnOnce(subject: string, err: unknown): void {
    if (!this.#warned.has(subject) && this.#warned.size < 1000) {
      this.#warned.add(subject);
      this.#log.warn({ err, subject }, 'undecodable bus message ignored');
    }
  }
}
