/**
 * The `StateStore` half of the contract suite (re-exported by `contract.ts`). Time passes through
 * the fixture's `advance()`, a fake clock in memory and a real wait against Redis.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Keys, StateUnavailableError, type StateStore } from '../src/index.js';
import { T, uniquePrefix } from './contract-util.js';

/** A store under test and a way to let `ms` milliseconds pass for its TTLs. */
export interface StoreFixture {
  store: StateStore;
  advance(ms: number): Promise<void>;
}

/** Makes a fresh store fixture. */
export type MakeStore = () => Promise<StoreFixture>;

async function withStore(
  make: MakeStore,
  fn: (fx: StoreFixture, keys: Keys) => Promise<void>,
): Promise<void> {
  const fx = await make();
  try {
    await fn(fx, new Keys(uniquePrefix()));
  } finally {
    await fx.store.close();
  }
}

/** Registers the state store contract tests under `describe(name)`. */
export function stateContract(name: string, make: MakeStore): void {
  describe(`StateStore contract: ${name}`, () => {
    it('gets and sets plain values with and without TTL', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        const a = k.serverStart();
        const b = `${k.prefix}:plain`;
        assert.equal(await store.get(a), null);
        await store.set(a, '1700000000000');
        await store.set(b, 'short', 150);
        assert.equal(await store.get(a), '1700000000000');
        assert.equal(await store.get(b), 'short');
        await advance(300);
        assert.equal(await store.get(a), '1700000000000');
        assert.equal(await store.get(b), null);
        assert.equal(await store.touch(b, 1_000), false);
        assert.equal(await store.touch(a, 150), true);
        await advance(300);
        assert.equal(await store.get(a), null);
        await store.set(a, 'x');
        assert.equal(await store.deleteKey(a), true);
        assert.equal(await store.deleteKey(a), false);
      });
    });

    it('writes hashes that merge, replace and expire', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        const key = k.mountInfo('/live.mp3');
        assert.equal(await store.getHash(key), null);
        await store.setHash(key, { title: 'A', listeners: '1' }, 150);
        await store.setHash(key, { listeners: '2', genre: 'jazz' }, 150);
        assert.deepEqual(await store.getHash(key), { title: 'A', listeners: '2', genre: 'jazz' });
        await store.setHash(key, { title: 'B' }, 150, { replace: true });
        assert.deepEqual(await store.getHash(key), { title: 'B' });
        await advance(300);
        assert.equal(await store.getHash(key), null);
        await store.setHash(key, { a: '1' });
        await advance(300);
        assert.deepEqual(await store.getHash(key), { a: '1' });
        await store.setHash(k.mountInfo('/empty'), {}, 1_000);
        assert.equal(await store.getHash(k.mountInfo('/empty')), null);
      });
    });

    it('gives a lease to one owner at a time (SET NX)', T, async () => {
      await withStore(make, async ({ store }, k) => {
        const lease = k.mountLease('/live.mp3');
        assert.equal(await store.acquireLease(lease, 'ingest-a', 10_000), true);
        assert.equal(await store.acquireLease(lease, 'ingest-b', 10_000), false);
        assert.equal(await store.acquireLease(lease, 'ingest-a', 10_000), false);
        assert.equal(await store.leaseOwner(lease), 'ingest-a');
      });
    });

    it('renews and releases a lease only for its owner', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        const lease = k.mountLease('/m');
        await store.acquireLease(lease, 'a', 200);
        assert.equal(await store.renewLease(lease, 'b', 10_000), false);
        assert.equal(await store.releaseLease(lease, 'b'), false);
        assert.equal(await store.renewLease(lease, 'a', 1_000), true);
        await advance(350);
        assert.equal(await store.leaseOwner(lease), 'a', 'renewal extended the lease');
        assert.equal(await store.releaseLease(lease, 'a'), true);
        assert.equal(await store.leaseOwner(lease), null);
        assert.equal(await store.renewLease(lease, 'a', 1_000), false);
        assert.equal(await store.acquireLease(lease, 'b', 1_000), true);
      });
    });

    it('frees a lease when its TTL passes', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        const lease = k.mountLease('/crash');
        await store.acquireLease(lease, 'crashed', 150);
        await advance(300);
        assert.equal(await store.leaseOwner(lease), null);
        assert.equal(await store.renewLease(lease, 'crashed', 1_000), false);
        assert.equal(await store.acquireLease(lease, 'next', 1_000), true);
      });
    });

    it('takes a lease over from a named owner, or by force', T, async () => {
      await withStore(make, async ({ store }, k) => {
        const lease = k.mountLease('/t');
        assert.deepEqual(await store.takeOverLease(lease, 's1', 10_000), {
          acquired: true,
          previousOwner: null,
        });
        assert.deepEqual(await store.takeOverLease(lease, 's1', 10_000), {
          acquired: true,
          previousOwner: 's1',
        });
        assert.deepEqual(await store.takeOverLease(lease, 's2', 10_000, { from: 's1' }), {
          acquired: true,
          previousOwner: 's1',
        });
        assert.deepEqual(await store.takeOverLease(lease, 's3', 10_000, { from: 's1' }), {
          acquired: false,
          previousOwner: 's2',
        });
        assert.deepEqual(await store.takeOverLease(lease, 's3', 10_000), {
          acquired: false,
          previousOwner: 's2',
        });
        assert.deepEqual(await store.takeOverLease(lease, 's3', 10_000, { force: true }), {
          acquired: true,
          previousOwner: 's2',
        });
        assert.equal(await store.leaseOwner(lease), 's3');
      });
    });

    it('sums live per-edge counters under a prefix', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        await store.setCounter(k.listenerCount('/a', 'edge-1'), 3, 10_000);
        await store.setCounter(k.listenerCount('/a', 'edge-2'), 4, 10_000);
        await store.setCounter(k.listenerCount('/a', 'edge-3'), 100, 150);
        await store.setCounter(k.listenerCount('/ab', 'edge-1'), 50, 10_000);
        await store.set(`${k.listenerCountPrefix('/a')}junk`, 'not-a-number', 10_000);
        assert.equal(await store.sumCounters(k.listenerCountPrefix('/a')), 107);
        await advance(300);
        assert.equal(await store.sumCounters(k.listenerCountPrefix('/a')), 7);
        await store.setCounter(k.listenerCount('/a', 'edge-1'), 0, 10_000);
        assert.equal(await store.sumCounters(k.listenerCountPrefix('/a')), 4);
        assert.equal(await store.sumCounters(k.listenerCountPrefix('/none')), 0);
      });
    });

    it('raises a peak monotonically, also under concurrency', T, async () => {
      await withStore(make, async ({ store }, k) => {
        const peak = k.listenerPeak('/p');
        assert.equal(await store.raisePeak(peak, 5), 5);
        assert.equal(await store.raisePeak(peak, 3), 5);
        assert.equal(await store.raisePeak(peak, 8), 8);
        assert.equal(await store.get(peak), '8');
        const values = Array.from({ length: 50 }, (_, i) => (i * 37) % 101);
        const results = await Promise.all(values.map((v) => store.raisePeak(peak, v)));
        for (const [i, r] of results.entries()) {
          assert.ok(r >= Math.max(8, values[i] as number));
        }
        assert.equal(await store.raisePeak(peak, 0), 100);
      });
    });

    it('scans live keys by literal prefix, sorted', T, async () => {
      await withStore(make, async ({ store, advance }, k) => {
        await store.setHash(k.mountInfo('/b'), { x: '1' }, 10_000);
        await store.setHash(k.mountInfo('/a'), { x: '1' }, 10_000);
        await store.setHash(k.mountInfo('/gone'), { x: '1' }, 150);
        await store.set(k.serverStart(), '1');
        await advance(300);
        const keys = await store.scanKeys(k.mountInfoPrefix());
        assert.deepEqual(keys, [k.mountInfo('/a'), k.mountInfo('/b')]);
        assert.deepEqual(
          keys.map((key) => k.mountFromInfoKey(key)),
          ['/a', '/b'],
        );
        await store.set(`${k.prefix}:x*y`, '1');
        await store.set(`${k.prefix}:xay`, '1');
        assert.deepEqual(await store.scanKeys(`${k.prefix}:x*`), [`${k.prefix}:x*y`]);
      });
    });

    it('reports type mismatches and bad arguments', T, async () => {
      await withStore(make, async ({ store }, k) => {
        await store.setHash(k.mountInfo('/h'), { a: '1' }, 10_000);
        await assert.rejects(store.get(k.mountInfo('/h')), StateUnavailableError);
        await assert.rejects(store.set(k.serverStart(), 'x', 0), TypeError);
        await assert.rejects(store.acquireLease(k.mountLease('/x'), '', 1_000), TypeError);
        await assert.rejects(store.setCounter(k.listenerCount('/x', 'e'), 1.5, 1_000), TypeError);
        await assert.rejects(store.get(''), TypeError);
      });
    });

    it('rejects with StateUnavailableError once closed', T, async () => {
      const { store } = await make();
      await store.close();
      await assert.rejects(store.get(`${uniquePrefix()}:k`), StateUnavailableError);
      await store.close();
    });
  });
}
