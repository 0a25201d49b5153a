/**
 * Cluster-wide listener counts for the limits: this edge writes its own counts to the state
 * store on a timer and keeps the other edges' sums cached, so a connect decision never waits on
 * Redis. A state-store outage only makes the cached sums older.
 */
import type { Keys, StateStore } from '@penguincast/bus';
import type { Logger } from 'pino';

/** Options of {@link ClusterCounters}. */
export interface ClusterCountersOptions {
  state: StateStore;
  keys: Keys;
  /** This edge's id, part of its counter keys. */
  instanceId: string;
  /** How often counts are written and sums re-read. */
  intervalMs: number;
  /** TTL of this edge's counters. */
  ttlMs: number;
  /** Mounts whose cluster-wide count must be known (those with `MaxListeners`). */
  limitedMounts: readonly string[];
  /** This edge's current listener count per mount. */
  localCounts: () => ReadonlyMap<string, number>;
  log: Logger;
}

/** The cached counts of one scope (the whole cluster, or one mount). */
interface Scope {
  /** Listeners on the other edges at the last refresh. */
  others: number;
  /** What this edge last wrote. */
  written: number;
}

/** This edge's view of the cluster's listener counts. */
export class ClusterCounters {
  #total: Scope = { others: 0, written: 0 };
  #mounts = new Map<string, Scope>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #failing = false;
  readonly #limited: ReadonlySet<string>;

  constructor(private readonly opts: ClusterCountersOptions) {
    this.#limited = new Set(opts.limitedMounts);
  }

  /** Starts the refresh loop; the first refresh runs at once in the background. */
  start(): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
    this.#timer.unref();
  }

  /** Stops the loop and writes zero counts so this edge stops counting at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
    const { state, keys, instanceId, ttlMs } = this.opts;
    const writes = [state.setCounter(keys.edgeClients(instanceId), 0, ttlMs)];
    for (const mount of this.#mounts.keys()) {
      writes.push(state.setCounter(keys.listenerCount(mount, instanceId), 0, ttlMs));
    }
    await Promise.allSettled(writes);
  }

  /** Listeners on the whole cluster now: others' cached sum plus this edge's live count. */
  clusterTotal(localTotal: number): number {
    return this.#total.others + localTotal;
  }

  /** Listeners of `mount` on the whole cluster: others' cached sum plus this edge's count. */
  clusterMount(mount: string, local: number): number {
    return (this.#mounts.get(mount)?.others ?? 0) + local;
  }

  /** Writes this edge's counts and re-reads the sums; overlapping calls share one run. */
  refresh(): Promise<void> {
    this.#running ??= this.#refresh().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const { state, keys, instanceId, ttlMs, log } = this.opts;
    const counts = this.opts.localCounts();
    let total = 0;
    for (const n of counts.values()) {
      total += n;
    }
    try {
      await state.setCounter(keys.edgeClients(instanceId), total, ttlMs);
      const sum = await state.sumCounters(keys.edgeClientsPrefix());
      this.#total = { others: Math.max(0, sum - total), written: total };
      const mounts = new Set([...counts.keys(), ...this.#mounts.keys(), ...this.#limited]);
      for (const mount of mounts) {
        const n = counts.get(mount) ?? 0;
        const scope = this.#mounts.get(mount);
        // A mount that had no listeners here and has no limit needs neither a write nor a read.
        const limited = this.#limited.has(mount);
        if (n === 0 && scope?.written === 0 && !limited) {
          continue;
        }
        await state.setCounter(keys.listenerCount(mount, instanceId), n, ttlMs);
        let others = 0;
        // Limited mounts need the sum for decisions; mounts with listeners need it for the peak.
        if (limited || n > 0) {
          others = Math.max(0, (await state.sumCounters(keys.listenerCountPrefix(mount))) - n);
        }
        this.#mounts.set(mount, { others, written: n });
        if (n > 0) {
          await state.raisePeak(keys.listenerPeak(mount), others + n);
        }
      }
      if (total > 0) {
        await state.raisePeak(keys.serverPeak(), this.#total.others + total);
      }
      if (this.#failing) {
        this.#failing = false;
        log.info('listener counts written again');
      }
    } catch (err) {
      if (!this.#failing) {
        this.#failing = true;
        log.warn({ err }, 'cannot write listener counts; limits use the last known sums');
      }
    }
  }
}
