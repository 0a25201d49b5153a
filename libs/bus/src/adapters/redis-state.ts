/**
 * `StateStore` adapter over ioredis. Lease changes are atomic Lua scripts; every failure becomes
 * `StateUnavailableError` quickly, because callers must never hang on a Redis outage.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { StateUnavailableError } from '../errors.js';
import type { LeaseTakeover, StateStore, TakeOverOptions } from '../ports.js';
import type { ErrorHook } from './bus-events.js';
import {
  assertCounter,
  assertKey,
  assertOwner,
  assertPrefix,
  assertTakeOver,
  assertTtl,
  assertValue,
  hashEntries,
  isIntegerString,
} from './state-args.js';

/** Options of `connectRedisStateStore()`. */
export interface ConnectRedisOptions {
  /** `redis://host:port/db` URL. */
  url: string;
  /** Extra ioredis options; they override `recommendedRedisOptions()`. */
  redis?: RedisOptions;
  /** How long to wait for the first connection, in milliseconds; default 5000. */
  connectTimeoutMs?: number;
  /** Receives connection errors ioredis reports while it reconnects in the background. */
  onError?: ErrorHook;
}

/**
 * The ioredis settings the port's "never hang" promise depends on. The offline queue is off,
 * so a command issued while disconnected fails at once instead of waiting for a reconnect;
 * `maxRetriesPerRequest: 1` fails commands caught in a dropped connection after one
 * reconnect attempt; `commandTimeout` bounds a server that accepts but does not answer. The
 * client keeps reconnecting in the background (capped backoff), so the store heals by itself.
 */
export function recommendedRedisOptions(): RedisOptions {
  return {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2_000,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  };
}

/**
 * Connects with `recommendedRedisOptions()` and resolves once the client is ready. Because the
 * offline queue is off, commands before that point would fail, which is why this waits.
 */
export async function connectRedisStateStore(opts: ConnectRedisOptions): Promise<RedisStateStore> {
  const redis = new Redis(opts.url, { ...recommendedRedisOptions(), ...opts.redis });
  const store = new RedisStateStore(redis, { onError: opts.onError });
  const timeoutMs = opts.connectTimeoutMs ?? 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = (): void => {
        cleanup();
        resolve();
      };
      const onEnd = (): void => {
        cleanup();
        reject(new Error('connection ended'));
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        redis.off('end', onEnd);
      };
      if (redis.status === 'ready') {
        onReady();
        return;
      }
      redis.on('ready', onReady);
      redis.on('end', onEnd);
    });
  } catch (err) {
    redis.disconnect();
    throw new StateUnavailableError('connect', (err as Error).message, { cause: err });
  }
  return store;
}

// Lua keeps each lease transition a single atomic step on the server.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1]) else return 0 end`;
const TAKE_OVER = `local cur = redis.call('GET', KEYS[1])
if ARGV[3] == '1' or not cur or cur == ARGV[1] or (ARGV[4] == '1' and cur == ARGV[5]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  if cur then return {1, cur} else return {1} end
end
if cur then return {0, cur} else return {0} end`;
const RAISE = `local cur = redis.call('GET', KEYS[1])
local c = cur and tonumber(cur)
if (not c) or tonumber(ARGV[1]) > c then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return cur`;

/** Options of `RedisStateStore`. */
export interface RedisStateStoreOptions {
  /** Receives connection errors ioredis reports while it reconnects in the background. */
  onError?: ErrorHook;
}

/** The Redis adapter. It owns the client: `close()` quits it. */
export class RedisStateStore implements StateStore {
  /** The underlying client, for the rare need the port does not cover. */
  readonly redis: Redis;

  constructor(redis: Redis, opts: RedisStateStoreOptions = {}) {
    this.redis = redis;
    // Without a listener ioredis prints every reconnect error to the console.
    redis.on('error', (err: unknown) => {
      try {
        opts.onError?.(err, 'redis');
      } catch {
        // A failing error hook must not take the client down.
      }
    });
  }

  async get(key: string): Promise<string | null> {
    assertKey(key);
    return this.#run('get', () => this.redis.get(key));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    assertKey(key);
    assertValue(value);
    if (ttlMs === undefined) {
      await this.#run('set', () => this.redis.set(key, value));
      return;
    }
    assertTtl(ttlMs);
    await this.#run('set', () => this.redis.set(key, value, 'PX', ttlMs));
  }

