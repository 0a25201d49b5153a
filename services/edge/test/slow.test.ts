/**
 * Slow-listener isolation: a listener that never reads (tiny receive buffer) is dropped once it
 * falls the queue size behind, logged once and counted, while 50 listeners beside it receive
 * every published byte in order and keep up with the live edge.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { makeTestAudio, openListener, sleep, waitFor } from '@penguincast/testkit';
import { metricValue, neverReader, startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const QUEUE = 131072;
let h: EdgeHarness;
let ingest: TestIngest;
let pub: LiveSource;

before(async () => {
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20, bitrate: 320 }));
  const config = {
    Limits: { Clients: 200 },
    Mounts: [{ Name: '/fast.mp3', Password: 'p', QueueSize: QUEUE, BurstSize: 16384 }],
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  // 320 kbit/s at twice real time: 80 KB/s, so the queue fills within seconds.
  pub = new LiveSource({
    ingest,
    mount: '/fast.mp3',
    file,
    speed: 2,
    prerollMs: 500,
  });
  await pub.start();
  await h.bus.flush();
});

after(async () => {
  await pub.stop();
  await ingest.stop();
  await h.stop();
});

test(
  'a listener that never reads is dropped; 50 beside it get every byte in order',
  T,
  async () => {
    const slow = neverReader(h.edge.port, '/fast.mp3');
    try {
      await waitFor(() => h.edge.listenerCount('/fast.mp3') === 1, 5000, 'the slow listener');
      const listeners = Array.from({ length: 50 }, () =>
        openListener(h.url('/fast.mp3'), { durationMs: 4500 }),
      );
      await waitFor(() => h.edge.listenerCount('/fast.mp3') === 51, 5000, '51 listeners');
      await waitFor(
        () => h.lines.some((l) => String(l['msg']).includes('fallen too far behind')),
        8000,
        'the slow listener to be dropped',
      );
      assert.equal(h.edge.listenerCount('/fast.mp3'), 50);
      const results = await Promise.all(listeners.map((l) => l.done));
      const headAtEnd = pub.position;
      const published = pub.audio();
      for (const r of results) {
        assert.equal(r.status, 200);
        assert.equal(r.endReason, 'duration');
        const start = published.indexOf(r.audio.subarray(0, 4096));
        assert.ok(start >= 0 && pub.chunkStarts().has(start), 'starts on a published chunk');
        assert.ok(
          published.subarray(start, start + r.audio.length).equals(r.audio),
          'every byte in order',
        );
        // Full rate: each one ends within a few chunks of the live edge.
        assert.ok(
          start + r.audio.length >= headAtEnd - 48000,
          `lagging ${headAtEnd - start - r.audio.length}`,
        );
      }
      const drops = h.lines.filter((l) => String(l['msg']).includes('fallen too far behind'));
      assert.equal(drops.length, 1, 'logged once');
      assert.ok(Number(drops[0]?.['lagBytes']) > QUEUE);
      assert.equal(
        await metricValue(h.registry, 'penguincast_slow_listener_drops_total', {
          mount: '/fast.mp3',
        }),
        1,
      );
    } finally {
      await slow.stop();
    }
  },
);

test('a listener stuck without write progress is dropped after WriteTimeOut', T, async () => {
  const edge = await startEdge({
    bus: h.bus,
    config: {
      // A huge queue, so only the write timeout can catch the listener.
      Limits: { WriteTimeOut: 1, QueueSize: 8 * 1024 * 1024, BurstSize: 16384 },
    },
  });
  const slow = neverReader(edge.edge.port, '/fast.mp3');
  try {
    await waitFor(() => edge.edge.listenerCount('/fast.mp3') === 1, 5000, 'the slow listener');
    await waitFor(() => edge.edge.listenerCount('/fast.mp3') === 0, 8000, 'the write timeout');
    assert.ok(edge.lines.some((l) => String(l['msg']).includes('no write progress')));
    await sleep(10);
  } finally {
    await slow.stop();
    await edge.stop();
  }
});
