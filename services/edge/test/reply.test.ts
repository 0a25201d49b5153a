/**
 * The listener reply as clients see it: exact Icecast header block (icy-* mapping, metaint only
 * on request, CORS), HEAD without a body, the OPTIONS preflight, 404 without a source, routing
 * of everything else, the edge's own health endpoints, and the connection events.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeConnectionEvent, type ConnectionEvent } from '@penguincast/bus';
import { listen, rawHead, rawRequest, waitFor } from '@penguincast/testkit';
import { SERVER_NAME } from '../src/index.js';
import { fixture, startEdge, T, type EdgeHarness } from './harness.js';
import { LiveSource, startTestIngest, type TestIngest } from './live-source.js';

let h: EdgeHarness;
let ingest: TestIngest;
let pub: LiveSource;
const events: ConnectionEvent[] = [];

before(async () => {
  const config = {
    Mounts: [
      { Name: '/live.mp3', Password: 'p', MetaInt: 8192, Genre: 'Configured' },
      { Name: '/empty.mp3', Password: 'p' },
    ],
    Cors: { AllowOrigin: 'https://player.example' },
  };
  h = await startEdge({ config });
  ingest = await startTestIngest({ bus: h.bus, config });
  h.bus.subscribe(h.subjects.allEvt(), (m) => events.push(decodeConnectionEvent(m.data)));
  pub = new LiveSource({
    ingest,
    mount: '/live.mp3',
    file: fixture('mp3-128k-44100-stereo.mp3'),
    prerollMs: 1000,
    info: {
      'ice-name': 'Test Stream',
      'ice-description': 'A test',
      'ice-genre': 'Rock',
      'ice-url': 'http://example.org',
      'ice-public': '0',
      'ice-bitrate': '128',
      'ice-audio-info': 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
    },
  });
  await pub.start();
  await h.bus.flush();
});

after(async () => {
  await pub.stop();
  await ingest.stop();
  await h.stop();
});

const CORS =
  'Access-Control-Allow-Origin: https://player.example\r\n' +
  'Access-Control-Allow-Headers: Origin, Accept, X-Requested-With, Content-Type, Icy-MetaData, Range\r\n' +
  'Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n' +
  'Access-Control-Expose-Headers: Icy-Br, Icy-Description, Icy-Genre, Icy-MetaInt, Icy-Name, Icy-Pub, Icy-Url, Ice-Audio-Info\r\n' +
  'Vary: Origin\r\n';

function expectedHead(metaint: boolean): string {
  return (
    'HTTP/1.0 200 OK\r\n' +
    `Server: ${SERVER_NAME}\r\n` +
    'Connection: Close\r\n' +
    'Content-Type: audio/mpeg\r\n' +
    'Cache-Control: no-cache, no-store\r\n' +
    'Expires: Mon, 26 Jul 1997 05:00:00 GMT\r\n' +
    'Pragma: no-cache\r\n' +
    CORS +
    'ice-audio-info: ice-samplerate=44100;ice-bitrate=128;ice-channels=2\r\n' +
    'icy-br:128\r\n' +
    'icy-description:A test\r\n' +
    'icy-genre:Rock\r\n' +
    'icy-name:Test Stream\r\n' +
    'icy-pub:0\r\n' +
    'icy-url:http://example.org\r\n' +
    (metaint ? 'icy-metaint:8192\r\n' : '') +
    '\r\n'
  );
}

test('the listener header block is exact, with icy-metaint only on request', T, async () => {
  const withMeta = await rawHead(
    h.edge.port,
    'GET /live.mp3 HTTP/1.1\r\nHost: x\r\nIcy-MetaData: 1\r\n\r\n',
  );
  assert.equal(withMeta, expectedHead(true));
  const plain = await rawHead(h.edge.port, 'GET /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(plain, expectedHead(false));
});

test('HEAD answers the headers and no body', T, async () => {
  const reply = await rawRequest(h.edge.port, 'HEAD /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(reply.toString('latin1'), expectedHead(false));
});

test('OPTIONS is a CORS preflight', T, async () => {
  const reply = await rawRequest(h.edge.port, 'OPTIONS /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(
    reply.toString('latin1'),
    'HTTP/1.0 204 No Content\r\n' +
      `Server: ${SERVER_NAME}\r\n` +
      'Connection: Close\r\n' +
      'Allow: GET, HEAD, OPTIONS\r\n' +
      CORS +
      'Access-Control-Max-Age: 86400\r\n\r\n',
  );
});

test('a configured mount without a source is a 404', T, async () => {
  const r = await listen(h.url('/empty.mp3'), { durationMs: 3000 });
  assert.equal(r.status, 404);
  assert.equal(r.audio.toString('utf8'), 'The file you requested could not be found');
  await waitFor(() => events.some((e) => e.mount === '/empty.mp3' && e.status === 404));
});

test('sources go to ingest, pages and unknown paths to admin', T, async () => {
  const body = async (req: string): Promise<string> => {
    const text = (await rawRequest(h.edge.port, req)).toString('latin1');
    return text.slice(text.indexOf('\r\n\r\n') + 4);
  };
  assert.equal(await body('PUT /new.mp3 HTTP/1.1\r\nHost: x\r\n\r\n'), 'SOURCE /new.mp3');
  assert.equal(await body('SOURCE /old.mp3 ICE/1.0\r\n\r\n'), 'SOURCE /old.mp3');
  assert.equal(await body('GET /admin.cgi?mode=updinfo HTTP/1.0\r\n\r\n'), 'SOURCE /admin.cgi');
  assert.equal(
    await body('GET /status-json.xsl HTTP/1.1\r\nHost: x\r\n\r\n'),
    'ADMIN /status-json.xsl',
  );
  assert.equal(
    await body('GET /nothing/here.mp3 HTTP/1.1\r\nHost: x\r\n\r\n'),
    'ADMIN /nothing/here.mp3',
  );
  assert.equal(
    await body('POST /admin/metadata HTTP/1.1\r\nHost: x\r\n\r\n'),
    'ADMIN /admin/metadata',
  );
  const shout = await rawRequest(h.edge.shoutcastPort, 'pw\r\n');
  assert.equal(shout.toString('latin1'), 'OK2\r\nicy-caps:11\r\n\r\n');
});

test('bad request heads get their error status and never crash the edge', T, async () => {
  const bad = await rawRequest(h.edge.port, 'GARBAGE\r\n\r\n');
  assert.match(bad.toString('latin1'), /^HTTP\/1\.0 400 /);
  const huge = await rawRequest(h.edge.port, `GET /${'a'.repeat(20000)} HTTP/1.1\r\n\r\n`);
  assert.match(huge.toString('latin1'), /^HTTP\/1\.0 (414|431) /);
  const r = await listen(h.url('/live.mp3'), { maxBytes: 1000 });
  assert.equal(r.status, 200);
});

test('the edge answers its health and metrics endpoints', T, async () => {
  const health = await listen(h.url('/healthz'));
  assert.equal(health.status, 200);
  assert.equal(health.audio.toString(), '{"status":"ok"}');
  const ready = await listen(h.url('/readyz'));
  assert.equal(ready.status, 200);
  const live = await import('@penguincast/testkit').then((t) =>
    t.openListener(h.url('/live.mp3'), { durationMs: 5000 }),
  );
  await waitFor(() => live.audioBytes > 0);
  const metrics = (await listen(h.url('/metrics'))).audio.toString();
  live.stop();
  assert.match(metrics, /penguincast_listeners\{mount="\/live\.mp3"[^}]*\} 1/);
  assert.match(metrics, /penguincast_listener_connects_total\{mount="\/live\.mp3"/);
  assert.match(metrics, /penguincast_ingest_to_edge_latency_seconds_bucket/);
  assert.match(metrics, /penguincast_time_to_first_byte_seconds_count\{mount="\/live\.mp3"/);
});

test('a kept-alive health connection closes, so the next request is routed again', T, async () => {
  const both =
    'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n' +
    'GET /live.mp3 HTTP/1.1\r\nHost: x\r\n\r\n';
  const reply = (await rawRequest(h.edge.port, both)).toString('latin1');
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(reply, /\r\nConnection: close\r\n/i);
  assert.ok(reply.endsWith('{"status":"ok"}'), 'nothing after the health reply');
});

test('listener connect and disconnect events carry the access-log fields', T, async () => {
  events.length = 0;
  const r = await listen(h.url('/live.mp3?token=secret'), {
    maxBytes: 20000,
    userAgent: 'VLC/3.0',
    headers: { Referer: 'https://site.example/' },
  });
  assert.equal(r.audio.length, 20000);
  const mine = (action: string): ConnectionEvent | undefined =>
    events.find((e) => e.action === action && e.userAgent === 'VLC/3.0');
  await waitFor(() => mine('disconnect') !== undefined);
  const connect = mine('connect');
  const disconnect = mine('disconnect');
  assert.ok(connect && disconnect);
  assert.equal(connect.id, disconnect.id);
  assert.equal(disconnect.role, 'listener');
  assert.equal(disconnect.mount, '/live.mp3');
  assert.equal(disconnect.ip, '127.0.0.1');
  assert.equal(disconnect.request, 'GET /live.mp3 HTTP/1.1');
  assert.equal(disconnect.status, 200);
  assert.equal(disconnect.userAgent, 'VLC/3.0');
  assert.equal(disconnect.referer, 'https://site.example/');
  assert.equal(disconnect.instanceId, h.instanceId);
  assert.ok(disconnect.bytes >= 20000, `bytes ${disconnect.bytes}`);
});
