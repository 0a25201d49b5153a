/**
 * Splits a relayed ICY body into the audio and the title changes between it, in stream order,
 * so each title can be republished at the position of the audio it precedes. Pure: it calls
 * its sink and keeps no clock or socket.
 */
import { IcyStreamParser } from '@penguincast/icy';

/** Where the demultiplexed stream goes. */
export interface IcyDemuxSink {
  /** The next audio bytes, metadata removed. */
  audio(bytes: Uint8Array): void;
  /** A new title, in force from the next audio byte on. */
  title(title: string, url: string | undefined): void;
}

/**
 * Feeds audio and titles to a sink in the order they were on the wire. Without a `metaint`
 * (the upstream sent no `icy-metaint`) the body is all audio. Repeated titles are dropped, since
 * servers resend the current title to each new client and after every source reconnect.
 */
export class IcyDemux {
  readonly #parser: IcyStreamParser | undefined;
  readonly #sink: IcyDemuxSink;
  #fed = 0;
  #last: string | undefined;

  constructor(metaint: number | undefined, sink: IcyDemuxSink) {
    // Icecast does not escape quotes inside titles, so only the framing is checked.
    this.#parser =
      metaint === undefined ? undefined : new IcyStreamParser(metaint, { strict: false });
    this.#sink = sink;
  }

  /** Takes the next body bytes. Throws an `IcyFramingError` when the framing is broken. */
  push(chunk: Uint8Array): void {
    if (this.#parser === undefined) {
      this.#sink.audio(chunk);
      return;
    }
    const { audio, blocks } = this.#parser.push(chunk);
    let next = 0;
    const emitDue = (): void => {
      // A block sits between slices, right after the audio it follows.
      while (next < blocks.length && blocks[next]!.audioOffset <= this.#fed) {
        const meta = blocks[next]!.meta;
        next += 1;
        if (meta !== undefined) {
          this.#title(meta.title ?? '', meta.url);
        }
      }
    };
    emitDue();
    for (const slice of audio) {
      this.#sink.audio(slice);
      this.#fed += slice.length;
      emitDue();
    }
  }

  #title(title: string, url: string | undefined): void {
    const key = `${title}\u0000${url ?? ''}`;
    if (key === this.#last || (this.#last === undefined && title === '' && url === undefined)) {
      return;
    }
    this.#last = key;
    this.#sink.title(title, url === '' ? undefined : url);
  }
}

/** The `icy-metaint` of a reply, or undefined when absent or unusable. */
export function metaintOf(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,6}\s*$/.test(value)) {
    return undefined;
  }
  const n = Number(value);
  return n > 0 ? n : undefined;
}
