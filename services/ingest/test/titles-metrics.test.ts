/**
 * Title updates with an empty `charset=` are taken with the default charset instead of failing
 * the request and leaving the burst buffer's title out of step with the bus; and a source on an
 * unlisted mount leaves no metric series behind when it ends.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  decodeBurstReply,
  decodeControlReply,
  encodeBurstRequest,
  encodeControlCommand,
} from '@penguincast/bus';
import { makeTestAudio, rawClient, waitFor } from '@penguincast/testkit';
import { loopingSource, sourceHead, startIngest, statusLine, type TestIngest } from './harness.js';

const T = { timeout: 20_000 };
let ing: TestIngest;
let mp3: Buffer;

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 3 }));
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

/** The title a fresh edge would get from a burst request now. */
async function burstTitle(mount: string): Promise<string | undefined> {
  const msg = await ing.bus.request(
    ing.subjects.burst(mount),
    encodeBurstRequest({ mount, maxBytes: 4096 }),
    { timeoutMs: 2_000 },
  );
  return decodeBurstReply(msg.data).title?.title;
}

test('an empty charset= is the default charset, on admin.cgi and on the bus', T, async () => {
  const src = await loopingSource(ing.port, sourceHead('/live.mp3', { password: 'livepw' }), mp3);
  try {
    await src.client.waitFor(/200 OK/);
    const cgi = await rawClient(
      ing.port,
      'GET /admin.cgi?pass=livepw&mode=updinfo&mount=/live.mp3&charset=&song=First HTTP/1.0\r\n\r\n',
    );
    assert.equal(statusLine(await cgi.closed), 'HTTP/1.0 200 OK');
    const first = await waitFor(() => ing.rec.titles.find((t) => t.title === 'First'), 2_000);
    assert.equal(first.charset, 'UTF-8');
    assert.equal(await burstTitle('/live.mp3'), 'First');

    const msg = await ing.bus.request(
      ing.subjects.ctl('metadata-update'),
      encodeControlCommand({
        type: 'metadata-update',
        mount: '/live.mp3',
        title: 'Second',
        charset: '',
      }),
      { timeoutMs: 2_000 },
    );
    assert.equal(decodeControlReply(msg.data).type, 'metadata-update');
    const second = await waitFor(() => ing.rec.titles.find((t) => t.title === 'Second'), 2_000);
    assert.equal(second.charset, 'UTF-8');
    // What a new edge is told matches what every edge heard.
    assert.equal(await burstTitle('/live.mp3'), 'Second');
  } finally {
    src.stop();
  }
});

test('an unlisted mount leaves no metric series when its source ends', T, async () => {
  const mount = '/one-off-show.mp3';
  const src = await loopingSource(ing.port, sourceHead(mount, { password: 'sourcepw' }), mp3);
  await src.client.waitFor(/200 OK/);
  const session = await waitFor(
    () => ing.rec.sources.find((s) => s.mount === mount && s.state === 'up'),
    5_000,
    'source up',
  );
  await waitFor(() => ing.rec.chunksOf(session.session).length > 2, 5_000, 'audio');
  const cgi = await rawClient(
    ing.port,
    `GET /admin.cgi?pass=sourcepw&mode=updinfo&mount=${mount}&song=x HTTP/1.0\r\n\r\n`,
  );
  assert.equal(statusLine(await cgi.closed), 'HTTP/1.0 200 OK');
  const live = await ing.registry.metrics();
  assert.match(live, /penguincast_source_bytes_in_total\{mount="\/one-off-show\.mp3"\}/);
  src.stop();
  await waitFor(
    () => ing.rec.sources.find((s) => s.session === session.session && s.state === 'down'),
    5_000,
    'source down',
  );
  const text = await ing.registry.metrics();
  assert.doesNotMatch(text, /one-off-show/);
  // A configured mount keeps its series: they are bounded by the config.
  assert.match(text, /penguincast_source_connects_total\{mount="\/live\.mp3"\}/);
});
