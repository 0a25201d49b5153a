/** Unit tests of the burst buffer: frame-boundary cuts, retention, title timeline, header skip. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BurstBuffer } from './burst-buffer.js';

/** A chunk of `n` frames of `size` bytes, each frame filled with its global index. */
function frames(first: number, n: number, size: number): { data: Uint8Array; starts: number[] } {
  const data = new Uint8Array(n * size);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    data.fill((first + i) & 0xff, i * size, (i + 1) * size);
    starts.push(i * size);
  }
  return { data, starts };
}

test('a burst starts on a frame boundary and stays within the budget', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(10_000);
  let pos = 0;
  for (let c = 0; c < 10; c++) {
    const { data, starts } = frames(c * 4, 4, 100);
    b.push(pos, data, starts);
    pos += data.length;
  }
  const snap = b.snapshot(950);
  const total = snap.frames.reduce((n, f) => n + f.data.length, 0);
  assert.equal(total, 900, 'nine whole frames fit in 950 bytes');
  assert.equal(snap.frames[0]!.position, 4000 - 900);
  assert.equal(snap.endPosition, 4000);
  let at = snap.frames[0]!.position;
  for (const f of snap.frames) {
    assert.equal(f.position, at);
    assert.equal(f.data[0], (f.position / 100) & 0xff, 'starts at a frame start');
    at += f.data.length;
  }
  assert.deepEqual(b.snapshot(50).frames, [], 'no frame fits in 50 bytes');
  assert.equal(
    b.snapshot(1_000_000).frames.reduce((n, f) => n + f.data.length, 0),
    4000,
  );
});

test('old chunks are dropped beyond the retained size', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(1000);
  let pos = 0;
  for (let c = 0; c < 20; c++) {
    const { data, starts } = frames(c, 1, 300);
    b.push(pos, data, starts);
    pos += 300;
  }
  assert.ok(b.bytes >= 1000 && b.bytes < 1300, `${b.bytes} bytes held`);
  assert.throws(() => b.push(0, new Uint8Array(1), [0]), TypeError);
});

test('titles cover the burst; the one in effect at its start is kept', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(1000);
  let pos = 0;
  const title = (t: string) => b.addTitle({ position: pos, title: t, charset: 'UTF-8' });
  assert.equal(b.snapshot(100).title, null);
  title('one');
  for (let c = 0; c < 10; c++) {
    if (c === 5) {
      title('two');
    }
    if (c === 8) {
      title('three');
    }
    const { data, starts } = frames(c, 1, 200);
    b.push(pos, data, starts);
    pos += 200;
  }
  const snap = b.snapshot(700);
  assert.equal(snap.frames[0]!.position, 1400);
  assert.deepEqual(
    snap.titles.map((t) => t.title),
    ['two', 'three'],
  );
  assert.equal(snap.title?.title, 'three');
  // "one" ended before the oldest byte held and was dropped.
  assert.deepEqual(
    b.snapshot(10_000).titles.map((t) => t.title),
    ['two', 'three'],
  );
});

test('no burst starts before the codec headers end', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(10_000);
  const first = frames(0, 3, 100);
  b.push(0, first.data, first.starts);
  b.setAudioStart(200);
  const more = frames(3, 2, 100);
  b.push(300, more.data, more.starts);
  const snap = b.snapshot(10_000);
  assert.equal(snap.frames[0]!.position, 200);
  assert.equal(
    snap.frames.reduce((n, f) => n + f.data.length, 0),
    300,
  );
});

test('unframed audio is cut anywhere', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(10_000);
  b.push(0, new Uint8Array(1000), null);
  const snap = b.snapshot(333);
  assert.equal(snap.frames[0]!.position, 667);
  assert.equal(snap.frames[0]!.data.length, 333);
});

test('a burst stops before a header set that is still arriving', { timeout: 5_000 }, () => {
  const b = new BurstBuffer(10_000);
  let pos = 0;
  let seq = 0;
  const push = (n: number, codecHeaders = false): void => {
    const { data, starts } = frames(seq, 1, n);
    b.push(pos, data, starts, { seq, codecHeaders });
    pos += n;
    seq += 1;
  };
  push(100, true);
  b.setAudioStart(100);
  push(200);
  push(200);
  // The next link's first header page arrives; its last one has not come yet.
  push(50, true);
  let snap = b.snapshot(10_000);
  assert.deepEqual(
    snap.frames.map((f) => f.position),
    [100, 300],
  );
  assert.equal(snap.endPosition, 500);
  assert.equal(snap.nextSeq, 3);
  push(60);
  assert.equal(b.snapshot(10_000).endPosition, 500, 'still arriving');
  // Its headers complete: the burst now starts after them and reaches the newest audio.
  b.setAudioStart(610);
  push(200);
  snap = b.snapshot(10_000);
  assert.deepEqual(
    snap.frames.map((f) => f.position),
    [610],
  );
  assert.equal(snap.endPosition, 810);
  assert.equal(snap.nextSeq, undefined);
  // Headers completed in the same result as their first page never hold a burst back.
  b.setAudioStart(900);
  push(90, true);
  push(100);
  assert.equal(b.snapshot(10_000).endPosition, 1000);
});
