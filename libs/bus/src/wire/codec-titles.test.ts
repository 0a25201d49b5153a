/**
 * Unit tests of the titles request and reply codecs: round trips with and without the optional
 * titles, typed decode errors, refused outgoing fields, and garbage refused without a crash.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeTitlesReply,
  decodeTitlesRequest,
  encodeTitlesReply,
  encodeTitlesRequest,
} from './codec-titles.js';
import { MessageDecodeError, UnsupportedMessageVersionError } from '../errors.js';
import type { TitlesReply, TitlesRequest } from './messages.js';

const T = { timeout: 5_000 };
const te = new TextEncoder();
const wire = (o: unknown): Uint8Array => te.encode(JSON.stringify(o));

const reply: TitlesReply = {
  mount: '/live.mp3',
  session: 's-1',
  joinPosition: 40_000,
  endPosition: 105_536,
  atJoin: { position: 1_000, title: 'Older song', charset: 'UTF-8' },
  latest: {
    position: 90_000,
    title: "Sigur Rós - Hoppípolla 'live'",
    url: 'https://example.org/x',
    charset: 'ISO-8859-1',
  },
};

describe('titles codecs', () => {
  it('round-trips requests with and without their optional fields', T, () => {
    const requests: TitlesRequest[] = [
      { mount: '/live.mp3', maxBytes: 65536, requester: 'admin-1' },
      { mount: '/live.mp3' },
    ];
    for (const req of requests) {
      assert.deepEqual(decodeTitlesRequest(encodeTitlesRequest(req)), req);
    }
  });

  it('round-trips replies with both titles, one, or none', T, () => {
    const { atJoin: _a, latest: _l, ...bare } = reply;
    const { atJoin: _b, ...latestOnly } = reply;
    for (const r of [reply, bare, latestOnly, { ...bare, joinPosition: 7, endPosition: 7 }]) {
      assert.deepEqual(decodeTitlesReply(encodeTitlesReply(r)), r);
    }
    // Absent titles are left out of the wire, never sent as null.
    assert.equal(new TextDecoder().decode(encodeTitlesReply(bare)).includes('atJoin'), false);
  });

  it('refuses malformed requests and replies on both sides of the wire', T, () => {
    const req = { v: 1, t: 'titles-request', mount: '/m', maxBytes: 100 };
    assert.deepEqual(decodeTitlesRequest(wire(req)), { mount: '/m', maxBytes: 100 });
    for (const bad of [
      { ...req, mount: '' },
      { ...req, maxBytes: -1 },
      { ...req, maxBytes: 1.5 },
      { ...req, requester: 7 },
      { ...req, t: 'burst-request' },
    ]) {
      assert.throws(() => decodeTitlesRequest(wire(bad)), MessageDecodeError, JSON.stringify(bad));
    }
    assert.throws(
      () => decodeTitlesRequest(wire({ ...req, v: 2 })),
      UnsupportedMessageVersionError,
    );
    assert.throws(() => encodeTitlesRequest({ mount: '/m', maxBytes: -5 }), TypeError);

    const good = { v: 1, t: 'titles-reply', ...reply };
    assert.deepEqual(decodeTitlesReply(wire(good)), reply);
    const cases: Array<[unknown, string]> = [
      [{ ...good, session: '' }, 'session'],
      [{ ...good, joinPosition: -1 }, 'joinPosition'],
      [{ ...good, joinPosition: 200_000 }, 'joinPosition'],
      [{ ...good, endPosition: 'x' }, 'endPosition'],
      [{ ...good, atJoin: 'Older song' }, 'atJoin'],
      [{ ...good, atJoin: { ...reply.atJoin, title: 5 } }, 'atJoin.title'],
      [{ ...good, atJoin: { ...reply.atJoin, position: 50_000 } }, 'atJoin.position'],
      [{ ...good, latest: { ...reply.latest, charset: '' } }, 'latest.charset'],
    ];
    for (const [bad, field] of cases) {
      assert.throws(
        () => decodeTitlesReply(wire(bad)),
        (err: unknown) => err instanceof MessageDecodeError && err.field === field,
        field,
      );
    }
    assert.throws(() => decodeTitlesReply(wire({ ...good, t: 'burst-reply' })), MessageDecodeError);
    assert.throws(() => encodeTitlesReply({ ...reply, joinPosition: 200_000 }), TypeError);
  });

  it('only ever throws MessageDecodeError on garbage', T, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        assert.throws(() => decodeTitlesRequest(garbage), MessageDecodeError);
        assert.throws(() => decodeTitlesReply(garbage), MessageDecodeError);
      }),
      { numRuns: 300 },
    );
  });
});
