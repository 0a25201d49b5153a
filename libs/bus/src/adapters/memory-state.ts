/**
 * In-process `StateStore` for the all-in-one server and unit tests, with Redis semantics. TTLs
 * are read from an injected clock and expired lazily on access, so it runs no timers.
 */
import { StateUnavailableError } from '../errors.js';
import type { LeaseTakeover, StateStore, TakeOverOptions } from '../ports.js';
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

/** Options of `MemoryStateStore`. */
export interface MemoryStateStoreOptions {
  /** The clock TTLs are measured with, in milliseconds; default `Date.now`. */
  now?: () => number;
}

type Entry =
  | { kind: 'string'; value: string; expiresAt: number | null }
  | { kind: 'hash'; value: Map<string, string>; expiresAt: number | null };

/** The in-memory state store. Every method is async only to match the port. */
export class MemoryStateStore implements StateStore {
  #now: () => number;
  #data = new Map<string, Entry>();
  #closed = false;

  constructor(opts: MemoryStateStoreOptions = {}) {
    this.#now = opts.now ?? Date.now;
  }

  async get(key: string): Promise<string | null> {
    return this.#string('get', key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    this.#open('set');
    assertKey(key);
    assertValue(value);
    this.#data.set(key, { kind: 'string', value, expiresAt: this.#expiry(ttlMs) });
  }

  async deleteKey(key: string): Promise<boolean> {
    this.#open('deleteKey');
    assertKey(key);
    const existed = this.#entry(key) !== undefined;
    this.#data.delete(key);
    return existed;
  }

  async touch(key: string, ttlMs: number): Promise<boolean> {
    this.#open('touch');
    assertTtl(ttlMs);
    const entry = this.#entry(key);
    if (!entry) {
      return false;
    }
    entry.expiresAt = this.#now() + ttlMs;
    return true;
  }

  async setHash(
    key: string,
    fields: Record<string, string>,
    ttlMs?: number,
    opts: { replace?: boolean } = {},
  ): Promise<void> {
    this.#open('setHash');
    assertKey(key);
    const expiresAt = this.#expiry(ttlMs);
    const entries = hashEntries(fields);
    if (opts.replace) {
      this.#data.delete(key);
    }
    let entry = this.#entry(key);
    if (entry && entry.kind !== 'hash') {
      throw wrongType('setHash');
    }
    if (!entry) {
      // Like HSET, writing no fields creates no key.
      if (entries.length === 0) {
        return;
      }
      entry = { kind: 'hash', value: new Map(), expiresAt };
      this.#data.set(key, entry);
    }
    for (const [k, v] of entries) {
      entry.value.set(k, v);
    }
    entry.expiresAt = expiresAt;
  }

  async getHash(key: string): Promise<Record<string, string> | null> {
    this.#open('getHash');
    const entry = this.#entry(key);
    if (!entry) {
      return null;
    }
    if (entry.kind !== 'hash') {
      throw wrongType('getHash');
    }
    return Object.fromEntries(entry.value);
  }

  async acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    this.#open('acquireLease');
    assertOwner(owner);
    assertTtl(ttlMs);
    if (this.#entry(key)) {
      return false;
    }
    this.#data.set(key, { kind: 'string', value: owner, expiresAt: this.#now() + ttlMs });
    return true;
  }

  async renewLease(key: string, owner: string, ttlMs: number): Promise<boolean> {
    assertOwner(owner);
    assertTtl(ttlMs);
    const entry = this.#string('renewLease', key);
    if (!entry || entry.value !== owner) {
      return false;
    }
    entry.expiresAt = this.#now() + ttlMs;
    return true;
  }

  async releaseLease(key: string, owner: string): Promise<boolean> {
    assertOwner(owner);
    const entry = this.#string('releaseLease', key);
    if (!entry || entry.value !== owner) {
      return false;
    }
    this.#data.delete(key);
    return true;
  }

  async takeOverLease(
    key: string,
    owner: string,
    ttlMs: number,
    opts: TakeOverOptions = {},
  ): Promise<LeaseTakeover> {
    assertTakeOver(owner, ttlMs, opts);
    const current = this.#string('takeOverLease', key)?.value ?? null;
    const allowed =
      opts.force === true || current === null || current === owner || current === opts.from;
    if (allowed) {
      this.#data.set(key, { kind: 'string', value: owner, expiresAt: this.#now() + ttlMs });
    }
    return { acquired: allowed, previousOwner: current };
  }

  async leaseOwner(key: string): Promise<string | null> {
    return this.#string('leaseOwner', key)?.value ?? null;
  }

  async setCounter(key: string, value: number, ttlMs: number): Promise<void> {
    this.#open('setCounter');
    assertKey(key);
    assertCounter(value);
    assertTtl(ttlMs);
    this.#data.set(key, { kind: 'string', value: String(value), expiresAt: this.#now() + ttlMs });
  }

  async sumCounters(prefix: string): Promise<number> {
    let sum = 0;
    for (const key of await this.scanKeys(prefix)) {
      const entry = this.#entry(key);
      // Like the Redis adapter, anything that is not an integer string is skipped.
      if (entry?.kind === 'string' && isIntegerString(entry.value)) {
        sum += Number(entry.value);
      }
    }
    return sum;
  }

  async raisePeak(key: string, value: number): Promise<number> {
    assertCounter(value);
    const entry = this.#string('raisePeak', key);
    const current = entry && isIntegerString(entry.value) ? Number(entry.value) : null;
    if (current !== null && current >= value) {
      return current;
    }
    this.#data.set(key, { kind: 'string', value: String(value), expiresAt: null });
    return value;
  }

  async scanKeys(prefix: string): Promise<string[]> {
    this.#open('scanKeys');
    assertPrefix(prefix);
    const out: string[] = [];
    for (const key of [...this.#data.keys()]) {
      if (key.startsWith(prefix) && this.#entry(key)) {
        out.push(key);
      }
    }
    return out.sort();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#data.clear();
  }

  #open(operation: string): void {
    if (this.#closed) {
      throw new StateUnavailableError(operation, 'the store is closed');
    }
  }

  #expiry(ttlMs: number | undefined): number | null {
    if (ttlMs === undefined) {
      return null;
    }
    assertTtl(ttlMs);
    return this.#now() + ttlMs;
  }

  /** The live entry for `key`, deleting it first if its TTL has passed. */
  #entry(key: string): Entry | undefined {
    assertKey(key);
    const entry = this.#data.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.#now()) {
      this.#data.delete(key);
      return undefined;
    }
    return entry;
  }

  #string(operation: string, key: string): Extract<Entry, { kind: 'string' }> | undefined {
    this.#open(operation);
    const entry = this.#entry(key);
    if (entry && entry.kind !== 'string') {
      throw wrongType(operation);
    }
    return entry;
  }
}

function wrongType(operation: string): StateUnavailableError {
  // Redis answers WRONGTYPE; both adapters surface it the same way.
  return new StateUnavailableError(
    operation,
    'WRONGTYPE Operation against a key holding the wrong kind of value',
  );
}
