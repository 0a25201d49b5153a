/**
 * The running-instance model every heartbeat receiver shares: which instances are alive, from
 * their `ServiceHeartbeat`s, and when one counts as gone. Pure: no timers, no I/O; the receiver
 * passes its own clock reading into every call.
 */
import type { ServiceHeartbeat } from './messages.js';

/** Heartbeat intervals an instance may miss before it counts as gone. */
export const HEARTBEAT_MISSED_INTERVALS = 3;
/** Extra time past the missed heartbeats before an instance counts as gone. */
export const HEARTBEAT_GRACE_MS = 1000;

/** The last heartbeat of one running instance, as a receiver keeps it. */
export interface InstanceState extends Omit<ServiceHeartbeat, 'stopping'> {
  /** When its last heartbeat arrived, on the receiver's clock (milliseconds). */
  lastSeenMs: number;
}

/** What `InstanceTable.record()` did with a heartbeat. */
export type HeartbeatOutcome =
  /** The instance is alive; `previous` is its state before this heartbeat, if it was known. */
  | { kind: 'live'; instance: InstanceState; previous: InstanceState | undefined }
  /** The instance said it is stopping and was forgotten; `previous` is what was known of it. */
  | { kind: 'stopped'; previous: InstanceState | undefined }
  /** A new instance was refused because the table is full. */
  | { kind: 'refused' };

/** Options of an `InstanceTable`. */
export interface InstanceTableOptions {
  /** Most instances tracked at once; a heartbeat of a new instance beyond it is refused. */
  maxInstances?: number;
}

/**
 * True when `inst` has missed `HEARTBEAT_MISSED_INTERVALS` heartbeats plus `HEARTBEAT_GRACE_MS`
 * at `nowMs`.
 */
export function isInstanceExpired(inst: InstanceState, nowMs: number): boolean {
  return (
    nowMs - inst.lastSeenMs > HEARTBEAT_MISSED_INTERVALS * inst.intervalMs + HEARTBEAT_GRACE_MS
  );
}

/**
 * The per-second increase of a cumulative figure (e.g. `bytes_sent_total`) between an
 * instance's previous state and a new heartbeat, rounded to an integer. `undefined` when it
 * cannot be told: no previous state, the figure missing from either, a counter that went back
 * (a restart) or no time between the two.
 */
export function figureRate(
  previous: InstanceState | undefined,
  beat: ServiceHeartbeat,
  figure: string,
): number | undefined {
  const now = beat.figures[figure];
  const before = previous?.figures[figure];
  if (previous === undefined || now === undefined || before === undefined || now < before) {
    return undefined;
  }
  const seconds = (beat.timestampMs - previous.timestampMs) / 1000;
  return seconds > 0 ? Math.round((now - before) / seconds) : undefined;
}

/** An instance's key: the same id may in principle run under two service names. */
const keyOf = (service: string, instanceId: string): string => `${service}/${instanceId}`;

/** The running instances, keyed by service and instance id, in order of first heartbeat. */
export class InstanceTable {
  readonly #max: number;
  readonly #instances = new Map<string, InstanceState>();
  readonly #services = new Set<string>();

  constructor(opts: InstanceTableOptions = {}) {
    this.#max = opts.maxInstances ?? Number.POSITIVE_INFINITY;
  }

  /** How many instances are tracked. */
  get size(): number {
    return this.#instances.size;
  }

  /** Applies one heartbeat that arrived at `nowMs`. */
  record(beat: ServiceHeartbeat, nowMs: number): HeartbeatOutcome {
    const key = keyOf(beat.service, beat.instanceId);
    const previous = this.#instances.get(key);
    if (beat.stopping) {
      this.#instances.delete(key);
      return { kind: 'stopped', previous };
    }
    if (!previous && this.#instances.size >= this.#max) {
      return { kind: 'refused' };
    }
    const instance: InstanceState = {
      service: beat.service,
      instanceId: beat.instanceId,
      lastSeenMs: nowMs,
      timestampMs: beat.timestampMs,
      intervalMs: beat.intervalMs,
      uptimeSeconds: beat.uptimeSeconds,
      cpuPercent: beat.cpuPercent,
      rssBytes: beat.rssBytes,
      heapUsedBytes: beat.heapUsedBytes,
      heapTotalBytes: beat.heapTotalBytes,
      figures: { ...beat.figures },
    };
    this.#services.add(beat.service);
    this.#instances.set(key, instance);
    return { kind: 'live', instance, previous };
  }

  /** The instances that have missed their heartbeats at `nowMs`, oldest first; none removed. */
  expired(nowMs: number): InstanceState[] {
    return [...this.#instances.values()].filter((inst) => isInstanceExpired(inst, nowMs));
  }

  /** Forgets `inst`; returns whether it was tracked (and still in this state). */
  remove(inst: InstanceState): boolean {
    const key = keyOf(inst.service, inst.instanceId);
    return this.#instances.get(key) === inst && this.#instances.delete(key);
  }

  /** Forgets every instance that has missed its heartbeats at `nowMs` and returns them. */
  expire(nowMs: number): InstanceState[] {
    const gone = this.expired(nowMs);
    for (const inst of gone) {
      this.remove(inst);
    }
    return gone;
  }

  /** True when some tracked instance, under any service, has this id. */
  hasInstanceId(instanceId: string): boolean {
    for (const inst of this.#instances.values()) {
      if (inst.instanceId === instanceId) {
        return true;
      }
    }
    return false;
  }

  /** The tracked instances, sorted by service then id. */
  list(): InstanceState[] {
    return [...this.#instances.values()].sort(
      (a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId),
    );
  }

  /** Tracked instances per service, sorted by service, with zero for services seen before. */
  countByService(): Map<string, number> {
    const out = new Map<string, number>([...this.#services].sort().map((s) => [s, 0]));
    for (const inst of this.#instances.values()) {
      out.set(inst.service, (out.get(inst.service) ?? 0) + 1);
    }
    return out;
  }
}
