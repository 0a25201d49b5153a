/**
 * The table of source sessions live on this instance, by mount and by lease owner, so control
 * commands, title updates and takeovers find the local holder without asking Redis.
 */
import type { SourceSession } from './session.js';

/** Source sessions live on this instance. */
export class LocalSessions {
  readonly #byMount = new Map<string, SourceSession>();
  readonly #byOwner = new Map<string, SourceSession>();

  /** Registers a session that now holds its mount (replacing any stale entry for the mount). */
  add(session: SourceSession): void {
    const old = this.#byMount.get(session.mount);
    if (old !== undefined) {
      this.#byOwner.delete(old.owner);
    }
    this.#byMount.set(session.mount, session);
    this.#byOwner.set(session.owner, session);
  }

  /** Forgets a session, if it is still the one registered for its mount. */
  remove(session: SourceSession): void {
    if (this.#byMount.get(session.mount) === session) {
      this.#byMount.delete(session.mount);
    }
    if (this.#byOwner.get(session.owner) === session) {
      this.#byOwner.delete(session.owner);
    }
  }

  /** The live session of `mount`, if this instance holds it. */
  get(mount: string): SourceSession | undefined {
    return this.#byMount.get(mount);
  }

  /** The live session whose lease owner is `owner`. */
  byOwner(owner: string): SourceSession | undefined {
    return this.#byOwner.get(owner);
  }

  /** Every live session. */
  all(): SourceSession[] {
    return [...this.#byMount.values()];
  }

  /** Number of live sessions. */
  get size(): number {
    return this.#byMount.size;
  }
}
