/**
 * Unit tests of the message codecs: round trips, typed decode errors, version checks, and the
 * binary envelope carrying bytes without base64 growth.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeAudioChunk, encodeAudioChunk } from './codec-audio.js';
import {
  decodeBurstReply,
  decodeSourceAnnouncement,
  encodeBurstReply,
  encodeSourceAnnouncement,
} from './codec-binary.js';
import {
  ctlKindOf,
  decodeBurstRequest,
  decodeConnectionEvent,
  decodeControlCommand,
  decodeControlReply,
  decodeServiceHeartbeat,
  decodeTitleChange,
  encodeBurstRequest,
  encodeConnectionEvent,
  encodeControlCommand,
  encodeControlReply,
  encodeServiceHeartbeat,
  encodeTitleChange,
  evtKindOf,
} from './codec-json.js';
import { MessageDecodeError, UnsupportedMessageVersionError } from '../errors.js';
import type {
  AudioChunk,
  BurstReply,
  ConnectionEvent,
  ControlCommand,
  ControlReply,
  ServiceHeartbeat,
  SourceAnnouncement,
  TitleChange,
} from './messages.js';

const T = { timeout: 10_000 };
const te = new TextEncoder();
const bytes = (n: number, seed = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * seed) & 0xff);

const source: SourceAnnouncement = {
  state: 'up',
  mount: '/live.ogg',
  session: 'sess-1',
  contentType: 'audio/ogg',
  info: { 'ice-name': 'Penguin FM', 'ice-genre': 'Jazz', 'ice-public': '1' },
  audio: { codec: 'vorbis', bitrateKbps: 128, sampleRate: 44100, channels: 2, quality: '4.0' },
  headerPages: [bytes(58, 3), bytes(3000, 7), bytes(0)],
  startedAtMs: 1_700_000_000_000,
  sourceIp: '192.0.2.7',
  userAgent: 'butt/0.1.40',
  instanceId: 'ingest-1',
  position: 0,
};

const burst: BurstReply = {
  mount: '/live.mp3',
  session: 'sess-2',
  contentType: 'audio/mpeg',
  headerPages: [],
  frames: Array.from({ length: 150 }, (_, i) => ({
    position: 1000 + i * 418,
    data: bytes(418, i),
  })),
  endPosition: 1000 + 150 * 418,
  nextSeq: 77,
  title: { position: 5000, title: 'Artist - Song', charset: 'UTF-8' },
  titles: [
    { position: 0, title: 'Old', url: 'https://example.org', charset: 'ISO-8859-1' },
    { position: 5000, title: 'Artist - Song', charset: 'UTF-8' },
  ],
};

describe('audio chunk codec', () => {
  it('round-trips through payload and headers without copying the payload', T, () => {
    const chunk: AudioChunk = {
      session: 'abc-123',
      seq: 42,
      position: 2 ** 40,
      contentType: 'audio/ogg; codecs=opus',
      frames: 10,
      samples: 9600,
      sampleRate: 48000,
      timestampMs: 1_700_000_000_123,
      data: bytes(1000),
    };
    const wire = encodeAudioChunk(chunk);
    assert.equal(wire.data, chunk.data);
    assert.equal(wire.headers['pc-seq'], '42');
    assert.deepEqual(decodeAudioChunk(wire), chunk);
    const minimal = {
      session: 's',
      seq: 0,
      position: 0,
      contentType: 'audio/mpeg',
      data: bytes(4),
    };
    assert.deepEqual(decodeAudioChunk(encodeAudioChunk(minimal)), minimal);
  });

  it('carries the codec-headers mark as pc-hdr: 1 and leaves it out when unset', T, () => {
    const marked: AudioChunk = {
      session: 's',
      seq: 3,
      position: 9000,
      contentType: 'audio/ogg',
      codecHeaders: true,
      data: bytes(8),
    };
    const wire = encodeAudioChunk(marked);
    assert.equal(wire.headers['pc-hdr'], '1');
    assert.deepEqual(decodeAudioChunk(wire), marked);
    const unmarked = encodeAudioChunk({ ...marked, codecHeaders: false });
    assert.equal(unmarked.headers['pc-hdr'], undefined);
    assert.equal(decodeAudioChunk(unmarked).codecHeaders, undefined);
    const zero = decodeAudioChunk({ data: wire.data, headers: { ...wire.headers, 'pc-hdr': '0' } });
    assert.equal(zero.codecHeaders, undefined);
    assert.throws(
      () => decodeAudioChunk({ data: wire.data, headers: { ...wire.headers, 'pc-hdr': 'yes' } }),
      MessageDecodeError,
    );
  });

  it('reads header names case-insensitively and rejects bad values', T, () => {
    const data = bytes(3);
    const ok = { 'Pc-Session': 's', 'PC-SEQ': '1', 'pc-pos': '0', 'Content-Type': 'audio/aac' };
    assert.equal(decodeAudioChunk({ data, headers: ok }).seq, 1);
    const bads: Array<Record<string, string>> = [
      { ...ok, 'PC-SEQ': '-1' },
      { ...ok, 'PC-SEQ': '01' },
      { ...ok, 'pc-pos': '1e3' },
      { 'pc-seq': '1', 'pc-pos': '0', 'content-type': 'x' },
    ];
    for (const bad of bads) {
      assert.throws(() => decodeAudioChunk({ data, headers: bad }), MessageDecodeError);
    }
    assert.throws(
      () => encodeAudioChunk({ session: 'a b', seq: 0, position: 0, contentType: 'x', data }),
      TypeError,
    );
    assert.throws(
      () => encodeAudioChunk({ session: 's', seq: 1.5, position: 0, contentType: 'x', data }),
      TypeError,
    );
  });
});

describe('JSON codecs', () => {
  it('round-trips every JSON message', T, () => {
    const title: TitleChange = {
      mount: '/live.mp3',
      session: 's',
      position: 123456,
      title: "Sigur Rós - Hoppípolla 'live'",
      url: 'https://example.org/x',
      charset: 'UTF-8',
      timestampMs: 1,
    };
    assert.deepEqual(decodeTitleChange(encodeTitleChange(title)), title);
    const req = { mount: '/live.mp3', maxBytes: 65536, requester: 'edge-1' };
    assert.deepEqual(decodeBurstRequest(encodeBurstRequest(req)), req);
    const commands: ControlCommand[] = [
      { type: 'kill-client', mount: '/a', clientId: '17' },
      { type: 'kill-source', mount: '/a' },
      { type: 'move-clients', from: '/a', to: '/b' },
      { type: 'metadata-update', mount: '/a', title: 'T', charset: 'ISO-8859-1' },
      { type: 'list-clients', mount: '/a' },
      { type: 'set-fallback', mount: '/a', fallback: '/b' },
      { type: 'set-fallback', mount: '/a', fallback: null },
      { type: 'set-fallback', mount: '/a', fallback: '' },
    ];
    for (const cmd of commands) {
      assert.deepEqual(decodeControlCommand(encodeControlCommand(cmd)), cmd);
      assert.equal(ctlKindOf(cmd), cmd.type);
    }
    const replies: ControlReply[] = [
      { type: 'kill-client', instanceId: 'e1', killed: true },
      { type: 'move-clients', instanceId: 'e1', moved: 3 },
      {
        type: 'list-clients',
        instanceId: 'e1',
        clients: [{ id: '1', ip: '::1', connectedSeconds: 1.5, bytes: 10, userAgent: 'VLC' }],
      },
      { type: 'error', instanceId: 'e1', code: 'SOURCE_NOT_FOUND', message: 'no such mount' },
    ];
    for (const reply of replies) {
      assert.deepEqual(decodeControlReply(encodeControlReply(reply)), reply);
    }
    const evt: ConnectionEvent = {
      role: 'listener',
      action: 'disconnect',
      mount: '/live.mp3',
      id: '99',
      ip: '198.51.100.1',
      request: 'GET /live.mp3 HTTP/1.1',
      status: 200,
      bytes: 123456,
      seconds: 61,
      referer: 'https://radio.example/',
      userAgent: 'Mozilla/5.0',
      instanceId: 'edge-2',
      timestampMs: 1_700_000_000_000,
    };
    assert.deepEqual(decodeConnectionEvent(encodeConnectionEvent(evt)), evt);
    assert.equal(evtKindOf(evt), 'listener-disconnect');
  });

  it('throws typed errors for malformed input and newer versions', T, () => {
    const bad = (o: unknown): Uint8Array => te.encode(JSON.stringify(o));
    const good = {
      v: 1,
      t: 'title-change',
      mount: '/a',
      session: 's',
      position: 0,
      title: 't',
      charset: 'UTF-8',
    };
    assert.throws(() => decodeTitleChange(te.encode('{')), MessageDecodeError);
    assert.throws(() => decodeTitleChange(Uint8Array.of(0xff, 0xfe)), MessageDecodeError);
    assert.throws(() => decodeTitleChange(bad([])), MessageDecodeError);
    assert.throws(
      () => decodeTitleChange(bad({ ...good, position: -1 })),
      (err: unknown) => {
        assert.ok(err instanceof MessageDecodeError);
        assert.equal(err.field, 'position');
        return true;
      },
    );
    assert.throws(() => decodeTitleChange(bad({ ...good, t: 'ctl-command' })), MessageDecodeError);
    assert.throws(() => decodeTitleChange(bad({ ...good, v: 2 })), UnsupportedMessageVersionError);
    assert.throws(
      () => decodeControlCommand(bad({ v: 1, t: 'ctl-command', type: 'reboot' })),
      MessageDecodeError,
    );
    for (const fallback of [undefined, 7, ['/b']]) {
      assert.throws(
        () =>
          decodeControlCommand(
            bad({ v: 1, t: 'ctl-command', type: 'set-fallback', mount: '/a', fallback }),
          ),
        MessageDecodeError,
      );
    }
    assert.throws(
      () =>
        decodeControlReply(bad({ v: 1, t: 'ctl-reply', type: 'set-fallback', instanceId: 'e1' })),
      MessageDecodeError,
    );
    assert.throws(() => encodeTitleChange({ ...good, position: 1.5 } as TitleChange), TypeError);
  });

  it('only ever throws MessageDecodeError on garbage', T, () => {
    const decoders = [
      decodeTitleChange,
      decodeServiceHeartbeat,
      decodeControlCommand,
      decodeSourceAnnouncement,
      decodeBurstReply,
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        for (const decode of decoders) {
          assert.throws(() => decode(garbage), MessageDecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('service heartbeat codec', () => {
  const beat: ServiceHeartbeat = {
    service: 'edge',
    instanceId: 'host-1234',
    timestampMs: 1_700_000_000_000,
    intervalMs: 5000,
    uptimeSeconds: 12.5,
    cpuPercent: 3.25,
    rssBytes: 52_428_800,
    heapUsedBytes: 10_000_000,
    heapTotalBytes: 20_000_000,
    figures: { listeners: 12, bytes_sent_total: 123456789, slow_listener_drops_total: 1 },
  };

  it('round-trips, with and without the stopping flag', T, () => {
    assert.deepEqual(decodeServiceHeartbeat(encodeServiceHeartbeat(beat)), beat);
    const last = { ...beat, figures: {}, stopping: true };
    assert.deepEqual(decodeServiceHeartbeat(encodeServiceHeartbeat(last)), last);
  });

  it('refuses bad figures, negative values and a zero interval', T, () => {
    const wire = (o: Record<string, unknown>): Uint8Array =>
      te.encode(JSON.stringify({ v: 1, t: 'service-heartbeat', ...beat, ...o }));
    const field = (o: Record<string, unknown>): string => {
      try {
        decodeServiceHeartbeat(wire(o));
      } catch (err) {
        assert.ok(err instanceof MessageDecodeError);
        return err.field;
      }
      assert.fail('decoded a bad heartbeat');
    };
    assert.equal(field({ figures: { 'Bad Name': 1 } }), 'figures.Bad Name');
    assert.equal(field({ figures: { listeners: -1 } }), 'figures.listeners');
    assert.equal(field({ figures: { listeners: '3' } }), 'figures.listeners');
    assert.equal(field({ figures: [] }), 'figures');
    assert.equal(
      field({ figures: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i])) }),
      'figures',
    );
    assert.equal(field({ intervalMs: 0 }), 'intervalMs');
    assert.equal(field({ cpuPercent: -0.5 }), 'cpuPercent');
    assert.equal(field({ service: '' }), 'service');
    assert.equal(field({ stopping: 'yes' }), 'stopping');
    assert.throws(() => encodeServiceHeartbeat({ ...beat, rssBytes: 1.5 }), TypeError);
  });
});

describe('binary envelope codecs', () => {
  it('round-trips a source announcement with its Ogg header pages', T, () => {
    const wire = encodeSourceAnnouncement(source);
    assert.deepEqual(decodeSourceAnnouncement(wire), source);
    const down = {
      ...source,
      state: 'down' as const,
      headerPages: [],
      position: 9,
      reason: 'timeout',
    };
    assert.deepEqual(decodeSourceAnnouncement(encodeSourceAnnouncement(down)), down);
  });

  it('round-trips a burst reply with little overhead', T, () => {
    const wire = encodeBurstReply(burst);
    const decoded = decodeBurstReply(wire);
    assert.deepEqual(decoded, burst);
    const audio = burst.frames.reduce((n, f) => n + f.data.byteLength, 0);
    // base64 alone would add a third; the envelope adds a few bytes of JSON per frame.
    assert.ok(wire.byteLength < audio * 1.1, `${wire.byteLength} bytes for ${audio} of audio`);
    assert.equal(decoded.frames[0]?.data.buffer, wire.buffer, 'frames are views, not copies');
    const empty = { ...burst, frames: [], title: null, titles: [] };
    assert.deepEqual(decodeBurstReply(encodeBurstReply(empty)), empty);
  });

  it('carries the source announcement inside a burst reply, header pages included', T, () => {
    const withSource: BurstReply = { ...burst, headerPages: [bytes(40, 9)], announcement: source };
    const decoded = decodeBurstReply(encodeBurstReply(withSource));
    assert.deepEqual(decoded, withSource);
    assert.deepEqual(decoded.announcement?.headerPages, source.headerPages);
  });

  it('rejects truncated or inconsistent envelopes', T, () => {
    const wire = encodeSourceAnnouncement(source);
    assert.throws(
      () => decodeSourceAnnouncement(wire.subarray(0, wire.byteLength - 1)),
      MessageDecodeError,
    );
    const extra = new Uint8Array(wire.byteLength + 1);
    extra.set(wire);
    assert.throws(() => decodeSourceAnnouncement(extra), MessageDecodeError);
    assert.throws(() => decodeBurstReply(wire), MessageDecodeError);
    const wrongMagic = Uint8Array.from(wire);
    wrongMagic[0] = 0;
    assert.throws(() => decodeSourceAnnouncement(wrongMagic), MessageDecodeError);
    assert.throws(() => encodeSourceAnnouncement({ ...source, startedAtMs: -1 }), TypeError);
  });
});
