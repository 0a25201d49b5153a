/**
 * Argument checks shared by both `StateStore` adapters, so they refuse the same inputs with
 * the same `TypeError`. Pure: no I/O.
 */
import type { TakeOverOptions } from '../ports.js';

const INT_RE = /^-?(0|[1-9][0-9]*)$/;

/** Keys are non-empty strings without whitespace or control characters. */
export function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || hasSpaceOrControl(key)) {
    throw new TypeError(`invalid state key ${JSON.stringify(key)}`);
  }
}

function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) {
      return true;
    }
  }
  return /\s/.test(s);
}

/** TTLs are positive integers of milliseconds. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new TypeError(`ttlMs must be a positive integer, got ${String(ttlMs)}`);
  }
}

/** Lease owners are non-empty strings. */
export function assertOwner(owner: string): void {
  if (typeof owner !== 'string' || owner.length === 0) {
    throw new TypeError('lease owner must be a non-empty string');
  }
}

/** A lease is taken over for a valid owner and TTL, from a valid owner when one is named. */
export function assertTakeOver(owner: string, ttlMs: number, opts: TakeOverOptions): void {
  assertOwner(owner);
  assertTtl(ttlMs);
  if (opts.from !== undefined) {
    assertOwner(opts.from);
  }
}

/** Counters and peaks are safe integers. */
export function assertCounter(value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new TypeError(`counter value must be a safe integer, got ${String(value)}`);
  }
}

/** Plain values are strings. */
export function assertValue(value: string): void {
  if (typeof value !== 'string') {
    throw new TypeError('value must be a string');
  }
}

/** Key prefixes of scans and sums are strings. */
export function assertPrefix(prefix: string): void {
  if (typeof prefix !== 'string') {
    throw new TypeError('prefix must be a string');
  }
}

/** The fields of a hash as entries, once every value is checked to be a string. */
export function hashEntries(fields: Record<string, string>): [string, string][] {
  const entries = Object.entries(fields);
  for (const [, v] of entries) {
    if (typeof v !== 'string') {
      throw new TypeError('hash values must be strings');
    }
  }
  return entries;
}

/** True for a canonical decimal integer string within the safe range. */
export function isIntegerString(value: string): boolean {
  return INT_RE.test(value) && Number.isSafeInteger(Number(value));
}
