/**
 * Every mount this edge knows: the wildcard subscriptions that keep each mount's ring warm, the
 * burst requests that fill a cold mount, on-demand relays summoned for a first listener, and the
 * close cascade (source gone, then listeners moved to a fallback or ended), with the runtime
 * fallbacks set through the admin kept in memory. Bus callbacks only decode and hand over; they
 * never await, and no listener ever waits on the state store.
 */
import {
  BusClosedError,
  BusTimeoutError,
  NoRespondersError,
  decodeAudioChunk,
  decodeBurstReply,
  decodeSourceAnnouncement,
  decodeTitleChange,
  encodeBurstRequest,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type BurstReply,
  type Keys,
  type SourceAnnouncement,
  type StateStore,
  type Subjects,
} from '@penguincast/bus';
import { isReservedMountName, isValidMountName } from '@penguincast/icy';
import type { Logger } from 'pino';
import { mountSettings, type EdgeConfig } from './config.js';
import type { Listener } from './listener.js';
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
}

/**
 * How many fallback hops are followed before giving up. Config rejects cycles, but runtime
 * fallbacks can make one, so visited mounts are skipped as well.
 */
const MAX_FALLBACK_HOPS = 4;

/** The mounts of this edge. */
export class MountTable {
  #mounts = new Map<string, Mount>();
  #subs: BusSubscription[] = [];
  #inflight = new Map<string, Promise<boolean>>();
  #warned = new Set<string>();
  /** Runtime fallbacks set through `/admin/fallbacks`; they win over the configured ones. */
  #runtimeFallbacks = new Map<string, string>();
  /** Mounts whose runtime fallback a command set, so a slower start-up load cannot undo it. */
  #runtimeSetByCommand = new Set<string>();
  readonly #demand: RelayDemands;
  readonly #log: Logger;

