/**
 * Outage behaviour against real servers restarted on the same port: the NATS bus keeps
 * `publish()` non-blocking while down and delivers again after reconnecting; the Redis store
 * fails fast while Redis is down and heals by itself.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, startNats, startRedis } from '@penguincast/testkit';
import {
  BusConnectError,
  BusRequestError,
  Keys,
  StateUnavailableError,
  Subjects,
  connectNatsBus,
  connectRedisStateStore,
  type BusStatusEvent,
} from '../src/index.js';
import { waitFor } from '@penguincast/testkit';
import { uniquePrefix } from './contract.js';

const te = new TextEncoder();
const td = new TextDecoder();

// This runs first: ioredis keeps a 2 s socket-destroy timer after a failed connect, which then
// overlaps with the other tests instead of delaying the end of the file.
describe('first connection failures', () => {
  it('reject with typed errors instead of hanging', { timeout: 15_000 }, async () => {
    const port = await freePort();
    const start = performance.now();
    await assert.rejects(connectNatsBus({ servers: `nats://127.0.0.1:${port}` }), BusConnectError);
    await assert.rejects(
      connectRedisStateStore({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500 }),
      StateUnavailableError,
    );
    assert.ok(performance.now() - start < 5_000);
  });
});

describe('NatsBus across a nats-server restart', () => {
  it('reconnects, resubscribes and never blocks publish()', { timeout: 30_000 }, async () => {
    await using nats = await startNats();
    const bus = await connectNatsBus({
      servers: nats.url,
      reconnectTimeWaitMs: 100,
      disconnectedBufferBytes: 256 * 1024,
    });
    try {
      const s = new Subjects(uniquePrefix());
      const statuses: BusStatusEvent['type'][] = [];
      bus.onStatus((e) => statuses.push(e.type));
      const got: string[] = [];
      bus.subscribe(s.audio('/r.mp3'), (m) => got.push(td.decode(m.data.subarray(0, 6))));
      bus.publish(s.audio('/r.mp3'), te.encode('before'));
      await waitFor(() => got.includes('before'));

      await nats.restart({
        whileDown: async () => {
          await waitFor(() => bus.state === 'disconnected', 5_000, 'disconnect');
          const chunk = new Uint8Array(16 * 1024).fill(0x61);
          const start = performance.now();
          for (let i = 0; i < 200; i++) {
            bus.publish(s.audio('/r.mp3'), chunk, { 'pc-seq': String(i) });
          }
          const elapsed = performance.now() - start;
          assert.ok(elapsed < 250, `200 publishes took ${elapsed.toFixed(1)} ms`);
          assert.ok(bus.droppedWhileDisconnected > 0, 'the disconnected buffer is bounded');
          await assert.rejects(
            bus.request(s.burst('/r.mp3'), te.encode('?'), { timeoutMs: 5_000 }),
            BusRequestError,
          );
        },
      });

      await waitFor(() => statuses.includes('reconnected'), 10_000, 'reconnect');
      assert.deepEqual(statuses.slice(0, 2), ['disconnected', 'reconnected']);
      assert.equal(bus.state, 'connected');
      bus.publish(s.audio('/r.mp3'), te.encode('after!'));
      await waitFor(() => got.includes('after!'), 5_000, 'delivery after reconnect');
    } finally {
      await bus.close();
    }
  });
});

describe('RedisStateStore across a redis-server restart', () => {
  it('fails fast while Redis is down and recovers afterwards', { timeout: 30_000 }, async () => {
    await using redis = await startRedis();
    const store = await connectRedisStateStore({ url: redis.url, onError: () => {} });
    try {
      const k = new Keys(uniquePrefix());
      await store.set(k.serverStart(), '1');
      await redis.restart({
        whileDown: async () => {
          await waitFor(() => store.redis.status !== 'ready', 5_000, 'redis disconnect');
          const start = performance.now();
          await assert.rejects(store.get(k.serverStart()), StateUnavailableError);
          await assert.rejects(
            store.acquireLease(k.mountLease('/m'), 'a', 1_000),
            StateUnavailableError,
          );
          const elapsed = performance.now() - start;
          assert.ok(elapsed < 500, `failing took ${elapsed.toFixed(1)} ms`);
        },
      });
      // ioredis reconnects in the background; retry until a write goes through again. Every
      // failed retry must fail as unavailable: any other error ends the wait and the test.
      const outcome = await waitFor(
        async () => {
          try {
            await store.set(k.serverStart(), '2');
            return { err: undefined };
          } catch (err) {
            return err instanceof StateUnavailableError ? undefined : { err };
          }
        },
        { timeoutMs: 10_000, intervalMs: 50, what: 'redis recovery' },
      );
      assert.equal(outcome.err, undefined, 'a failed retry is a StateUnavailableError');
      assert.equal(await store.get(k.serverStart()), '2');
    } finally {
      await store.close();
    }
  });
});
