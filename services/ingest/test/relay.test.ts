/**
 * Pull relays against a scripted upstream on loopback: redirects, credentials and `ICY 200 OK`,
 * metadata stripped with titles republished at their positions, reconnects with a first retry
 * under 2 s, on-demand relays started and stopped by edge demand, master mirroring through the
 * stream list, and a relay never taken over by an encoder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  decodeRelayDemandReply,
  encodeRelayDemand,
  type SourceAnnouncement,
} from '@penguincast/bus';
import { basicAuthHeader } from '@penguincast/icy';
import { makeTestAudio, rawClient, waitFor } from '@penguincast/testkit';
import { sourceHead, startIngest, statusLine, testStation, type TestIngest } from './harness.js';
import { icyStream, startUpstream, type FakeUpstream } from './upstream.js';

const T = { timeout: 30_000 };
const METAINT = 4000;
let mp3: Buffer;
let up: FakeUpstream;
let ing: TestIngest;
let title = 'First';
const sent: Buffer[] = [];

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 3 }));
  up = await startUpstream();
  up.route('/redirect', (_req, socket) => {
    socket.end('HTTP/1.0 302 Found\r\nLocation: /live\r\n\r\n');
  });
  const stream = icyStream({
    audio: mp3,
    metaint: METAINT,
    headers: { 'icy-name': 'Upstream FM', 'icy-br': '128' },
    title: () => title,
    sent,
  });
  up.route('/live', (req, socket) => {
    if (req.headers['authorization'] !== basicAuthHeader('relay', 'pw')) {
      socket.end('HTTP/1.0 401 Unauthorized\r\n\r\n');
      return;
    }
    stream(req, socket);
  });
  up.route('/od', icyStream({ audio: mp3, title: () => 'On demand' }));
  up.route('/admin/streamlist.txt', (req, socket) => {
    const ok = req.headers['authorization'] === basicAuthHeader('admin', 'masterpw');
    const body = '/a.mp3\n/live.mp3\nhttp://ignored.example/b.mp3\n';
    socket.end(
      ok
        ? `HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`
        : 'HTTP/1.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n',
    );
  });
  up.route('/a.mp3', icyStream({ audio: mp3, title: () => 'Mirror A' }));
  up.route('/b.mp3', icyStream({ audio: mp3, title: () => 'Mirror B' }));
  const base = `http://127.0.0.1:${up.port}`;
  ing = await startIngest({
    station: testStation({
      Limits: { Sources: 8, SourceIdleTimeOut: 10, HeaderTimeOut: 5 },
      Master: { Url: base, User: 'admin', Password: 'masterpw', Interval: 60 },
      Mounts: [
        { Name: '/live.mp3', Password: 'livepw' },
        {
          Name: '/relay.mp3',
          Password: 'relaypw',
          Relay: { Url: `${base}/redirect`, User: 'relay', Password: 'pw' },
        },
        { Name: '/od.mp3', Password: 'p', Relay: { Url: `${base}/od`, OnDemand: true } },
      ],
    }),
    timing: { onDemandIdleMs: 1_500 },
  });
});

after(async () => {
  await ing?.stop();
  await up?.stop();
});

function upOf(mount: string, after = 0): SourceAnnouncement | undefined {
  return ing.rec.sources.filter((s) => s.mount === mount && s.state === 'up')[after];
}

test('relays through a redirect with credentials: clean audio, titles at position', T, async () => {
  const first = await waitFor(() => upOf('/relay.mp3'), 5_000, 'relay up');
  assert.equal(first.info['ice-name'], 'Upstream FM');
  assert.equal(first.audio.bitrateKbps, 128);
  assert.equal(first.contentType, 'audio/mpeg');
  const gets = up.requests.filter((r) => r.path === '/live');
  assert.equal(gets[0]?.headers['icy-metadata'], '1');
  assert.match(gets[0]?.line ?? '', /^GET \/live HTTP\/1\.0$/);
  await waitFor(() => ing.rec.bytesOf(first.session).length > 6 * METAINT, 5_000, 'audio');
  title = 'Second';
  const changed = await waitFor(
    () => ing.rec.titles.find((t) => t.title === 'Second'),
    5_000,
    'second title',
  );
  const firstTitle = ing.rec.titles.find((t) => t.title === 'First');
  // Each title takes effect exactly where its block sat in the upstream's audio.
  assert.equal(firstTitle?.position, METAINT);
  assert.equal(changed.position % METAINT, 0);
  assert.equal(changed.session, first.session);
  await waitFor(() => ing.rec.bytesOf(first.session).length > changed.position + METAINT);
  const relayed = ing.rec.bytesOf(first.session);
  const upstream = Buffer.concat(sent);
  assert.ok(upstream.subarray(0, relayed.length).equals(relayed), 'relayed audio = upstream audio');
});

test('a dropped upstream is retried within 2 s and relayed again', T, async () => {
  const before = await waitFor(() => upOf('/relay.mp3'), 5_000);
  const connects = up.requests.filter((r) => r.path === '/live').length;
  const droppedAt = Date.now();
  up.dropAll();
  const again = await waitFor(
    () => up.requests.filter((r) => r.path === '/live')[connects],
    5_000,
    'reconnect',
  );
  const retryMs = again.atMs - droppedAt;
  assert.ok(retryMs < 2_000, `first retry after ${retryMs} ms`);
  const next = await waitFor(() => upOf('/relay.mp3', 1), 5_000, 'new session');
  assert.notEqual(next.session, before.session);
  const down = ing.rec.sources.find((s) => s.session === before.session && s.state === 'down');
  assert.ok(down !== undefined, 'the old session was announced down');
});

test('an encoder cannot take a relayed mount, even from the same address', T, async () => {
  await waitFor(() => ing.app.liveSources > 0);
  const c = await rawClient(ing.port, sourceHead('/relay.mp3', { password: 'relaypw' }));
  const reply = await c.closed;
  assert.equal(statusLine(reply), 'HTTP/1.0 403 Forbidden');
  assert.match(reply, /Mountpoint in use/);
});

test('an on-demand relay pulls only while edges ask for it', T, async () => {
  assert.equal(up.requests.filter((r) => r.path === '/od').length, 0, 'not pulled before demand');
  const demand = encodeRelayDemand({ mount: '/od.mp3', requester: 'edge-t', listeners: 0 });
  const reply = decodeRelayDemandReply(
    (await ing.bus.request(ing.subjects.demand('/od.mp3'), demand, { timeoutMs: 2_000 })).data,
  );
  assert.deepEqual(reply, { mount: '/od.mp3', accepted: true, instanceId: 'test-ingest' });
  const session = await waitFor(() => upOf('/od.mp3'), 5_000, 'on-demand relay up');
  // Demand stops here: the relay ends after onDemandIdleMs (1.5 s) without any.
  const down = await waitFor(
    () => ing.rec.sources.find((s) => s.session === session.session && s.state === 'down'),
    6_000,
    'on-demand relay down',
  );
  assert.equal(down.reason, 'no-listeners');
  const none = encodeRelayDemand({ mount: '/live.mp3', requester: 'edge-t', listeners: 1 });
  const refused = decodeRelayDemandReply(
    (await ing.bus.request(ing.subjects.demand('/live.mp3'), none, { timeoutMs: 2_000 })).data,
  );
  assert.equal(refused.accepted, false, 'a mount without a relay is not accepted');
});

test('master mounts are mirrored with the master credentials', T, async () => {
  const a = await waitFor(() => upOf('/a.mp3'), 5_000, 'mirrored /a.mp3');
  assert.ok(a.session.length > 0);
  const b = await waitFor(() => upOf('/b.mp3'), 5_000, 'mirrored /b.mp3 (path of a URL line)');
  assert.ok(b.session.length > 0);
  const mirrored = ing.app.relayedMounts();
  assert.ok(!mirrored.includes('/live.mp3'), 'a locally configured mount is not mirrored');
  assert.deepEqual(mirrored, ['/a.mp3', '/b.mp3', '/od.mp3', '/relay.mp3']);
  const list = up.requests.find((r) => r.path === '/admin/streamlist.txt');
  assert.equal(list?.headers['authorization'], basicAuthHeader('admin', 'masterpw'));
  const stream = up.requests.find((r) => r.path === '/a.mp3');
  assert.equal(stream?.headers['authorization'], basicAuthHeader('admin', 'masterpw'));
});
