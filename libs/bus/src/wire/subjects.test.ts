/**
 * Unit tests of the subject and key builders, with property tests of the mount token round
 * trip over arbitrary strings (including lone surrogates).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidMountTokenError } from '../errors.js';
import { Keys } from './keys.js';
import {
  Subjects,
  assertPublishSubject,
  assertSubscribeSubject,
  audioSubject,
  ctlSubject,
  decodeMountToken,
  encodeMountToken,
  parseSubject,
  statsSubject,
  subjectMatches,
  titlesSubject,
  validateSubjectPrefix,
  wildcardSubject,
} from './subjects.js';

const T = { timeout: 10_000 };
const TOKEN = /^[A-Za-z0-9_-]+$/;
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

describe('mount tokens', () => {
  it('encodes typical and hostile mount names into one safe token', T, () => {
    const cases: Array<[string, string]> = [
      ['/live.mp3', '_2flive_2emp3'],
      ['/a b/ü.ogg', '_2fa_20b_2f_fc_2eogg'],
      ['/x*y>z', '_2fx_2ay_3ez'],
      ['$SYS', '_24SYS'],
      ['', '_'],
      ['Stream-1', 'Stream-1'],
      ['_', '_5f'],
      ['中', '_u4e2d'],
    ];
    for (const [mount, token] of cases) {
      assert.equal(encodeMountToken(mount), token);
      assert.equal(decodeMountToken(token), mount);
    }
  });

  it('round-trips arbitrary strings, and every token is one NATS token', T, () => {
    const check = (mount: string): void => {
      const token = encodeMountToken(mount);
      assert.match(token, TOKEN);
      assert.equal(decodeMountToken(token), mount);
    };
    fc.assert(fc.property(fc.string({ unit: 'binary' }), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: anyUnit }), check), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme-ascii' }), check), { numRuns: 2000 });
  });

  it('is injective: different mounts never share a token', T, () => {
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), fc.string({ unit: anyUnit }), (a, b) => {
        assert.equal(encodeMountToken(a) === encodeMountToken(b), a === b);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts only canonical tokens, so decode is the exact inverse of encode', T, () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_u-]{1,12}$/), (token) => {
        let mount: string;
        try {
          mount = decodeMountToken(token);
        } catch (err) {
          assert.ok(err instanceof InvalidMountTokenError);
          return;
        }
        assert.equal(encodeMountToken(mount), token);
      }),
      { numRuns: 3000 },
    );
    for (const bad of ['', '_61', '_u0041', '_2F', '_zz', '_2', '_u12', 'a.b', 'a*', '$x']) {
      assert.throws(() => decodeMountToken(bad), InvalidMountTokenError, bad);
    }
  });
});

describe('subjects', () => {
  it('builds the design scheme under a validated prefix', T, () => {
    const s = new Subjects();
    assert.equal(s.audio('/live.mp3'), 'pc.audio._2flive_2emp3');
    assert.equal(s.meta('/live.mp3'), 'pc.meta._2flive_2emp3');
    assert.equal(s.source('/live.mp3'), 'pc.source._2flive_2emp3');
    assert.equal(s.burst('/live.mp3'), 'pc.burst._2flive_2emp3');
    assert.equal(s.titles('/live.mp3'), 'pc.titles._2flive_2emp3');
    assert.equal(titlesSubject('pc.t', '/a'), 'pc.t.titles._2fa');
    assert.equal(s.allTitles(), 'pc.titles.*');
    assert.ok(subjectMatches(s.allTitles(), s.titles('/x.ogg')));
    assert.ok(!subjectMatches(s.allBurst(), s.titles('/x.ogg')));
    assert.equal(s.ctl('kill-source'), 'pc.ctl.kill-source');
    assert.equal(s.ctl('set-fallback'), 'pc.ctl.set-fallback');
    assert.deepEqual(s.parse('pc.ctl.set-fallback'), { family: 'ctl', kind: 'set-fallback' });
    assert.equal(s.evt('listener-disconnect'), 'pc.evt.listener-disconnect');
    assert.deepEqual(
      [s.allAudio(), s.allMeta(), s.allSource(), s.allBurst(), s.allCtl(), s.allEvt()],
      ['pc.audio.*', 'pc.meta.*', 'pc.source.*', 'pc.burst.*', 'pc.ctl.*', 'pc.evt.*'],
    );
    assert.equal(audioSubject('pc.test1', '/a'), 'pc.test1.audio._2fa');
    assert.equal(wildcardSubject('x', 'evt'), 'x.evt.*');
    assert.equal(s.heartbeat(), 'pc.stats.heartbeat');
    assert.equal(statsSubject('pc.t', 'heartbeat'), 'pc.t.stats.heartbeat');
    assert.equal(s.allStats(), 'pc.stats.*');
    assert.ok(subjectMatches(s.allStats(), s.heartbeat()));
    assert.throws(() => statsSubject('pc', 'reboot' as never), TypeError);
  });

  it('refuses bad prefixes and unknown kinds', T, () => {
    for (const bad of ['', '$SYS', 'PC', 'pc.*', 'pc.>', 'pc..x', 'p c', 'pc.']) {
      assert.throws(() => validateSubjectPrefix(bad), TypeError, bad);
      assert.throws(() => new Subjects(bad), TypeError, bad);
    }
    assert.throws(() => ctlSubject('pc', 'reboot' as never), TypeError);
  });

  it('parses concrete subjects back into mount or kind', T, () => {
    const s = new Subjects('pc.t');
    fc.assert(
      fc.property(fc.string({ unit: anyUnit }), (mount) => {
        assert.deepEqual(s.parse(s.audio(mount)), { family: 'audio', mount });
        assert.deepEqual(s.parse(s.source(mount)), { family: 'source', mount });
        assert.deepEqual(s.parse(s.titles(mount)), { family: 'titles', mount });
      }),
      { numRuns: 500 },
    );
    assert.deepEqual(s.parse(s.ctl('move-clients')), { family: 'ctl', kind: 'move-clients' });
    assert.deepEqual(s.parse(s.evt('source-connect')), { family: 'evt', kind: 'source-connect' });
    assert.deepEqual(s.parse(s.heartbeat()), { family: 'stats', event: 'heartbeat' });
    assert.equal(s.parse('pc.t.stats.reboot'), null);
    assert.equal(parseSubject('pc', 'pc.t.audio._2fa'), null);
    assert.equal(s.parse('other.audio._2fa'), null);
    assert.equal(s.parse('pc.t.audio'), null);
    assert.equal(s.parse('pc.t.ctl.reboot'), null);
    assert.throws(() => s.parse('pc.t.audio._61'), InvalidMountTokenError);
  });

  it('matches NATS wildcard rules', T, () => {
    assert.equal(subjectMatches('a.*', 'a.b'), true);
    assert.equal(subjectMatches('a.*', 'a.b.c'), false);
    assert.equal(subjectMatches('a.>', 'a.b.c'), true);
    assert.equal(subjectMatches('a.>', 'a'), false);
    assert.equal(subjectMatches('*.b', 'a.b'), true);
    assert.equal(subjectMatches('a.b', 'a.b'), true);
    assert.equal(subjectMatches('a.b', 'a.c'), false);
    assert.equal(subjectMatches('>', 'a'), true);
    assert.doesNotThrow(() => assertSubscribeSubject('a.*.>'));
    assert.throws(() => assertSubscribeSubject('a.>.b'), TypeError);
    assert.throws(() => assertPublishSubject('a.*'), TypeError);
    assert.throws(() => assertPublishSubject(''), TypeError);
  });
});

describe('keys', () => {
  it('builds pc: keys with encoded mounts and checked ids', T, () => {
    const k = new Keys();
    assert.equal(k.mountInfo('/live.mp3'), 'pc:mount:_2flive_2emp3');
    assert.equal(k.mountLease('/live.mp3'), 'pc:lease:_2flive_2emp3');
    assert.equal(k.listenerCount('/live.mp3', 'edge-1'), 'pc:listeners:_2flive_2emp3:edge-1');
    assert.ok(k.listenerCount('/a', 'e').startsWith(k.listenerCountPrefix('/a')));
    assert.ok(!k.listenerCount('/ab', 'e').startsWith(k.listenerCountPrefix('/a')));
    assert.equal(k.listenerPeak('/a'), 'pc:peak:_2fa');
    assert.equal(k.serverStart(), 'pc:server-start');
    assert.equal(k.mountFromInfoKey(k.mountInfo('/x y')), '/x y');
    assert.throws(() => k.listenerCount('/a', 'bad id'), TypeError);
    assert.throws(() => new Keys('PC'), TypeError);
    assert.equal(new Keys('pc:test').serverStart(), 'pc:test:server-start');
  });

  it('builds runtime fallback keys that scan and decode back to the mount', T, () => {
    const k = new Keys();
    assert.equal(k.fallback('/live.mp3'), 'pc:fallback:_2flive_2emp3');
    assert.equal(k.fallbackPrefix(), 'pc:fallback:');
    assert.ok(k.fallback('/a').startsWith(k.fallbackPrefix()));
    assert.ok(!k.mountInfo('/a').startsWith(k.fallbackPrefix()));
    assert.equal(k.mountFromFallbackKey(k.fallback('/x y')), '/x y');
    assert.throws(() => k.mountFromFallbackKey(k.mountInfo('/a')), TypeError);
    assert.equal(new Keys('pc:test').fallback('/a'), 'pc:test:fallback:_2fa');
  });
});