  async deleteKey(key: string): Promise<boolean> {
    assertKey(key);
    return (await this.#run('deleteKey', () => this.redis.del(key))) > 0;
  }

  async touch(key: string, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertTtl(ttlMs);
    return (await this.#run('touch', () => this.redis.pexpire(key, ttlMs))) === 1;
  }

  async setHash(
    key: string,
    fields: Record<string, string>,
    ttlMs?: number,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    assertKey(key);
    if (ttlMs !== undefined) {
      assertTtl(ttlMs);
    }
    const entries = hashEntries(fields);
    await this.#run('setHash', async () => {
      const tx = this.redis.multi();
      if (opts.replace) {
        tx.del(key);
      }
      if (entries.length > 0) {
        tx.hset(key, Object.fromEntries(entries));
      }
      if (ttlMs !== undefined) {
        tx.pexpire(key, ttlMs);
      } else {
        tx.persist(key);
      }
      const results = await tx.exec();
      // MULTI reports per-command errors (e.g. WRONGTYPE) in the results, not as a rejection.
      const failed = results?.find(([err]) => err);
      if (failed?.[0]) {
        throw failed[0];
      }
    });
  }

  async getHash(key: string): Promise<Record<string, string> | null> {
    assertKey(key);
    const h = await this.#run('getHash', () => this.redis.hgetall(key));
    return Object.keys(h).length > 0 ? h : null;
  }

  async acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertOwner(owner);
    assertTtl(ttlMs);
    const ok = await this.#run('acquireLease', () => this.redis.set(key, owner, 'PX', ttlMs, 'NX'));
    return ok === 'OK';
  }

  async renewLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertOwner(owner);
    assertTtl(ttlMs);
    const r = await this.#run('renewLease', () => this.redis.eval(RENEW, 1, key, owner, ttlMs));
    return r === 1;
  }

  async releaseLease(key: string, owner: string): Promise<boolean> {
    assertKey(key);
    assertOwner(owner);
    const r = await this.#run('releaseLease', () => this.redis.eval(RELEASE, 1, key, owner));
    return r === 1;
  }

  async takeOverLease(
    key: string,
    owner: string,
    ttlMs: number,
    opts: TakeOverOptions = {},
  ): Promise<LeaseTakeover> {
    assertKey(key);
    assertTakeOver(owner, ttlMs, opts);
    const args = [owner, ttlMs, opts.force ? '1' : '0', opts.from !== undefined ? '1' : '0'];
    const r = (await this.#run('takeOverLease', () =>
      this.redis.eval(TAKE_OVER, 1, key, ...args, opts.from ?? ''),
    )) as [number, string?];
    return { acquired: r[0] === 1, previousOwner: r[1] ?? null };
  }

  async leaseOwner(key: string): Promise<string | null> {
    assertKey(key);
    return this.#run('leaseOwner', () => this.redis.get(key));
  }

  async setCounter(key: string, value: number, ttlMs: number): Promise<void> {
    assertKey(key);
    assertCounter(value);
    assertTtl(ttlMs);
    await this.#run('setCounter', () => this.redis.set(key, String(value), 'PX', ttlMs));
  }

  async sumCounters(prefix: string): Promise<number> {
    const keys = await this.scanKeys(prefix);
    let sum = 0;
    // MGET in slices keeps each reply small even with many edges and mounts.
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      const values = await this.#run('sumCounters', () => this.redis.mget(slice));
      for (const v of values) {
        if (v !== null && isIntegerString(v)) {
          sum += Number(v);
        }
      }
    }
    return sum;
  }

  async raisePeak(key: string, value: number): Promise<number> {
    assertKey(key);
    assertCounter(value);
    const r = await this.#run('raisePeak', () => this.redis.eval(RAISE, 1, key, String(value)));
    return Number(r);
  }

  async scanKeys(prefix: string): Promise<string[]> {
    assertPrefix(prefix);
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.#run('scanKeys', () =>
        this.redis.scan(cursor, 'MATCH', match, 'COUNT', 500),
      );
      cursor = next;
      // SCAN may return a key more than once; the set removes the repeats.
      for (const k of keys) {
        seen.add(k);
      }
    } while (cursor !== '0');
    return [...seen].sort();
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') {
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      // QUIT fails when the connection is already gone; disconnect below makes it final.
    }
    this.redis.disconnect();
  }

  async #run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new StateUnavailableError(operation, why, { cause: err });
    }
  }
}
