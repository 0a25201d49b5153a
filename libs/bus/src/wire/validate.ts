/**
 * Small field readers for message decoders: each checks one field of a parsed JSON object and
 * throws `MessageDecodeError` naming the message type and field. Pure: no I/O.
 */
import { MessageDecodeError, UnsupportedMessageVersionError } from '../errors.js';

/** A parsed JSON object being validated. */
export type Obj = Record<string, unknown>;

/** Reads fields of one message type, so every error names that type and the field path. */
export class Fields {
  /** The message type name used in errors, e.g. `TitleChange`. */
  readonly type: string;

  constructor(type: string) {
    this.type = type;
  }

  /** Throws a `MessageDecodeError` for `field`. */
  fail(field: string, why: string, cause?: unknown): never {
    throw new MessageDecodeError(this.type, field, why, cause === undefined ? {} : { cause });
  }

  /** Requires a plain object. */
  obj(v: unknown, field: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.fail(field, 'expected an object');
    }
    return v as Obj;
  }

  /** Requires an array. */
  arr(v: unknown, field: string): unknown[] {
    if (!Array.isArray(v)) {
      this.fail(field, 'expected an array');
    }
    return v;
  }

  /** Requires a string (optionally non-empty). */
  str(o: Obj, key: string, path = '', nonEmpty = false): string {
    const v = o[key];
    if (typeof v !== 'string' || (nonEmpty && v.length === 0)) {
      this.fail(path + key, nonEmpty ? 'expected a non-empty string' : 'expected a string');
    }
    return v;
  }

  /** An optional string: absent or `null` gives `undefined`. */
  optStr(o: Obj, key: string, path = ''): string | undefined {
    return o[key] == null ? undefined : this.str(o, key, path);
  }

  /** Requires a safe integer of at least `min`. */
  int(o: Obj, key: string, path = '', min = 0): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      this.fail(path + key, `expected an integer >= ${min}`);
    }
    return v;
  }

  /** An optional safe integer of at least `min`. */
  optInt(o: Obj, key: string, path = '', min = 0): number | undefined {
    return o[key] == null ? undefined : this.int(o, key, path, min);
  }

  /** Requires a finite number of at least `min`. */
  num(o: Obj, key: string, path = '', min = 0): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
      this.fail(path + key, `expected a number >= ${min}`);
    }
    return v;
  }

  /** Requires a boolean. */
  bool(o: Obj, key: string, path = ''): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') {
      this.fail(path + key, 'expected a boolean');
    }
    return v;
  }

  /** Requires one of the listed strings. */
  oneOf<T extends string>(o: Obj, key: string, values: readonly T[], path = ''): T {
    const v = o[key];
    if (typeof v !== 'string' || !values.includes(v as T)) {
      this.fail(path + key, `expected one of ${values.join(', ')}`);
    }
    return v as T;
  }

  /** Requires an object whose values are all strings. */
  strRecord(o: Obj, key: string, path = ''): Record<string, string> {
    const rec = this.obj(o[key], path + key);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(rec)) {
      if (typeof v !== 'string') {
        this.fail(`${path}${key}.${k}`, 'expected a string');
      }
      out[k] = v;
    }
    return out;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Current version of every JSON message; decoders accept this and older. */
export const MESSAGE_VERSION = 1;

/**
 * Parses UTF-8 JSON bytes into an object and checks its version (`v`) and type tag (`t`).
 * A newer version throws `UnsupportedMessageVersionError`.
 */
export function parseJsonMessage(f: Fields, tag: string, bytes: Uint8Array): Obj {
  if (!(bytes instanceof Uint8Array)) {
    f.fail('', 'expected bytes');
  }
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    f.fail('', 'not UTF-8 JSON', err);
  }
  return checkHeader(f, tag, value);
}

/** Checks the `v` and `t` fields of an already parsed message object. */
export function checkHeader(f: Fields, tag: string, value: unknown): Obj {
  const o = f.obj(value, '');
  const v = f.int(o, 'v', '', 1);
  if (v > MESSAGE_VERSION) {
    throw new UnsupportedMessageVersionError(f.type, v);
  }
  if (o['t'] !== tag) {
    f.fail('t', `expected ${JSON.stringify(tag)}`);
  }
  return o;
}

/** Serialises a message object as UTF-8 JSON bytes. */
export function jsonBytes(o: Obj): Uint8Array {
  return encoder.encode(JSON.stringify(o));
}

/**
 * Runs a decoder's validation on an object about to be encoded, turning its complaint into a
 * `TypeError` (bad arguments are the caller's bug, not a wire problem).
 */
export function checkOutgoing<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new TypeError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** Copies only the defined properties, so optional fields are omitted rather than `null`. */
export function compact<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (v !== undefined) {
      out[k] = v;
    }
  }
  return out as T;
}

/** The encoder and decoder of one versioned (`v`), tagged (`t`) JSON message type. */
export interface JsonCodec<T> {
  /** Encodes a message. Throws `TypeError` on invalid fields. */
  encode(msg: T): Uint8Array;
  /** Decodes a message. Throws `MessageDecodeError` or `UnsupportedMessageVersionError`. */
  decode(bytes: Uint8Array): T;
}

/**
 * Builds the codec of a JSON message from its field reader, which checks outgoing messages as
 * well as incoming ones, so both sides refuse exactly the same fields.
 */
export function jsonCodec<T extends object>(
  tag: string,
  f: Fields,
  read: (o: Obj) => T,
): JsonCodec<T> {
  return {
    encode(msg: T): Uint8Array {
      const wire = { v: MESSAGE_VERSION, t: tag, ...compact({ ...msg } as Obj) };
      checkOutgoing(() => read(wire));
      return jsonBytes(wire);
    },
    decode(bytes: Uint8Array): T {
      return read(parseJsonMessage(f, tag, bytes));
    },
  };
}
