/**
 * On-demand relays seen from the edge: a first listener of such a mount sends a demand request,
 * is held until the relay's first audio and then served; while it listens, the demand is
 * repeated with its count; a refused demand or a mount that is not relayed on demand answers
 * 404 without waiting. The relay is ingest's own, pulling /src.mp3 from the edge under test,
 * where a real PUT source plays.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { decodeAudioChunk, decodeRelayDemand, type RelayDemand } from '@penguincast/bus';
import { listen, makeTestAudio, mp3check, openListener, waitFor } from '@penguincast/testkit';
import { startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

let h: EdgeHarness;
let ingest: TestIngest;
let upstream: LiveSource;
const demands: Array<RelayDemand & { request: boolean }> = [];
/** What ingest's relay published on /od.mp3, and when its first audio came. */
const relayed: Uint8Array[] = [];
let firstRelayedAt: number | undefined;

before(async () => {
  h = await startEdge({
    config: {
      Mounts: [
        { Name: '/od.mp3', Password: 'p', Relay: { Url: 'http://127.0.0.1:9/x', OnDemand: true } },
        {
          Name: '/refused.mp3',
          Password: 'p',
          Relay: { Url: 'http://127.0.0.1:9/y', OnDemand: true },
        },
        { Name: '/plain.mp3', Password: 'p' },
      ],
    },
    settings: { demandRefreshMs: 200, demandWaitMs: 3000 },
  });
  // Ingest relays /od.mp3 on demand from the edge's /src.mp3; it has no relay for
  // /refused.mp3, so it refuses that demand.
  ingest = await startTestIngest({
    bus: h.bus,
    config: {
      Mounts: [
        {
          Name: '/od.mp3',
          Password: 'p',
          Relay: { Url: h.url('/src.mp3'), OnDemand: true },
        },
        { Name: '/refused.mp3', Password: 'p' },
        { Name: '/plain.mp3', Password: 'p' },
      ],
    },
  });
  const file = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 20 }));
  upstream = new LiveSource({ ingest, mount: '/src.mp3', file, prerollMs: 1500 });
  await upstream.start();
  h.bus.subscribe(h.subjects.allDemand(), (msg) => {
    const d = decodeRelayDemand(msg.data);
    demands.push({ ...d, request: msg.reply !== undefined });
  });
  h.bus.subscribe(h.subjects.audio('/od.mp3'), (msg) => {
    firstRelayedAt ??= Date.now();
    relayed.push(decodeAudioChunk(msg).data);
  });
  await h.bus.flush();
});

after(async () => {
  await upstream.stop();
  await ingest.stop();
  await h.stop();
});

test('a first listener starts the relay and is held until its audio', T, async () => {
  const listener = openListener(h.url('/od.mp3'), { metadata: true, durationMs: 2000 });
  const head = await listener.response;
  const answeredAt = Date.now();
  assert.equal(head.status, 200);
  assert.ok(
    firstRelayedAt !== undefined && answeredAt >= firstRelayedAt,
    'answered only once the relay sent audio',
  );
  await waitFor(
    () => demands.some((d) => !d.request && d.mount === '/od.mp3' && d.listeners === 1),
    3000,
    'a repeated demand counting the listener',
  );
  const r = await listener.done;
  assert.deepEqual(r.framingErrors, []);
  assert.ok(Buffer.concat(relayed).indexOf(r.audio.subarray(0, 4096)) >= 0);
  const check = await mp3check(r.audio);
  assert.ok(check.ok, check.output);
  const first = demands.find((d) => d.request);
  assert.deepEqual(first, {
    mount: '/od.mp3',
    requester: h.instanceId,
    listeners: 0,
    request: true,
  });
});

test('a refused demand and a mount not relayed on demand answer 404 at once', T, async () => {
  const t0 = Date.now();
  assert.equal((await listen(h.url('/refused.mp3'), { durationMs: 3000 })).status, 404);
  assert.equal((await listen(h.url('/plain.mp3'), { durationMs: 3000 })).status, 404);
  assert.ok(Date.now() - t0 < 2500, 'no wait for a relay that will not come');
  assert.ok(demands.some((d) => d.mount === '/refused.mp3' && d.request));
  assert.ok(!demands.some((d) => d.mount === '/plain.mp3'));
});
