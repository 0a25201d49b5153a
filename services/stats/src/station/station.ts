/**
 * The station as the stats service sees it: live listener and source connections (from
 * connection events), the mounts that have had a source, and the running instances (from
 * heartbeats). It owns no I/O and no timers; it reports what changes to an observer (the
 * metrics) and answers the questions stat.log and /metrics ask.
 */
import {
  HEARTBEAT_FIGURES,
  InstanceTable,
  type ConnectionEvent,
  type InstanceState,
  type ServiceHeartbeat,
} from '@penguincast/bus';

/** Mount label of listener figures on mounts that never had a source (404s, typos, scans). */
export const MOUNT_OTHER = '(other)';
/** Most mounts given their own label; later ones count as `MOUNT_OTHER`. */
export const DEFAULT_MAX_MOUNTS = 200;
/** Most instances tracked at once, so a buggy publisher cannot grow memory without bound. */
export const MAX_INSTANCES = 1000;

const SERVICE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/** What the station tells its observer (the Prometheus metrics). */
export interface StationObserver {
  /** A mount had its first source; label series can be created for it. */
  mountAdded(mount: string): void;
  /** A listener connected (connect event). `mount` is already a bounded label. */
  listenerConnected(mount: string): void;
  /** A listener's session ended after it was served (status below 400). */
  listenerEnded(mount: string, bytes: number, seconds: number): void;
  /** A source connection ended after `bytes` received. */
  sourceEnded(mount: string, bytes: number): void;
  /** A cumulative heartbeat figure (`*_total`) grew by `delta` on some instance. */
  figureIncreased(name: string, delta: number): void;
  /** An instance left: `lost` when its heartbeats stopped, not when it said it was stopping. */
  instanceGone(instance: InstanceState, lost: boolean, droppedConnections: number): void;
}

interface Live {
  role: 'listener' | 'source';
  mount: string;
}

/** Options of a `Station`. */
export interface StationOptions {
  /** Clock in milliseconds. */
  now: () => number;
  /** Most mount labels; default `DEFAULT_MAX_MOUNTS`. */
  maxMounts?: number;
  /** Told about every change the metrics count. */
  observer?: StationObserver;
}

const COUNTED_FIGURES = [
  HEARTBEAT_FIGURES.bytesSent,
  HEARTBEAT_FIGURES.bytesReceived,
  HEARTBEAT_FIGURES.slowListenerDrops,
] as const;

const liveKey = (role: string, id: string): string => `${role}:${id}`;

/** The aggregated station state. */
export class Station {
  readonly #now: () => number;
  readonly #maxMounts: number;
  readonly #observer: StationObserver | undefined;
  readonly #mounts = new Set<string>();
  /** Live connections per instance id, in connection order (oldest first). */
  readonly #live = new Map<string, Map<string, Live>>();
  readonly #instances = new InstanceTable({ maxInstances: MAX_INSTANCES });
  #endedDuringResync: Set<string> | null = null;

  constructor(opts: StationOptions) {
    this.#now = opts.now;
    this.#maxMounts = opts.maxMounts ?? DEFAULT_MAX_MOUNTS;
    this.#observer = opts.observer;
  }

  /** Records that `mount` has a source, giving it its own label while there is room. */
  addMount(mount: string): void {
    if (!this.#mounts.has(mount) && this.#mounts.size < this.#maxMounts) {
      this.#mounts.add(mount);
      this.#observer?.mountAdded(mount);
    }
  }

  /** The metric label of a mount: the mount itself once it had a source, else `MOUNT_OTHER`. */
  mountLabel(mount: string): string {
    return this.#mounts.has(mount) ? mount : MOUNT_OTHER;
  }

  /** Applies one connection event. */
  apply(evt: ConnectionEvent): void {
    if (evt.role === 'source') {
      this.addMount(evt.mount);
    }
    const key = liveKey(evt.role, evt.id);
    const label = this.mountLabel(evt.mount);
    if (evt.action === 'connect') {
      if (evt.status >= 400) {
        return;
      }
      let conns = this.#live.get(evt.instanceId);
      if (!conns) {
        conns = new Map();
        this.#live.set(evt.instanceId, conns);
      }
      if (!conns.has(key)) {
        conns.set(key, { role: evt.role, mount: evt.mount });
        if (evt.role === 'listener') {
          this.#observer?.listenerConnected(label);
        }
      }
      return;
    }
    this.#endedDuringResync?.add(`${evt.instanceId}\n${key}`);
    this.#forget(evt.instanceId, key);
    if (evt.status >= 400) {
      return;
    }
    if (evt.role === 'listener') {
      this.#observer?.listenerEnded(label, evt.bytes, evt.seconds);
    } else {
      this.#observer?.sourceEnded(label, evt.bytes);
    }
  }

