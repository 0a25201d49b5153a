/**
 * A chained Ogg stream (two Vorbis links one after the other, as a playout that restarts its
 * encoder per track sends): each link's first header page starts its own audio chunk, marked
 * `codecHeaders`, so edges know exactly where the audio that needs the new headers begins; the
 * new headers are announced; and a burst after the change starts after them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { decodeBurstReply, encodeBurstRequest } from '@penguincast/bus';
import { OggSplitter } from '@penguincast/icy';
import { makeTestAudio, rawClient, waitFor } from '@penguincast/testkit';
import { sourceHead, startIngest, trickle, type TestIngest } from './harness.js';

let ing: TestIngest;
let link1: Buffer;
let link2: Buffer;

before(async () => {
  link1 = readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 2, frequency: 440 }));
  link2 = readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 2, frequency: 660 }));
  ing = await startIngest();
});

after(async () => {
  await ing.stop();
});

function headerPagesOf(file: Buffer): Buffer {
  const s = new OggSplitter();
  s.push(file);
  return Buffer.from(s.headerPages);
}

test(
  'each link starts a marked chunk, its headers are announced and bursts follow them',
  {
    timeout: 20_000,
  },
  async () => {
    const c = await rawClient(
      ing.port,
      sourceHead('/chain.ogg', { password: 'sourcepw', contentType: 'audio/ogg' }),
    );
    await c.waitFor(/200 OK/);
    const up = await waitFor(
      () => ing.rec.sources.find((s) => s.mount === '/chain.ogg' && s.state === 'up'),
      5_000,
      'source up',
    );
    const session = up.session;
    const boundary = link1.length;
    const total = link1.length + link2.length;
    await trickle(c.socket, Buffer.concat([link1, link2]), 3000, 2);
    await waitFor(
      () => ing.rec.bytesOf(session).length >= total - 8192,
      5_000,
      'the whole stream published',
    );
    const marked = ing.rec
      .chunksOf(session)
      .filter((ch) => ch.codecHeaders === true)
      .map((ch) => ch.position);
    assert.deepEqual(marked, [0, boundary], 'one marked chunk per link, at its first page');
    const second = headerPagesOf(link2);
    const announced = ing.rec
      .sourcesOf('/chain.ogg')
      .filter((s) => s.session === session && s.state === 'up' && s.headerPages.length > 0)
      .map((s) => Buffer.from(s.headerPages[0]!));
    assert.ok(announced.at(-1)?.equals(second), "the second link's headers are announced");

    const msg = await ing.bus.request(
      ing.subjects.burst('/chain.ogg'),
      encodeBurstRequest({ mount: '/chain.ogg', maxBytes: 1_000_000 }),
      { timeoutMs: 2_000 },
    );
    const burst = decodeBurstReply(msg.data);
    assert.ok(Buffer.from(burst.headerPages[0]!).equals(second));
    assert.ok(
      burst.frames[0]!.position >= boundary + second.length,
      'the burst holds nothing of the first link and none of the new headers',
    );
    c.destroy();
  },
);
