/**
 * Unit tests of a mount's bookkeeping without sockets: session changes, header pages for readers
 * that start mid-session, duplicates and gaps, title positions, burst seeding with held chunks,
 * and the grace period.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import type { AudioChunk, BurstReply, SourceAnnouncement } from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { mountSettings, parseConfig } from './config.js';
import { Mount } from './mount.js';

const settings = {
  ...mountSettings(parseConfig(parseStationConfig({ Auth: { AdminPassword: 'x' } })), '/m.ogg'),
  burstSize: 250,
};
const log = pino({ level: 'silent' });
const HEADERS = Buffer.from([0x4f, 0x67, 0x67, 0x53]);

function mount(hooks: Partial<ConstructorParameters<typeof Mount>[2]> = {}, graceMs = 50): Mount {
  return new Mount(
    settings,
    { sourceGraceMs: graceMs, emptyBufferIdleTimeoutMs: 0 },
    { onSourceGone: () => undefined, onSourceBack: () => undefined, ...hooks },
    log,
  );
}

function chunk(session: string, seq: number, position: number, n = 100): AudioChunk {
  return { session, seq, position, contentType: 'audio/ogg', data: new Uint8Array(n).fill(seq) };
}

function up(session: string, headerPages: Uint8Array[] = [HEADERS]): SourceAnnouncement {
  return {
    state: 'up',
    mount: '/m.ogg',
    session,
    contentType: 'audio/ogg',
    info: { 'ice-name': 'N' },
    audio: {},
    headerPages,
    startedAtMs: 0,
    sourceIp: '127.0.0.1',
    instanceId: 'ingest',
    position: 0,
  };
}

test('a session joined mid-stream gets its header pages first', { timeout: 1000 }, () => {
  const m = mount();
  m.onAnnouncement(up('s1'));
  m.onAudio(chunk('s1', 7, 700));
  m.onAudio(chunk('s1', 8, 800));
  m.onAudio(chunk('s1', 9, 900));
  const [first, second] = m.ring.chunks();
  assert.ok(first?.header && first.sessionStart && first.data.length === 4);
  assert.equal(second?.streamPos, 700);
  assert.equal(m.seeded, false);
  // A burst of 250 starts at the chunk of position 800: mid-session, so headers come first.
  assert.deepEqual(m.startPoint(), { cursor: 104, preamble: HEADERS });
  assert.deepEqual(m.liveStartPoint(), { cursor: 204, preamble: HEADERS });
});

test('a session seen from its start needs no separate headers there', { timeout: 1000 }, () => {
  const m = mount();
  m.onAnnouncement(up('s1'));
  m.onAudio(chunk('s1', 0, 0));
  m.onAudio(chunk('s1', 1, 100));
  assert.equal(m.seeded, true);
  assert.deepEqual(m.startPoint(), { cursor: 0 });
  assert.equal(m.needsBurst(), false);
});

test('duplicates are dropped and gaps skip ahead', { timeout: 1000 }, () => {
  const m = mount();
  m.onAudio(chunk('s1', 0, 0));
  m.onAudio(chunk('s1', 0, 0));
  m.onAudio(chunk('s1', 1, 100));
  m.onAudio(chunk('s1', 4, 400));
  assert.deepEqual(
    m.ring.chunks().map((c) => [c.start, c.streamPos]),
    [
      [0, 0],
      [100, 100],
      [200, 400],
    ],
  );
  m.onTitle({ mount: '/m.ogg', session: 's1', position: 450, title: 'T', charset: 'UTF-8' });
  assert.equal(m.titles.at(249)?.title, undefined);
  assert.equal(m.titles.at(250)?.title, 'T');
});

test('a new session clears the old title and takes its own early titles', { timeout: 1000 }, () => {
  const m = mount();
  m.onAudio(chunk('s1', 0, 0));
  m.onTitle({ mount: '/m.ogg', session: 's1', position: 0, title: 'Old', charset: 'UTF-8' });
  m.onTitle({ mount: '/m.ogg', session: 's2', position: 0, title: 'New', charset: 'UTF-8' });
  assert.equal(m.titles.at(99)?.title, 'Old');
  m.onAudio(chunk('s2', 0, 0));
  assert.equal(m.session, 's2');
  assert.equal(m.titles.at(100)?.title, 'New');
  assert.ok(m.ring.chunks()[1]?.sessionStart);
});

test(
  'a burst reply goes in before the chunks held while it was asked for',
  { timeout: 1000 },
  () => {
    const m = mount();
    m.onAudio(chunk('s1', 5, 500));
    assert.equal(m.needsBurst(), true);
    m.beginSeeding();
    m.onAudio(chunk('s1', 6, 600));
    m.onAudio(chunk('s1', 7, 700));
    const reply: BurstReply = {
      mount: '/m.ogg',
      session: 's1',
      contentType: 'audio/ogg',
      headerPages: [HEADERS],
      frames: [
        { position: 400, data: new Uint8Array(100) },
        { position: 500, data: new Uint8Array(100) },
        { position: 600, data: new Uint8Array(100) },
      ],
      endPosition: 700,
      nextSeq: 7,
      title: { position: 450, title: 'Now', charset: 'UTF-8' },
      titles: [{ position: 450, title: 'Now', charset: 'UTF-8' }],
    };
    m.seed(reply);
    assert.deepEqual(
      m.ring.chunks().map((c) => c.streamPos),
      [400, 400, 500, 600, 700],
      'headers, the reply frames, then only the held chunk it did not cover',
    );
    assert.equal(m.needsBurst(), false);
    assert.equal(m.titles.at(m.ring.tail + 4 + 50)?.title, 'Now');
  },
);

test('a source down starts the grace period; a new one cancels it', { timeout: 2000 }, async () => {
  const gone: string[] = [];
  const m = mount({ onSourceGone: (_m, reason) => gone.push(reason) });
  m.onAnnouncement(up('s1'));
  m.onAudio(chunk('s1', 0, 0));
  m.onAnnouncement({ ...up('s1'), state: 'down' });
  assert.equal(m.live, false);
  assert.equal(m.inGrace, true);
  m.onAnnouncement(up('s2'));
  assert.equal(m.inGrace, false);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(gone, []);
  m.onAnnouncement({ ...up('s2'), state: 'down' });
  // Late audio of an ended session is ignored.
  m.onAudio(chunk('s1', 1, 100));
  assert.equal(m.live, false);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(gone, ['source-gone']);
  m.dispose();
});
