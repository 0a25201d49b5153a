/**
 * Final replies and page paths at the edge: clients that get a final reply (OPTIONS, 404, HEAD,
 * 502) and then never close their side lose their connection within seconds, so they cannot
 * hold descriptors; a source announced under a page path (`/status-json.xsl`) never takes the
 * page over; and page requests cost no burst request.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeSourceAnnouncement, encodeSourceAnnouncement } from '@penguincast/bus';
import { freePort, silentClient, rawRequest } from '@penguincast/testkit';
import { fixture, startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

const CLIENTS = 10;
let h: EdgeHarness;
let ingest: TestIngest;
let live: LiveSource;
const bursts: string[] = [];

before(async () => {
  const config = {
    Mounts: [
      { Name: '/live.mp3', Password: 'p' },
      { Name: '/empty.mp3', Password: 'p' },
    ],
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  h.bus.subscribe(h.subjects.allBurst(), (m) => bursts.push(m.subject));
  // A source under a page's path, announced on the bus as an ingest without the rule would:
  // the real ingest refuses such a mount, so its messages for /live.mp3 are mirrored there.
  const squat = '/status-json.xsl';
  h.bus.subscribe(h.subjects.source('/live.mp3'), (m) => {
    const a = decodeSourceAnnouncement(m.data);
    h.bus.publish(h.subjects.source(squat), encodeSourceAnnouncement({ ...a, mount: squat }));
  });
  h.bus.subscribe(h.subjects.audio('/live.mp3'), (m) => {
    h.bus.publish(h.subjects.audio(squat), m.data, m.headers);
  });
  live = new LiveSource({
    ingest,
    mount: '/live.mp3',
    file: fixture('mp3-128k-44100-stereo.mp3'),
    prerollMs: 1000,
  });
  await live.start();
  await h.bus.flush();
});

after(async () => {
  await live.stop();
  await ingest.stop();
  await h.stop();
});

/** Runs `CLIENTS` silent clients with `request` and checks each was let go within seconds. */
async function allReleased(port: number, request: string, status: RegExp): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: CLIENTS }, () => silentClient(port, request, { timeoutMs: 8000 })),
  );
  for (const r of results) {
    assert.match(r.reply, status);
    assert.ok(r.released, `the server kept a connection that got ${JSON.stringify(r.reply)}`);
  }
}

test('clients that never close lose their socket after OPTIONS, 404 and HEAD', T, async () => {
  const port = h.edge.port;
  await allReleased(port, 'OPTIONS /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.[01] 204/);
  await allReleased(port, 'GET /empty.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.[01] 404/);
  await allReleased(port, 'HEAD /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.[01] 200/);
});

test('clients that never close lose their socket after a 502', T, async () => {
  const down = await startEdge({
    routes: null,
    settings: { admin: { host: '127.0.0.1', port: await freePort() } },
  });
  try {
    await allReleased(down.edge.port, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n', / 502 /);
  } finally {
    await down.stop();
  }
});

test('a source under a page path never takes the page over', T, async () => {
  const reply = await rawRequest(h.edge.port, 'GET /status-json.xsl HTTP/1.0\r\n\r\n');
  assert.match(reply.toString('latin1'), /\r\n\r\nADMIN \/status-json\.xsl$/);
});

test('page paths go to admin without a burst request', T, async () => {
  bursts.length = 0;
  for (const path of [
    '/api/v1/mounts',
    '/player/live.mp3',
    '/player-assets/app.js',
    '/monitor/events',
    '/live.mp3.m3u',
    '/live.mp3.pls',
    '/live.mp3.xspf',
    '/admin/stats',
    '/info.json',
  ]) {
    const reply = await rawRequest(h.edge.port, `GET ${path} HTTP/1.0\r\n\r\n`);
    assert.ok(reply.toString('latin1').endsWith(`ADMIN ${path}`), path);
  }
  await h.bus.flush();
  assert.deepEqual(bursts, []);
});
