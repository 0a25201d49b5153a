/**
 * The splitter for content types PenguinCast cannot frame: every byte goes out at once,
 * unframed, as Icecast's generic format does. Pure and stateless.
 */
import type { FrameSplitter, SplitResult } from './types.js';

const EMPTY = new Uint8Array(0);

/** Passes every byte through immediately; `frames` is always empty and nothing is skipped. */
export class PassthroughSplitter implements FrameSplitter {
  readonly kind = 'unknown' as const;
  readonly framed = false;
  readonly headerPages = EMPTY;
  readonly pendingBytes = 0;

  push(chunk: Uint8Array): SplitResult {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError('FrameSplitter.push expects a Uint8Array');
    }
    // A copy, as every splitter returns memory the caller owns and the source may reuse its buffer.
    return result(new Uint8Array(chunk));
  }

  flush(): SplitResult {
    return result(EMPTY);
  }
}

function result(data: Uint8Array): SplitResult {
  return {
    data,
    frames: [],
    samples: 0,
    durationMs: 0,
    skippedBytes: 0,
    headersChanged: false,
    titles: [],
  };
}
