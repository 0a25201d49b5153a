/**
 * The codec header pages (Ogg, FLAC) of a mount's recent source sessions, which a listener
 * starting mid-session must receive before any audio. Pure bookkeeping: no I/O.
 */

/** How many sessions' pages are kept: the current one and a few announced or ended ones. */
const SESSIONS_KEPT = 4;

/** Header pages by source session. */
export class HeaderPages {
  #pages = new Map<string, Uint8Array>();

  /** Records a session's pages as one buffer; an empty list records nothing. */
  remember(session: string, pages: readonly Uint8Array[]): void {
    if (pages.length === 0) {
      return;
    }
    this.#pages.delete(session);
    this.#pages.set(session, Buffer.concat(pages));
    if (this.#pages.size > SESSIONS_KEPT) {
      this.#pages.delete(this.#pages.keys().next().value as string);
    }
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
}
