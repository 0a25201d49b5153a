/**
 * Unit tests of a mount's bookkeeping (one test attaches a listener over a loopback socket):
 * session changes, header pages for readers that start mid-session and at chained Ogg links,
 * duplicates and gaps, title positions, when to ask for a burst and what a reply brings, held
 * chunks and titles, and the grace period.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { pino } from 'pino';
import type { AudioChunk, BurstReply, SourceAnnouncement } from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { mountSettings, parseConfig } from './config.js';
import { Listener } from './listener.js';
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
    { sourceGraceMs: graceMs, emptyBufferIdleTimeoutMs: 0, now: Date.now },
    { onSourceGone: () => undefined, onSourceBack: () => undefined, ...hooks },
    log,
  );
}

function chunk(session: string, seq: number, position: number, n = 100): AudioChunk {
  return { session, seq, position, contentType: 'audio/ogg', data: new Uint8Array(n).fill(seq) };
}

const T1 = { timeout: 1000 };
const T5 = { timeout: 5000 };

/** A burst reply of session `session` covering stream positions 400 up to `end`. */
function replyFor(
  session: string,
  end: number,
  nextSeq: number,
  titles: BurstReply['titles'] = [],
): BurstReply {
  const frames = [];
  for (let p = 400; p < end; p += 100) {
    frames.push({ position: p, data: new Uint8Array(100) });
  }
  return {
    mount: '/m.ogg',
    session,
    contentType: 'audio/ogg',
    headerPages: [HEADERS],
    frames,
    endPosition: end,
    nextSeq,
    title: titles[titles.length - 1] ?? null,
    titles,
  };
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

test('a mid-session join asks for a burst however much it holds, then not again', T1, () => {
  const m = mount();
  for (let i = 0; i < 10; i++) {
    m.onAudio(chunk('s1', 5 + i, 500 + i * 100));
  }
  // Ten times the burst size is buffered, yet the announcement, title and pages are missing.
  assert.ok(m.ring.bytes >= 4 * settings.burstSize);
  assert.equal(m.needsBurst(), true);
  m.beginSeeding();
  m.seed(undefined);
  assert.equal(m.needsBurst(), false, 'not again at once after no answer');
  assert.equal(m.seeded, false, 'still missing what the reply would bring');
  m.beginSeeding();
  m.seed(replyFor('s1', 1500, 15), up('s1'));
  assert.equal(m.needsBurst(), false);
  assert.equal(m.announcement?.info['ice-name'], 'N');
});

test('a new source announced from its start needs no burst', T1, () => {
  const m = mount();
  m.onAnnouncement(up('s1'));
  m.onAudio(chunk('s1', 0, 0));
  assert.equal(m.needsBurst(), false);
  m.onAnnouncement({ ...up('s1'), state: 'down' });
  m.onAnnouncement(up('s2'));
  assert.equal(m.needsBurst(), false, 'its audio will all come live');
  m.dispose();
});

test('a title arriving while a burst request runs survives the reply', T1, () => {
  const m = mount();
  m.onAudio(chunk('s1', 5, 500));
  m.beginSeeding();
  m.onAudio(chunk('s1', 6, 600));
  // Ingest took its snapshot before this change, so the reply does not carry it.
  m.onTitle({ mount: '/m.ogg', session: 's1', position: 650, title: 'Late', charset: 'UTF-8' });
  m.seed(replyFor('s1', 600, 6, [{ position: 450, title: 'Early', charset: 'UTF-8' }]));
  const at = (pos: number) => m.titles.at(m.ring.tail + HEADERS.length + (pos - 400))?.title;
  assert.equal(at(500), 'Early');
  assert.equal(at(660), 'Late');
});

test('a chained Ogg link changes the pages only at its marked chunk', T1, () => {
  // Opaque stand-ins for the next link's header pages (a real one differs in its serial).
  const NEXT = Buffer.from('NEXT1');
  const m = mount();
  m.onAnnouncement(up('s1'));
  m.onAudio({ ...chunk('s1', 0, 0, 4), data: HEADERS, codecHeaders: true });
  for (let i = 1; i <= 4; i++) {
    m.onAudio(chunk('s1', i, 4 + (i - 1) * 100));
  }
  // The next link's pages are announced before the audio holding them is published.
  m.onAnnouncement({ ...up('s1', [NEXT]), position: 404 });
  assert.deepEqual(m.startPoint(), { cursor: 204, preamble: HEADERS }, 'old link, old pages');
  m.onAudio({ ...chunk('s1', 5, 404, 5), data: NEXT, codecHeaders: true });
  m.onAudio(chunk('s1', 6, 409));
  // A burst of 250 would start in the old link: it starts at the new link's first chunk.
  assert.deepEqual(m.startPoint(), { cursor: 404 });
  assert.deepEqual(m.liveStartPoint(), { cursor: 409, preamble: NEXT });
  m.onAudio(chunk('s1', 7, 509));
  m.onAudio(chunk('s1', 8, 609));
  assert.deepEqual(m.startPoint(), { cursor: 509, preamble: NEXT });
});

test('a marked chunk that comes before its pages are announced is where readers start', T1, () => {
  const NEXT = Buffer.from('NEXT2');
  const m = mount();
  m.onAnnouncement(up('s1'));
  m.onAudio({ ...chunk('s1', 0, 0, 4), data: HEADERS, codecHeaders: true });
  for (let i = 1; i <= 4; i++) {
    m.onAudio(chunk('s1', i, 4 + (i - 1) * 100));
  }
  m.onAudio({ ...chunk('s1', 5, 404, 5), data: NEXT, codecHeaders: true });
  for (let i = 6; i <= 9; i++) {
    m.onAudio(chunk('s1', i, 409 + (i - 6) * 100));
  }
  assert.deepEqual(m.startPoint(), { cursor: 404 }, 'the chunk carries the unknown pages');
  m.onAnnouncement({ ...up('s1', [NEXT]), position: 404 });
  assert.deepEqual(m.startPoint(), { cursor: 609, preamble: NEXT });
});

test(
  'with listeners attached, a reply for the current session brings what was missed',
  T5,
  async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    client.on('error', () => undefined);
    const socket = await accepted;
    try {
      const m = mount();
      m.onAudio(chunk('s1', 5, 500));
      m.onAudio(chunk('s1', 6, 600));
      const info = { id: '1', ip: '127.0.0.1', request: 'GET /m.ogg HTTP/1.1', home: '/m.ogg' };
      const noop = () => undefined;
      const hooks = { onFirstByte: noop, onBytes: noop, onSlowDrop: noop, onClosed: noop };
      const listener = new Listener(
        { ...info, acceptedAtMs: Date.now() },
        socket,
        m,
        m.startPoint(),
        undefined,
        hooks,
        { maxBytesPerTurn: 65536, log, now: Date.now },
      );
      m.listeners.add(listener);
      const before = m.ring.chunks().map((c) => c.start);
      m.beginSeeding();
      m.seed(
        replyFor('s1', 700, 7, [{ position: 450, title: 'On Air', charset: 'UTF-8' }]),
        up('s1'),
      );
      assert.deepEqual(
        m.ring.chunks().map((c) => c.start),
        before,
        'the audio the listener reads is kept',
      );
      assert.equal(m.titles.at(m.ring.tail)?.title, 'On Air', 'the title on air is known');
      assert.equal(m.announcement?.info['ice-name'], 'N', 'so are the station headers');
      assert.equal(m.seeded, true);
      listener.drop('shutdown');
      m.dispose();
    } finally {
      client.destroy();
      server.close();
    }
  },
);
