/**
 * Chooses and connects the bus and state adapters from the config: NATS and Redis when their
 * URLs are set, the in-memory pair otherwise (the single process). Services only see the ports.
 */
import {
  MemoryBus,
  MemoryStateStore,
  connectNatsBus,
  connectRedisStateStore,
  type Bus,
  type StateStore,
} from '@penguincast/bus';
import type { StationConfig } from '@penguincast/config';
import type { Logger } from 'pino';

/** The connected adapters of one process. */
export interface Adapters {
  bus: Bus;
  state: StateStore;
  /** True when both are the in-memory adapters (single process, no NATS or Redis). */
  inMemory: boolean;
  /** Drains the bus and closes both, in reverse order of connection. */
  close(): Promise<void>;
}

/**
 * Connects to NATS and Redis as the config says. With `requireCluster`, a missing URL is an
 * error (a lone service cannot talk to the others through memory).
 */
export async function connectAdapters(
  cfg: StationConfig,
  log: Logger,
  opts: { name: string; requireCluster: boolean },
): Promise<Adapters> {
  const { NatsUrl, RedisUrl } = cfg.Cluster;
  if (opts.requireCluster && (NatsUrl === undefined || RedisUrl === undefined)) {
    throw new Error(
      `${opts.name} runs as its own process and needs PENGUINCAST_NATS_URL and PENGUINCAST_REDIS_URL ` +
        '(or Cluster.NatsUrl and Cluster.RedisUrl); run `penguincast` without a service name for the single process',
    );
  }
  const onError = (err: unknown, subject: string): void => {
    log.error({ err, subject }, 'bus callback failed');
  };
  const bus: Bus =
    NatsUrl !== undefined
      ? await connectNatsBus({ servers: NatsUrl, name: opts.name, onError })
      : new MemoryBus({ onError });
  let state: StateStore;
  try {
    state =
      RedisUrl !== undefined
        ? await connectRedisStateStore({ url: RedisUrl, onError })
        : new MemoryStateStore();
  } catch (err) {
    await bus.close();
    throw err;
  }
  bus.onStatus((ev) => {
    log.warn({ event: ev.type, server: ev.server }, 'bus connection changed');
  });
  return {
    bus,
    state,
    inMemory: NatsUrl === undefined && RedisUrl === undefined,
    async close() {
      await bus.drain().catch(() => bus.close());
      await state.close();
    },
  };
}
