/** Unit tests of the chunk ring: offsets, lookups, burst start on chunk boundaries and trimming. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkRing } from './ring.js';

function bytes(n: number, fill = 1): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

test('offsets are contiguous and lookups find the holding chunk', { timeout: 1000 }, () => {
  const ring = new ChunkRing(100);
  ring.append(bytes(10), 's1', 0, { sessionStart: true });
  ring.append(bytes(20), 's1', 10);
  assert.equal(ring.append(bytes(0), 's1', 30), undefined);
  ring.append(bytes(5), 's2', 0, { sessionStart: true });
  assert.equal(ring.tail, 100);
  assert.equal(ring.head, 135);
  assert.equal(ring.find(99), undefined);
  assert.equal(ring.find(100)?.streamPos, 0);
  assert.equal(ring.find(129)?.streamPos, 10);
  assert.equal(ring.find(130)?.session, 's2');
  assert.equal(ring.find(135), undefined);
});

test(
  'the burst starts on the first chunk boundary at or after head - burst',
  { timeout: 1000 },
  () => {
    const ring = new ChunkRing();
    for (let i = 0; i < 10; i++) {
      ring.append(bytes(100), 's', i * 100);
    }
    assert.equal(ring.burstStart(250), 800);
    assert.equal(ring.burstStart(300), 700);
    assert.equal(ring.burstStart(0), 1000);
    assert.equal(ring.burstStart(1e9), 0);
    assert.equal(ring.liveStart(), 900);
  },
);

test('the burst never reaches back into an older session', { timeout: 1000 }, () => {
  const ring = new ChunkRing();
  ring.append(bytes(100), 'old', 0);
  ring.append(bytes(100), 'old', 100);
  ring.append(bytes(50), 'new', 0, { sessionStart: true });
  assert.equal(ring.burstStart(1000), 200);
});

test('trim drops whole chunks beyond the kept bytes and compacts', { timeout: 1000 }, () => {
  const ring = new ChunkRing();
  for (let i = 0; i < 1000; i++) {
    ring.append(bytes(10), 's', i * 10);
    ring.trim(95);
  }
  assert.equal(ring.head, 10000);
  assert.equal(ring.tail, 9900);
  assert.equal(ring.length, 10);
  assert.equal(ring.find(9899), undefined);
  assert.equal(ring.find(9900)?.start, 9900);
  ring.clear();
  assert.equal(ring.tail, 10000);
  assert.equal(ring.last, undefined);
});
