/**
 * What a mount knows about asking ingest for a burst: which session it has whole (seen from its
 * start, or filled from a burst reply, so its announcement, titles and header pages are known),
 * the retry budget of requests that went unanswered, and the title changes that arrived while a
 * request was in flight. Pure bookkeeping: no I/O, and the clock is passed in.
 */
import type { TitleChange } from '@penguincast/bus';

/** Unanswered burst requests per session after which the edge stops asking. */
const MAX_FAILURES = 3;
/** Wait after the n-th unanswered request before the next one: n times this. */
const RETRY_STEP_MS = 2000;
/** Title changes kept while a request runs; more than this many in 1.5 s is not a station. */
const HELD_TITLES = 32;

/** One mount's burst-request bookkeeping. */
export class Seeding {
  /** The session this edge has whole. */
  whole: string | undefined;
  /** A session whose `up` this edge saw at stream position 0: all of it will come live. */
  announcedAtStart: string | undefined;
  #inFlight = false;
  #held: TitleChange[] = [];
  #failures = 0;
  #retryAt = 0;

  /** True while a burst request runs. */
  get inFlight(): boolean {
    return this.#inFlight;
  }

  /** True when another request may be sent now: few enough failed, and not too recently. */
  mayAsk(nowMs: number): boolean {
    return this.#failures < MAX_FAILURES && nowMs >= this.#retryAt;
  }

  /** A request starts. */
  begin(): void {
    this.#inFlight = true;
  }

  /**
   * Keeps a title change of the current session that arrived while a request runs: a reply
   * that refills the ring clears the titles, and ingest may have taken its snapshot before it.
   */
  hold(t: TitleChange): void {
    if (this.#inFlight) {
      this.#held.push(t);
      if (this.#held.length > HELD_TITLES) {
        this.#held.shift();
      }
    }
  }

  /** The request ended; returns the held titles to apply again after the reply. */
  end(): TitleChange[] {
    this.#inFlight = false;
    const held = this.#held;
    this.#held = [];
    return held;
  }

  /** No reply came: ask again later, with growing waits, a few times per session. */
  failed(nowMs: number): void {
    this.#failures += 1;
    this.#retryAt = nowMs + RETRY_STEP_MS * this.#failures;
  }

  /** A reply for `session` arrived: the edge has it whole. */
  replied(session: string): void {
    this.whole = session;
    this.#failures = 0;
    this.#retryAt = 0;
  }

  /** A new session began on the ring: the retry budget is per session. */
  newSession(): void {
    this.#failures = 0;
    this.#retryAt = 0;
  }
}
