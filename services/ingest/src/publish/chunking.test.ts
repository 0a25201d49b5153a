/** Unit tests of cutting splitter results into bus-sized, frame-aligned pieces. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PassthroughSplitter, type FrameInfo, type SplitResult } from '@penguincast/icy';
import { HeaderRuns, cutPieces, headerEnd } from './chunking.js';

function result(sizes: number[], header = 0): SplitResult {
  const frames: FrameInfo[] = [];
  let offset = 0;
  sizes.forEach((length, i) => {
    frames.push({ offset, length, samples: 1152, sampleRate: 44100, header: i < header });
    offset += length;
  });
  return {
    data: new Uint8Array(offset),
    frames,
    samples: 1152 * sizes.length,
    durationMs: 0,
    skippedBytes: 0,
    headersChanged: header > 0,
    titles: [],
  };
}

test('pieces never split a frame and stay within the limit', { timeout: 5_000 }, () => {
  const pieces = cutPieces(result([400, 400, 400, 400, 400]), 1000);
  assert.deepEqual(
    pieces.map((p) => [p.start, p.end, p.frames, p.samples, p.sampleRate]),
    [
      [0, 800, 2, 2304, 44100],
      [800, 1600, 2, 2304, 44100],
      [1600, 2000, 1, 1152, 44100],
    ],
  );
  assert.deepEqual(pieces[0]!.starts, [0, 400]);
  // A frame larger than the limit travels alone.
  assert.deepEqual(
    cutPieces(result([100, 5000, 100]), 1000).map((p) => [p.start, p.end]),
    [
      [0, 100],
      [100, 5100],
      [5100, 5200],
    ],
  );
  assert.deepEqual(cutPieces(result([]), 1000), []);
});

test('unframed data is cut by size', { timeout: 5_000 }, () => {
  const r = new PassthroughSplitter().push(new Uint8Array(2500));
  assert.deepEqual(
    cutPieces(r, 1000).map((p) => [p.start, p.end, p.starts, p.frames]),
    [
      [0, 1000, null, undefined],
      [1000, 2000, null, undefined],
      [2000, 2500, null, undefined],
    ],
  );
});

test('headerEnd finds the end of the last header frame', { timeout: 5_000 }, () => {
  assert.equal(headerEnd(result([50, 60, 70], 2)), 110);
  assert.equal(headerEnd(result([50, 60])), undefined);
});

/** A result whose frames are header (`h`) or audio (`a`) frames of 100 bytes each. */
function mixed(kinds: string): SplitResult {
  const r = result([...kinds].map(() => 100));
  return { ...r, frames: r.frames.map((f, i) => ({ ...f, header: kinds[i] === 'h' })) };
}

test('a new set of codec headers starts its own marked piece', { timeout: 5_000 }, () => {
  // The stream's first headers, then audio, then the next link's headers in a later result.
  const tracker = new HeaderRuns();
  assert.deepEqual([...tracker.starts(mixed('hhaa'))], [0]);
  const link = mixed('aahhhaa');
  const starts = tracker.starts(link);
  assert.deepEqual([...starts], [2]);
  assert.deepEqual(
    cutPieces(link, 1000, starts).map((p) => [p.start, p.end, p.codecHeaders ?? false]),
    [
      [0, 200, false],
      [200, 700, true],
    ],
  );
  // A header run split over two results is one run: only its first frame is a start.
  const split = new HeaderRuns();
  assert.deepEqual([...split.starts(mixed('aah'))], [2]);
  assert.deepEqual([...split.starts(mixed('hhaa'))], []);
  // The size limit still applies after a forced start.
  assert.deepEqual(
    cutPieces(link, 250, starts).map((p) => [p.start, p.end, p.codecHeaders ?? false]),
    [
      [0, 200, false],
      [200, 400, true],
      [400, 600, false],
      [600, 700, false],
    ],
  );
});
