/**
 * Redis key builders (`pc:` prefix by default). Every state key is built here, with mount names
 * encoded by the same reversible token as subjects, so no key contains glob characters.
 */
import { decodeMountToken, encodeMountToken } from './subjects.js';

/** The default key prefix, without its trailing `:`. */
export const DEFAULT_KEY_PREFIX = 'pc';

const PREFIX_RE = /^[a-z0-9_-]+(:[a-z0-9_-]+)*$/;
const ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/** Checks a key prefix: colon-separated lowercase tokens of `[a-z0-9_-]`. Throws `TypeError`. */
export function validateKeyPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new TypeError(
      `key prefix ${JSON.stringify(prefix)} must be colon-separated lowercase tokens of [a-z0-9_-]`,
    );
  }
  return prefix;
}

function instanceId(id: string): string {
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    throw new TypeError(
      `instance id ${JSON.stringify(id)} must be 1-128 characters of [A-Za-z0-9_-]`,
    );
  }
  return id;
}

/** All state keys bound to one validated prefix. */
export class Keys {
  /** The prefix every key starts with, without its trailing `:`. */
  readonly prefix: string;

  constructor(prefix: string = DEFAULT_KEY_PREFIX) {
    this.prefix = validateKeyPrefix(prefix);
  }

  /** `<p>:mount:<m>`: the mount info hash, kept alive by the owning ingest's heartbeat TTL. */
  mountInfo(mount: string): string {
    return `${this.prefix}:mount:${encodeMountToken(mount)}`;
  }

  /** Prefix of every mount info key, for `scanKeys()`. */
  mountInfoPrefix(): string {
    return `${this.prefix}:mount:`;
  }

  /** Recovers the mount name from a key returned by scanning `mountInfoPrefix()`. */
  mountFromInfoKey(key: string): string {
    const head = this.mountInfoPrefix();
    if (!key.startsWith(head)) {
      throw new TypeError(`${JSON.stringify(key)} is not a mount info key`);
    }
    return decodeMountToken(key.slice(head.length));
  }

  /** `<p>:lease:<m>`: the single-owner lease of a mount (its value is the owner id). */
  mountLease(mount: string): string {
    return `${this.prefix}:lease:${encodeMountToken(mount)}`;
  }

  /** `<p>:listeners:<m>:<edge>`: one edge's listener count on a mount, with a TTL. */
  listenerCount(mount: string, edgeId: string): string {
    return `${this.listenerCountPrefix(mount)}${instanceId(edgeId)}`;
  }

  /** Prefix of every edge's listener count for a mount, for `sumCounters()`. */
  listenerCountPrefix(mount: string): string {
    return `${this.prefix}:listeners:${encodeMountToken(mount)}:`;
  }

  /** `<p>:clients:<edge>`: one edge's total listener count, with a TTL. */
  edgeClients(edgeId: string): string {
    return `${this.edgeClientsPrefix()}${instanceId(edgeId)}`;
  }

  /** Prefix of every edge's total count, for `sumCounters()`. */
  edgeClientsPrefix(): string {
    return `${this.prefix}:clients:`;
  }

  /** `<p>:peak:<m>`: the highest listener count a mount has seen. */
  listenerPeak(mount: string): string {
    return `${this.prefix}:peak:${encodeMountToken(mount)}`;
  }

  /** `<p>:peak-all`: the highest server-wide listener count. */
  serverPeak(): string {
    return `${this.prefix}:peak-all`;
  }

  /** `<p>:server-start`: the server start time (milliseconds since the epoch). */
  serverStart(): string {
    return `${this.prefix}:server-start`;
  }

  /**
   * `<p>:fallback:<m>`: the runtime fallback of a mount set through `/admin/fallbacks` (its value
   * is the fallback mount name); it wins over the configured one until cleared.
   */
  fallback(mount: string): string {
    return `${this.fallbackPrefix()}${encodeMountToken(mount)}`;
  }

  /** Prefix of every runtime fallback key, for `scanKeys()`. */
  fallbackPrefix(): string {
    return `${this.prefix}:fallback:`;
  }

  /** Recovers the mount name from a key returned by scanning `fallbackPrefix()`. */
  mountFromFallbackKey(key: string): string {
    const head = this.fallbackPrefix();
    if (!key.startsWith(head)) {
      throw new TypeError(`${JSON.stringify(key)} is not a fallback key`);
    }
    return decodeMountToken(key.slice(head.length));
  }

  /** `<p>:instance:<id>`: an instance's heartbeat hash (role, version, address). */
  instance(id: string): string {
    return `${this.instancePrefix()}${instanceId(id)}`;
  }

  /** Prefix of every instance heartbeat, for `scanKeys()`. */
  instancePrefix(): string {
    return `${this.prefix}:instance:`;
  }
}
