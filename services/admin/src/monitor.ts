/**
 * The live monitor's data: every service's heartbeat (CPU, memory, its figures) and a sample of
 * the station taken on a timer (listeners per mount, sources, bandwidth out, slow-listener drops),
 * pushed to every connected page over server-sent events. Bus callbacks only record; sampling
 * reads the state store off the bus path. It never holds audio.
 */
import type { ServerResponse } from 'node:http';
import {
  HEARTBEAT_FIGURES,
  InstanceTable,
  decodeServiceHeartbeat,
  figureRate,
  type Bus,
  type BusSubscription,
  type InstanceState,
  type ServiceHeartbeat,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import { safeJson } from './escape.js';
import type { StationView } from './station-view.js';
import { visibleMounts } from './status-json.js';

/** One running process as the monitor shows it. */
export interface ServiceStatus {
  service: string;
  instanceId: string;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  uptimeSeconds: number;
  /** Bytes per second sent to listeners (edges), from its last two heartbeats. */
  bytesOutPerSecond: number;
  figures: Record<string, number>;
}

/** One sample pushed to monitor pages. */
export interface MonitorSample {
  /** Milliseconds since the epoch. */
  t: number;
  /** Listeners per public live mount. */
  mounts: Record<string, number>;
  listeners: number;
  sources: number;
  /** Bytes per second sent to listeners by every edge. */
  bytesOutPerSecond: number;
  /** Listeners dropped for being slow, over every edge since each started. */
  slowListenerDrops: number;
  services: ServiceStatus[];
}

/** Options of {@link Monitor}. */
export interface MonitorOptions {
  bus: Bus;
  subjects: Subjects;
  view: StationView;
  log: Logger;
  /** Milliseconds between samples (and pushes). */
  intervalMs: number;
  /** Samples kept for a page that connects. */
  history: number;
  /** Pages connected at most. */
  maxClients: number;
  /** The clock; `Date.now` by default. */
  now?: () => number;
}

/** Collects heartbeats and samples, and serves the event stream. */
export class Monitor {
  readonly #o: MonitorOptions;
  readonly #now: () => number;
  readonly #instances = new InstanceTable();
  /** Bytes per second out of each instance state, from the heartbeat before it. */
  readonly #rates = new WeakMap<InstanceState, number>();
  readonly #clients = new Set<ServerResponse>();
  readonly #history: MonitorSample[] = [];
  #sub: BusSubscription | undefined;
  #timer: NodeJS.Timeout | undefined;
  #sampling = false;
  #failing = false;
  #ticks = 0;

  constructor(opts: MonitorOptions) {
    this.#o = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Subscribes to heartbeats and starts sampling. */
  start(): void {
    this.#sub = this.#o.bus.subscribe(this.#o.subjects.heartbeat(), (msg) => {
      try {
        this.#onBeat(decodeServiceHeartbeat(msg.data));
      } catch (err) {
        this.#o.log.debug({ err }, 'undecodable heartbeat ignored');
      }
    });
    this.#timer = setInterval(() => {
      // Unwatched, the history still grows, at a quarter of the rate, to spare the state store.
      if (this.#clients.size > 0 || this.#ticks++ % 4 === 0) {
        void this.#sample();
      }
    }, this.#o.intervalMs);
    this.#timer.unref();
    void this.#sample();
  }

  /** Stops sampling and ends every page's stream. */
  stop(): void {
    clearInterval(this.#timer);
    this.#sub?.unsubscribe();
    for (const res of this.#clients) {
      res.end();
    }
    this.#clients.clear();
  }

  /** Pages connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** True when another page may connect. */
  get hasRoom(): boolean {
    return this.#clients.size < this.#o.maxClients;
  }

  /**
   * Takes over `res` as an event stream: the kept history at once, then every sample. The
   * caller has already checked `hasRoom`.
   */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-store',
      // Stops buffering proxies (nginx) from holding the stream back.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: 2000\nevent: history\ndata: ${safeJson(this.#history)}\n\n`);
    this.#clients.add(res);
    res.socket?.setNoDelay(true);
    res.on('close', () => this.#clients.delete(res));
  }

  /** The running services, newest heartbeat first dropped after three missed intervals. */
  services(): ServiceStatus[] {
    this.#instances.expire(this.#now());
    return this.#instances.list().map((inst) => ({
      service: inst.service,
      instanceId: inst.instanceId,
      cpuPercent: inst.cpuPercent,
      rssBytes: inst.rssBytes,
      heapUsedBytes: inst.heapUsedBytes,
      uptimeSeconds: Math.floor(inst.uptimeSeconds),
      bytesOutPerSecond: this.#rates.get(inst) ?? 0,
      figures: { ...inst.figures },
    }));
  }

  #onBeat(beat: ServiceHeartbeat): void {
    const outcome = this.#instances.record(beat, this.#now());
    if (outcome.kind === 'live') {
      // Without two comparable heartbeats the last known rate stands.
      const { instance, previous } = outcome;
      const rate = figureRate(previous, beat, HEARTBEAT_FIGURES.bytesSent);
      this.#rates.set(instance, rate ?? (previous ? this.#rates.get(previous) : undefined) ?? 0);
    }
  }

  async #sample(): Promise<void> {
    // A slow state store must not pile up reads: one sample at a time.
    if (this.#sampling) {
      return;
    }
    this.#sampling = true;
    try {
      const snap = await this.#o.view.snapshot(0);
      const services = this.services();
      const mounts: Record<string, number> = {};
      for (const m of visibleMounts(snap)) {
        mounts[m.name] = m.listeners;
      }
      const sum = (figure: string): number =>
        services.reduce((n, s) => n + (s.figures[figure] ?? 0), 0);
      const sample: MonitorSample = {
        t: snap.atMs,
        mounts,
        listeners: snap.listeners,
        sources: Object.keys(mounts).length,
        bytesOutPerSecond: services.reduce((n, s) => n + s.bytesOutPerSecond, 0),
        slowListenerDrops: sum(HEARTBEAT_FIGURES.slowListenerDrops),
        services,
      };
      this.#history.push(sample);
      if (this.#history.length > this.#o.history) {
        this.#history.splice(0, this.#history.length - this.#o.history);
      }
      const frame = `event: sample\ndata: ${safeJson(sample)}\n\n`;
      for (const res of this.#clients) {
        res.write(frame);
      }
      this.#failing = false;
    } catch (err) {
      if (!this.#failing) {
        this.#failing = true;
        this.#o.log.warn({ err }, 'monitor cannot read the station state');
      }
    } finally {
      this.#sampling = false;
    }
  }
}
