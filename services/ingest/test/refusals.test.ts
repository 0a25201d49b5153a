/**
 * Every source refusal by exact status line and body, and the rules around a live source: bad
 * credentials never disturb it, another address gets `Mountpoint in use`, the same encoder
 * reconnecting takes its mount back, a silent source is dropped, and a dead store refuses.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { MemoryStateStore } from '@penguincast/bus';
import { makeTestAudio, rawClient, waitFor } from '@penguincast/testkit';
import {
  bodyOf,
  loopingSource,
  sourceHead,
  startIngest,
  statusLine,
  testStation,
  type TestIngest,
} from './harness.js';

let ing: TestIngest;
let mp3: Buffer;

before(async () => {
  mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 2 }));
  ing = await startIngest({
    station: testStation({ Limits: { Sources: 2, SourceIdleTimeOut: 1, HeaderTimeOut: 5 } }),
  });
});

after(async () => {
  await ing.stop();
});

async function reply(head: string, localAddress?: string): Promise<string> {
  const c = await rawClient(ing.port, head, localAddress);
  return c.closed;
}

function upOf(mount: string, since: number) {
  return waitFor(
    () => ing.rec.sources.slice(since).find((s) => s.mount === mount && s.state === 'up'),
    5_000,
    `up on ${mount}`,
  );
}

describe('refusals', { timeout: 30_000 }, () => {
  test('no credentials: 401 with WWW-Authenticate and Icecast text', async () => {
    const r = await reply(sourceHead('/live.mp3'));
    assert.equal(statusLine(r), 'HTTP/1.0 401 Authentication Required');
    assert.match(r, /\r\nWWW-Authenticate: Basic realm="Icecast2 Server"\r\n/);
    assert.equal(bodyOf(r), 'You need to authenticate');
  });

  test('wrong user, wrong password, unlisted mount without the source password', async () => {
    for (const head of [
      sourceHead('/live.mp3', { user: 'admin', password: 'livepw' }),
      sourceHead('/live.mp3', { password: 'nope' }),
      sourceHead('/other.mp3', { password: 'livepw' }),
    ]) {
      assert.equal(statusLine(await reply(head)), 'HTTP/1.0 401 Authentication Required');
    }
  });

  test('PUT without Content-Type: 403 No Content-type given', async () => {
    const r = await reply(sourceHead('/live.mp3', { password: 'livepw', contentType: null }));
    assert.equal(statusLine(r), 'HTTP/1.0 403 Forbidden');
    assert.equal(bodyOf(r), 'No Content-type given');
  });

  test('a live source survives bad credentials; another address gets Mountpoint in use', async () => {
    const since = ing.rec.sources.length;
    const src = await loopingSource(ing.port, sourceHead('/live.mp3', { password: 'livepw' }), mp3);
    const { session } = await upOf('/live.mp3', since);
    await waitFor(() => ing.rec.chunksOf(session).length > 5, 5_000, 'audio');

    const bad = await reply(sourceHead('/live.mp3', { password: 'wrong' }), '127.0.0.2');
    assert.equal(statusLine(bad), 'HTTP/1.0 401 Authentication Required');
    const inUse = await reply(sourceHead('/live.mp3', { password: 'livepw' }), '127.0.0.2');
    assert.equal(statusLine(inUse), 'HTTP/1.0 403 Forbidden');
    assert.equal(bodyOf(inUse), 'Mountpoint in use');

    const count = ing.rec.chunksOf(session).length;
    await waitFor(() => ing.rec.chunksOf(session).length > count + 5, 5_000, 'more audio');
    assert.ok(!ing.rec.sources.some((s) => s.session === session && s.state === 'down'));

    // With one more source the limit of two is reached, so a third mount is refused.
    const since2 = ing.rec.sources.length;
    const dj = await loopingSource(
      ing.port,
      sourceHead('/dj.mp3', { user: 'dj', password: 'djpw' }),
      mp3,
    );
    await upOf('/dj.mp3', since2);
    const third = await reply(sourceHead('/third.mp3', { password: 'sourcepw' }));
    assert.equal(statusLine(third), 'HTTP/1.0 403 Forbidden');
    assert.equal(bodyOf(third), 'too many sources connected');
    src.stop();
    dj.stop();
    await waitFor(() => ing.app.liveSources === 0, 5_000, 'sources gone');
  });

  test('the same encoder reconnecting takes its silent mount back at once', async () => {
    const since = ing.rec.sources.length;
    const old = await loopingSource(ing.port, sourceHead('/live.mp3', { password: 'livepw' }), mp3);
    const first = await upOf('/live.mp3', since);
    await waitFor(() => ing.rec.chunksOf(first.session).length > 3, 5_000, 'audio');
    old.pause(); // The socket stays open: a half-open connection the encoder has forgotten.

    const started = Date.now();
    const since2 = ing.rec.sources.length;
    const fresh = await loopingSource(
      ing.port,
      sourceHead('/live.mp3', { password: 'livepw' }),
      mp3,
    );
    assert.equal(await fresh.client.waitFor(/\r\n\r\n/), 'HTTP/1.0 200 OK\r\n\r\n');
    assert.ok(Date.now() - started < 1_000, 'taken over without waiting');
    const second = await upOf('/live.mp3', since2);
    assert.notEqual(second.session, first.session);
    const down = ing.rec.sources.find((s) => s.session === first.session && s.state === 'down');
    assert.equal(down?.reason, 'takeover');
    await old.client.closed;
    await waitFor(() => ing.rec.chunksOf(second.session).length > 3, 5_000, 'new audio');
    fresh.stop();
    await waitFor(() => ing.app.liveSources === 0, 5_000, 'sources gone');
  });

  test('SourceIdleTimeOut drops a silent source', async () => {
    const since = ing.rec.sources.length;
    const src = await loopingSource(
      ing.port,
      sourceHead('/dj.mp3', { user: 'dj', password: 'djpw' }),
      mp3,
    );
    const up = await upOf('/dj.mp3', since);
    src.pause();
    const silentAt = Date.now();
    await src.client.closed;
    const elapsed = Date.now() - silentAt;
    assert.ok(elapsed >= 800 && elapsed < 3_000, `dropped after ${elapsed} ms`);
    const down = await waitFor(
      () => ing.rec.sources.find((s) => s.session === up.session && s.state === 'down'),
      2_000,
      'down',
    );
    assert.equal(down.reason, 'timeout');
  });

  test('repeated failures from one address are slowed down', async () => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = Date.now();
      await reply(sourceHead('/live.mp3', { password: `guess${i}` }), '127.0.0.3');
      times.push(Date.now() - t0);
    }
    assert.ok(times[6]! >= 400, `7th refusal took ${times[6]} ms`);
  });
});

describe('state store down', { timeout: 10_000 }, () => {
  test('new sources get 503 at once', async () => {
    const state = new MemoryStateStore();
    await state.close();
    const other = await startIngest({ state, instanceId: 'no-state' });
    try {
      const c = await rawClient(other.port, sourceHead('/live.mp3', { password: 'livepw' }));
      const r = await c.closed;
      assert.equal(statusLine(r), 'HTTP/1.0 503 Service Unavailable');
    } finally {
      await other.stop();
    }
  });
});