  /** Applies one heartbeat; returns false when it was ignored (bad service name, too many). */
  heartbeat(hb: ServiceHeartbeat): boolean {
    if (!SERVICE_NAME.test(hb.service)) {
      return false;
    }
    const outcome = this.#instances.record(hb, this.#now());
    if (outcome.kind === 'refused') {
      return false;
    }
    const prev = outcome.previous;
    if (outcome.kind === 'stopped') {
      if (prev) {
        this.#gone(prev, false);
      }
      return true;
    }
    // A first heartbeat from a process younger than two intervals counts its totals from zero;
    // an older one (met because this service restarted) only sets the baseline.
    const fresh = hb.uptimeSeconds * 1000 <= 2 * hb.intervalMs;
    for (const name of COUNTED_FIGURES) {
      const value = hb.figures[name];
      if (value === undefined) {
        continue;
      }
      const base = prev?.figures[name] ?? (fresh ? 0 : value);
      const delta = value >= base ? value - base : value;
      if (delta > 0) {
        this.#observer?.figureIncreased(name, delta);
      }
    }
    this.#trim(hb.instanceId, 'listener', hb.figures[HEARTBEAT_FIGURES.listeners]);
    this.#trim(hb.instanceId, 'source', hb.figures[HEARTBEAT_FIGURES.sources]);
    return true;
  }

  /** Forgets instances whose heartbeats stopped for three intervals; returns them. */
  expire(): InstanceState[] {
    const gone = this.#instances.expired(this.#now());
    // Each is forgotten just before it is reported, so `#gone` sees which ids are still running.
    for (const inst of gone) {
      this.#instances.remove(inst);
      this.#gone(inst, true);
    }
    return gone;
  }

  /** Starts a resync: disconnects seen from now on are remembered so seeds cannot revive them. */
  beginResync(): void {
    this.#endedDuringResync = new Set();
  }

  /** Adds a connection learnt from a resync unless it is known or ended meanwhile. */
  seed(role: 'listener' | 'source', id: string, mount: string, instanceId: string): boolean {
    const key = liveKey(role, id);
    if (this.#endedDuringResync?.has(`${instanceId}\n${key}`)) {
      return false;
    }
    let conns = this.#live.get(instanceId);
    if (!conns) {
      conns = new Map();
      this.#live.set(instanceId, conns);
    }
    if (conns.has(key)) {
      return false;
    }
    conns.set(key, { role, mount });
    return true;
  }

  /** Ends a resync. */
  endResync(): void {
    this.#endedDuringResync = null;
  }

  /** Mounts that have had a source, sorted. */
  mounts(): string[] {
    return [...this.#mounts].sort();
  }

  /** Live listeners by mount label: every known mount (zeros too), then `MOUNT_OTHER` if any. */
  listenersByMount(): Map<string, number> {
    const out = new Map<string, number>();
    for (const mount of this.mounts()) {
      out.set(mount, 0);
    }
    for (const conns of this.#live.values()) {
      for (const c of conns.values()) {
        if (c.role === 'listener') {
          const label = this.mountLabel(c.mount);
          out.set(label, (out.get(label) ?? 0) + 1);
        }
      }
    }
    return out;
  }

  /** Live listeners over the whole station. */
  listenerTotal(): number {
    return this.#count('listener');
  }

  /** Live sources over the whole station. */
  sourceCount(): number {
    return this.#count('source');
  }

  /** Mounts (labels) that have a live source now. */
  mountsWithSource(): Set<string> {
    const out = new Set<string>();
    for (const conns of this.#live.values()) {
      for (const c of conns.values()) {
        if (c.role === 'source') {
          out.add(this.mountLabel(c.mount));
        }
      }
    }
    return out;
  }

  /** Running instances, sorted by service then id. */
  instances(): InstanceState[] {
    return this.#instances.list();
  }

  /** Running instances per service, with zero for services seen before. */
  instancesByService(): Map<string, number> {
    return this.#instances.countByService();
  }

  #count(role: 'listener' | 'source'): number {
    let n = 0;
    for (const conns of this.#live.values()) {
      for (const c of conns.values()) {
        n += c.role === role ? 1 : 0;
      }
    }
    return n;
  }

  #forget(instanceId: string, key: string): void {
    const conns = this.#live.get(instanceId);
    if (conns?.delete(key) && conns.size === 0) {
      this.#live.delete(instanceId);
    }
  }

  /**
   * Events and heartbeats of one instance arrive in the order it sent them, so when it reports
   * fewer connections than are tracked, the surplus are connections whose disconnect was lost
   * (NATS delivers at most once). The oldest are dropped, as those are the likeliest leaks.
   */
  #trim(instanceId: string, role: 'listener' | 'source', reported: number | undefined): void {
    const conns = this.#live.get(instanceId);
    if (reported === undefined || !conns) {
      return;
    }
    let surplus = [...conns.values()].filter((c) => c.role === role).length - reported;
    for (const [key, c] of conns) {
      if (surplus <= 0) {
        break;
      }
      if (c.role === role) {
        conns.delete(key);
        surplus -= 1;
      }
    }
    if (conns.size === 0) {
      this.#live.delete(instanceId);
    }
  }

  /** Tells the observer an instance left, after the instance table has forgotten it. */
  #gone(inst: InstanceState, lost: boolean): void {
    let dropped = 0;
    if (!this.#instances.hasInstanceId(inst.instanceId)) {
      // Its connections went with it: a crashed edge's listeners are disconnected too.
      dropped = this.#live.get(inst.instanceId)?.size ?? 0;
      this.#live.delete(inst.instanceId);
    }
    this.#observer?.instanceGone(inst, lost, dropped);
  }
}
