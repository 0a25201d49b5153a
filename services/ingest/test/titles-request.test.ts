/**
 * Titles requests: the ingest holding a mount answers with the title in force where a burst of
 * the asked size starts (what a listener joining now hears first) and the newest title, cut
 * exactly as a burst reply is, with no audio in the reply; malformed requests are ignored.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  BusTimeoutError,
  NoRespondersError,
  decodeBurstReply,
  decodeControlReply,
  decodeTitlesReply,
  encodeBurstRequest,
  encodeControlCommand,
  encodeTitlesRequest,
  type BurstReply,
  type TitleChange,
  type TitlesReply,
} from '@penguincast/bus';
import { makeTestAudio, waitFor } from '@penguincast/testkit';
import {
  loopingSource,
  sourceHead,
  startIngest,
  type LoopingSource,
  type TestIngest,
} from './harness.js';

const MOUNT = '/live.mp3';
let ing: TestIngest;
let src: LoopingSource;
let session: string;
let first: TitleChange;
let second: TitleChange;

function published(): number {
  return ing.rec.chunksOf(session).reduce((n, c) => n + c.data.length, 0);
}

async function setTitle(title: string): Promise<TitleChange> {
  const msg = await ing.bus.request(
    ing.subjects.ctl('metadata-update'),
    encodeControlCommand({ type: 'metadata-update', mount: MOUNT, title }),
    { timeoutMs: 2_000 },
  );
  assert.equal(decodeControlReply(msg.data).type, 'metadata-update');
  return waitFor(() => ing.rec.titles.find((t) => t.title === title), 2_000, title);
}

async function titles(maxBytes?: number): Promise<{ raw: Uint8Array; reply: TitlesReply }> {
  const msg = await ing.bus.request(
    ing.subjects.titles(MOUNT),
    encodeTitlesRequest({ mount: MOUNT, requester: 'test', ...(maxBytes ? { maxBytes } : {}) }),
    { timeoutMs: 2_000 },
  );
  return { raw: msg.data, reply: decodeTitlesReply(msg.data) };
}

async function burst(maxBytes: number): Promise<BurstReply> {
  const msg = await ing.bus.request(
    ing.subjects.burst(MOUNT),
    encodeBurstRequest({ mount: MOUNT, maxBytes }),
    { timeoutMs: 2_000 },
  );
  return decodeBurstReply(msg.data);
}

/** What admin used to read from a whole burst reply: the titles at its first frame and newest. */
function fromBurst(b: BurstReply): Pick<TitlesReply, 'joinPosition' | 'endPosition'> & {
  atJoin: string | undefined;
  latest: string | undefined;
} {
  const start = b.frames[0]?.position ?? b.endPosition;
  const atJoin = b.titles.filter((t) => t.position <= start).pop();
  return {
    joinPosition: start,
    endPosition: b.endPosition,
    atJoin: atJoin?.title,
    latest: b.title?.title,
  };
}

before(async () => {
  const mp3 = readFileSync(await makeTestAudio({ codec: 'mp3', seconds: 3 }));
  ing = await startIngest();
  src = await loopingSource(ing.port, sourceHead(MOUNT, { password: 'livepw' }), mp3, {
    everyMs: 10,
  });
  session = (await waitFor(() => ing.rec.sources.find((s) => s.state === 'up'), 5_000)).session;
  await waitFor(() => published() > 20_000, 10_000, 'audio');
  first = await setTitle('First song');
  await waitFor(() => published() > first.position + 60_000, 10_000, 'audio after the first');
  second = await setTitle('Second song');
  await waitFor(() => published() > second.position + 4_000, 10_000, 'audio after the second');
  // With the source silent the buffer stops moving, so a titles reply and a burst reply asked
  // one after the other describe the same audio. Nothing signals "no more audio", so the end
  // position is polled until it holds still across a few polls.
  src.pause();
  let last = -1;
  let still = 0;
  await waitFor(
    async () => {
      const end = (await titles()).reply.endPosition;
      still = end === last ? still + 1 : 0;
      last = end;
      return still >= 3;
    },
    10_000,
    'a still buffer',
  );
});

after(async () => {
  src.stop();
  await ing.stop();
});

describe('titles request', { timeout: 30_000 }, () => {
  test('a burst starting before the change: joining hears the first, newest is the second', async () => {
    const { reply } = await titles();
    const end = reply.endPosition;
    assert.equal(end, published());
    // A burst reaching back past the second change but not to the first.
    const maxBytes = end - first.position - 20_000;
    const { raw, reply: r } = await titles(maxBytes);
    assert.equal(r.mount, MOUNT);
    assert.equal(r.session, session);
    assert.equal(r.endPosition, end);
    assert.ok(r.joinPosition > first.position && r.joinPosition < second.position);
    assert.ok(end - r.joinPosition <= maxBytes, 'within the asked size');
    assert.ok(end - r.joinPosition > maxBytes - 1500, 'cut at the frame nearest the size');
    assert.ok(
      ing.rec.chunksOf(session).some((c) => c.position <= r.joinPosition),
      'the join position is inside the published audio',
    );
    assert.deepEqual(r.atJoin, {
      position: first.position,
      title: 'First song',
      charset: 'UTF-8',
    });
    assert.deepEqual(r.latest, {
      position: second.position,
      title: 'Second song',
      charset: 'UTF-8',
    });
    // Exactly what a burst reply of the same size tells, without its audio.
    const b = await burst(maxBytes);
    assert.deepEqual(fromBurst(b), {
      joinPosition: r.joinPosition,
      endPosition: r.endPosition,
      atJoin: 'First song',
      latest: 'Second song',
    });
    const audio = b.frames.reduce((n, f) => n + f.data.length, 0);
    assert.ok(audio > 30_000, `the burst carries ${audio} bytes of audio`);
    assert.ok(raw.length < 1024, `the titles reply is ${raw.length} bytes`);
  });

  test('a burst starting after the change: both titles are the second', async () => {
    const end = published();
    const maxBytes = end - second.position - 1;
    const { reply: r } = await titles(maxBytes);
    assert.ok(r.joinPosition >= second.position);
    assert.equal(r.atJoin?.title, 'Second song');
    assert.equal(r.latest?.title, 'Second song');
    const b = fromBurst(await burst(maxBytes));
    assert.deepEqual(b, {
      joinPosition: r.joinPosition,
      endPosition: r.endPosition,
      atJoin: 'Second song',
      latest: 'Second song',
    });
  });

  test('without a size, the mount burst size is used, as for a burst request', async () => {
    const { reply: r } = await titles();
    const b = fromBurst(await burst(16384));
    assert.equal(r.joinPosition, b.joinPosition);
    assert.ok(r.endPosition - r.joinPosition <= 16384);
    assert.equal(r.atJoin?.title, b.atJoin);
  });

  test('a malformed request is ignored with a debug line; an unheld mount has no answer', async () => {
    await assert.rejects(
      ing.bus.request(ing.subjects.titles(MOUNT), new TextEncoder().encode('{"v":1}'), {
        timeoutMs: 300,
      }),
      BusTimeoutError,
    );
    const line = await waitFor(
      () => ing.logs.find('ignoring a malformed titles request')[0],
      2_000,
      'debug line',
    );
    assert.equal(line['level'], 20);
    await assert.rejects(
      ing.bus.request(ing.subjects.titles('/nobody'), encodeTitlesRequest({ mount: '/nobody' }), {
        timeoutMs: 300,
      }),
      (err: unknown) => err instanceof BusTimeoutError || err instanceof NoRespondersError,
    );
  });
});
