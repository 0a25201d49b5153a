/**
 * The codec header pages (Ogg, FLAC) of a mount's recent source sessions, which a listener
 * starting mid-session must receive before any audio, and the switch to a chained Ogg stream's
 * next link. Ingest announces a link's pages before the audio holding them, so the pages of the
 * link on air change only when its first chunk (marked `codecHeaders`) arrives. Pure
 * bookkeeping: no I/O.
 */

/** How many sessions' pages are kept: the current one and a few announced or ended ones. */
const SESSIONS_KEPT = 4;

/** Header pages by source session. */
export class HeaderPages {
  #pages = new Map<string, Buffer>();
  /** Pages announced for the current session's next link, whose first chunk has not come. */
  #next: { session: string; pages: Buffer } | undefined;
  /** A session whose new link began (its marked chunk came) before its pages were announced. */
  #due: string | undefined;

  /**
   * Records a session's pages as one buffer (a burst reply's, whose frames follow them); an
   * empty list records nothing.
   */
  remember(session: string, pages: readonly Uint8Array[]): void {
    if (pages.length === 0) {
      return;
    }
    this.#set(session, Buffer.concat(pages));
    if (this.#due === session) {
      this.#due = undefined;
    }
  }

  /**
   * Takes pages announced (or sent in a burst reply) for `session`. For a session already on
   * air (`onAir`), different pages belong to its next link and wait for that link's first
   * chunk, unless that chunk came first or no pages were known at all.
   */
  announce(session: string, pages: readonly Uint8Array[], onAir: boolean): void {
    if (pages.length === 0) {
      return;
    }
    const joined = Buffer.concat(pages);
    const current = this.#pages.get(session);
    if (!onAir || current === undefined || this.#due === session) {
      this.#set(session, joined);
      if (this.#due === session) {
        this.#due = undefined;
      }
      return;
    }
    if (!joined.equals(current)) {
      this.#next = { session, pages: joined };
    }
  }

  /**
   * A chunk marked `codecHeaders` of `session` arrived: a new header set starts in `data`. The
   * announced pages of that link become current; without them the session is due its pages.
   */
  linkStarted(session: string, data: Uint8Array): void {
    const next = this.#next?.session === session ? this.#next.pages : undefined;
    if (next !== undefined) {
      this.#set(session, next);
      this.#next = undefined;
    }
    const current = this.#pages.get(session);
    const known = current !== undefined && (next !== undefined || startsWith(data, current));
    if (known) {
      if (this.#due === session) {
        this.#due = undefined;
      }
    } else {
      this.#due = session;
    }
  }

  /** True while `session`'s newest link began but its pages are unknown here. */
  isDue(session: string): boolean {
    return this.#due === session;
  }

  /** The pages of `session`, or undefined for codecs without headers. */
  get(session: string): Uint8Array | undefined {
    return this.#pages.get(session);
  }

  /** `{ preamble }` for a reader of `session` that needs the pages, `{}` otherwise. */
  preamble(session: string, needed: boolean): { preamble?: Uint8Array } {
    const pages = needed ? this.#pages.get(session) : undefined;
    return pages === undefined ? {} : { preamble: pages };
  }

  #set(session: string, pages: Buffer): void {
    this.#pages.delete(session);
    this.#pages.set(session, pages);
    if (this.#next?.session === session && this.#next.pages.equals(pages)) {
      this.#next = undefined;
    }
    if (this.#pages.size > SESSIONS_KEPT) {
      this.#pages.delete(this.#pages.keys().next().value as string);
    }
  }
}

/** True when `data` begins with `prefix`, or is a beginning of it (a link split over chunks). */
function startsWith(data: Uint8Array, prefix: Uint8Array): boolean {
  const n = Math.min(data.length, prefix.length);
  return Buffer.from(data.buffer, data.byteOffset, n).equals(
    Buffer.from(prefix.buffer, prefix.byteOffset, n),
  );
}
