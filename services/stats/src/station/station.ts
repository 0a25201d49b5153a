/**
 * The station as the stats service sees it: live listener and source connections (from
 * connection events), the mounts that have had a source, and the running instances (from
 * heartbeats). It owns no I/O and no timers; it reports what changes to an observer (the
 * metrics) and answers the questions stat.log and /metrics ask.
 */
import type { ConnectionEvent, ServiceHeartbeat } from '@penguincast/bus';
import { HEARTBEAT_FIGURES } from '@penguincast/bus';

/** Mount label of listener figures on mounts that never had a source (404s, typos, scans). */
export const MOUNT_OTHER = '(other)';
/** Most mounts given their own label; later ones count as `MOUNT_OTHER`. */
export const DEFAULT_MAX_MOUNTS = 200;
/** Most instances tracked at once, so a buggy publisher cannot grow memory without bound. */
export const MAX_INSTANCES = 1000;
/** Extra time past three missed heartbeats before an instance counts as gone. */
export const HEARTBEAT_GRACE_MS = 1000;

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

/** The last heartbeat of one running instance. */
export interface InstanceState {
  service: string;
  instanceId: string;
  /** When its last heartbeat arrived (station clock). */
  lastSeenMs: number;
  intervalMs: number;
  uptimeSeconds: number;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  figures: Record<string, number>;
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
const instanceKey = (service: string, id: string): string => `${service}/${id}`;

/** The aggregated station state. */
export class Station {
  readonly #now: () => number;
  readonly #maxMounts: number;
  readonly #observer: StationObserver | undefined;
  readonly #mounts = new Set<string>();
  /** Live connections per instance id, in connection order (oldest first). */
  readonly #live = new Map<string, Map<string, Live>>();
  readonly #instances = new Map<string, InstanceState>();
  readonly #services = new Set<string>();
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
    const key = instanceKey(hb.service, hb.instanceId);
    const prev = this.#instances.get(key);
    if (hb.stopping) {
      if (prev) {
        this.#remove(key, prev, false);
      }
      return true;
    }
    if (!prev && this.#instances.size >= MAX_INSTANCES) {
      return false;
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
    this.#services.add(hb.service);
    this.#instances.set(key, {
      service: hb.service,
      instanceId: hb.instanceId,
      lastSeenMs: this.#now(),
      intervalMs: hb.intervalMs,
      uptimeSeconds: hb.uptimeSeconds,
      cpuPercent: hb.cpuPercent,
      rssBytes: hb.rssBytes,
      heapUsedBytes: hb.heapUsedBytes,
      heapTotalBytes: hb.heapTotalBytes,
      figures: { ...hb.figures },
    });
    this.#trim(hb.instanceId, 'listener', hb.figures[HEARTBEAT_FIGURES.listeners]);
    this.#trim(hb.instanceId, 'source', hb.figures[HEARTBEAT_FIGURES.sources]);
    return true;
  }

  /** Forgets instances whose heartbeats stopped for three intervals; returns them. */
  expire(): InstanceState[] {
    const now = this.#now();
    const gone: InstanceState[] = [];
    for (const [key, inst] of this.#instances) {
      if (now - inst.lastSeenMs > 3 * inst.intervalMs + HEARTBEAT_GRACE_MS) {
        gone.push(inst);
        this.#remove(key, inst, true);
      }
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
    return [...this.#instances.values()].sort(
      (a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId),
    );
  }

  /** Running instances per service, with zero for services seen before. */
  instancesByService(): Map<string, number> {
    const out = new Map<string, number>([...this.#services].sort().map((s) => [s, 0]));
    for (const inst of this.#instances.values()) {
      out.set(inst.service, (out.get(inst.service) ?? 0) + 1);
    }
    return out;
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

  #remove(key: string, inst: InstanceState, lost: boolean): void {
    this.#instances.delete(key);
    let dropped = 0;
    const sameId = [...this.#instances.values()].some((i) => i.instanceId === inst.instanceId);
    if (!sameId) {
      // Its connections went with it: a crashed edge's listeners are disconnected too.
      dropped = this.#live.get(inst.instanceId)?.size ?? 0;
      this.#live.delete(inst.instanceId);
    }
    this.#observer?.instanceGone(inst, lost, dropped);
  }
}