  constructor(private readonly opts: MountTableOptions) {
    this.#log = opts.log.child({ component: 'mounts' });
    this.#demand = new RelayDemands({ ...opts, mounts: this.#mounts });
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

  /**
   * Applies a runtime fallback from a `set-fallback` command: `null` or `''` clears it, and the
   * configured fallback (if any) applies again.
   */
  setRuntimeFallback(mount: string, fallback: string | null): void {
    this.#runtimeSetByCommand.add(mount);
    if (fallback === null || fallback === '' || fallback === mount) {
      this.#runtimeFallbacks.delete(mount);
    } else {
      this.#runtimeFallbacks.set(mount, fallback);
    }
  }

  /** The runtime fallback of `mount`, if one is set. */
  runtimeFallback(mount: string): string | undefined {
    return this.#runtimeFallbacks.get(mount);
  }

  /**
   * Loads the stored runtime fallbacks once, at start, in the background: nothing waits on it,
   * a command that arrived meanwhile wins, and a state-store outage only costs a warning.
   */
  async loadRuntimeFallbacks(state: StateStore, keys: Keys): Promise<void> {
    try {
      const stored = await state.scanKeys(keys.fallbackPrefix());
      const values = await Promise.all(
        stored.map(async (key) => {
          try {
            return [keys.mountFromFallbackKey(key), await state.get(key)] as const;
          } catch (err) {
            this.#log.warn({ err, key }, 'unreadable runtime fallback key ignored');
            return undefined;
          }
        }),
      );
      let loaded = 0;
      for (const entry of values) {
        if (entry === undefined || this.#runtimeSetByCommand.has(entry[0])) {
          continue;
        }
        const [mount, fallback] = entry;
        if (fallback !== null && fallback !== '' && fallback !== mount) {
          this.#runtimeFallbacks.set(mount, fallback);
          loaded++;
        }
      }
      if (loaded > 0) {
        this.#log.info({ loaded }, 'runtime fallbacks loaded');
      }
    } catch (err) {
      this.#log.warn({ err }, 'runtime fallbacks not loaded; configured fallbacks apply');
    }
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
    if (known?.acceptsListeners(Date.now()) && !known.needsBurst()) {
      return { kind: 'mount', mount: known };
    }
    if (isValidMountName(path)) {
      // Not live as far as this edge knows, or cold: the owning ingest answers if it has it.
      await this.ensureSeeded(path);
      const mount = this.#mounts.get(path);
      if (mount?.acceptsListeners(Date.now())) {
        return { kind: 'mount', mount };
      }
      if (this.#demand.isOnDemand(path) && (await this.#demand.summon(path))) {
        const started = this.#mounts.get(path);
        if (started?.acceptsListeners(Date.now())) {
          return { kind: 'mount', mount: started };
        }
      }
    }
    const configured = this.opts.settings.mounts.get(path);
    if (configured === undefined && !this.#runtimeFallbacks.has(path)) {
      return known?.inGrace ? { kind: 'no-source' } : { kind: 'not-a-mount' };
    }
    const fallback = this.#fallbackOf(path);
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

  /** Moves every listener of `from` to `to`'s live edge; returns how many moved. */
  moveAll(from: Mount, to: Mount): number {
    if (from === to) {
      return 0;
    }
    const moving = [...from.listeners];
    for (const listener of moving) {
      this.moveListener(listener, to);
    }
    return moving.length;
  }

  /** Moves one listener to `to`, starting on a frame boundary near its newest audio. */
  moveListener(listener: Listener, to: Mount): void {
    this.#mounts.get(listener.source.name)?.listeners.delete(listener);
    to.listeners.add(listener);
    listener.place(to, to.liveStartPoint());
    to.schedule();
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

  async #requestBurst(path: string, maxBytes: number): Promise<BurstReply | undefined> {
    const { bus, subjects, settings, instanceId } = this.opts;
    try {
      const request = encodeBurstRequest({ mount: path, maxBytes, requester: instanceId });
      const msg = await bus.request(subjects.burst(path), request, {
        timeoutMs: settings.burstTimeoutMs,
      });
      return decodeBurstReply(msg.data);
    } catch (err) {
      const expected =
        err instanceof NoRespondersError ||
        err instanceof BusTimeoutError ||
        err instanceof BusClosedError;
      if (!expected) {
        this.#log.warn({ err, mount: path }, 'burst request failed');
      }
      return undefined;
    }
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
    const fallback = this.#fallbackOf(mount.name);
    if (mount.listeners.size > 0) {
      if (fallback !== undefined) {
        const moved = this.moveAll(mount, fallback);
        this.#log.info(
          { mount: mount.name, to: fallback.name, moved },
          'listeners moved to fallback',
        );
      } else {
        this.#log.info(
          { mount: mount.name, listeners: mount.listeners.size, reason },
          'ending listeners',
        );
        mount.endAll(reason);
      }
    }
    mount.forgetAudio();
    this.#forgetIfUnused(mount);
  }

  /** A session's first audio: wake held listeners; fallback override brings others back. */
  #onSourceBack(mount: Mount): void {
    this.#demand.sessionStarted(mount.name);
    if (!mount.settings.fallbackOverride || this.#fallbackNameOf(mount.name) === undefined) {
      return;
    }
    for (const other of this.#mounts.values()) {
      if (other === mount) {
        continue;
      }
      for (const listener of [...other.listeners]) {
        if (listener.info.home === mount.name) {
          this.moveListener(listener, mount);
        }
      }
    }
  }

  /** The fallback in force for `mount`: the runtime one, else the configured one. */
  #fallbackNameOf(mount: string): string | undefined {
    return this.#runtimeFallbacks.get(mount) ?? mountSettings(this.opts.settings, mount).fallback;
  }

  /** The first live mount down `mount`'s fallback chain, never `mount` itself or a repeat. */
  #fallbackOf(mount: string): Mount | undefined {
    const seen = new Set([mount]);
    let name = this.#fallbackNameOf(mount);
    for (let hop = 0; name !== undefined && hop < MAX_FALLBACK_HOPS; hop++) {
      if (seen.has(name)) {
        return undefined;
      }
      seen.add(name);
      const target = this.#mounts.get(name);
      if (target?.acceptsListeners(Date.now())) {
        return target;
      }
      name = this.#fallbackNameOf(name);
    }
    return undefined;
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
      const seconds = Math.max(0, Date.now() - chunk.timestampMs) / 1000;
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
