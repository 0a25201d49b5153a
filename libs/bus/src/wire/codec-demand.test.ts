/**
 * Unit tests of the on-demand relay codecs and subject: round trips, typed decode errors,
 * refused outgoing fields, and the demand subject's reversible mount token.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeRelayDemand,
  decodeRelayDemandReply,
  encodeRelayDemand,
  encodeRelayDemandReply,
} from './codec-demand.js';
import { MessageDecodeError, UnsupportedMessageVersionError } from '../errors.js';
import { Subjects, subjectMatches } from './subjects.js';

const T = { timeout: 5_000 };
const te = new TextEncoder();

describe('relay demand codecs', () => {
  it('round-trips a demand and a reply', T, () => {
    const demand = { mount: '/relay.mp3', requester: 'edge-1', listeners: 3 };
    assert.deepEqual(decodeRelayDemand(encodeRelayDemand(demand)), demand);
    const reply = { mount: '/relay.mp3', accepted: true, instanceId: 'ingest-1' };
    assert.deepEqual(decodeRelayDemandReply(encodeRelayDemandReply(reply)), reply);
  });

  it('refuses bad fields on both sides of the wire', T, () => {
    assert.throws(() => encodeRelayDemand({ mount: '', requester: 'e', listeners: 0 }), TypeError);
    assert.throws(
      () => encodeRelayDemand({ mount: '/m', requester: 'e', listeners: -1 }),
      TypeError,
    );
    const wrongTag = te.encode('{"v":1,"t":"relay-demand","mount":"/m","requester":"e"}');
    assert.throws(() => decodeRelayDemand(wrongTag), MessageDecodeError);
    const reply = te.encode('{"v":1,"t":"relay-demand","mount":"/m","accepted":true}');
    assert.throws(() => decodeRelayDemandReply(reply), MessageDecodeError);
    const future = te.encode(
      '{"v":99,"t":"relay-demand","mount":"/m","requester":"e","listeners":0}',
    );
    assert.throws(() => decodeRelayDemand(future), UnsupportedMessageVersionError);
  });

  it('has a per-mount subject that parses back and matches its wildcard', T, () => {
    const s = new Subjects('pc.t');
    assert.equal(s.demand('/live.mp3'), 'pc.t.demand._2flive_2emp3');
    assert.equal(s.allDemand(), 'pc.t.demand.*');
    assert.deepEqual(s.parse(s.demand('/a b')), { family: 'demand', mount: '/a b' });
    assert.ok(subjectMatches(s.allDemand(), s.demand('/x.ogg')));
  });
});
