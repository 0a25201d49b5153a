/**
 * Unit tests of the relay, master, file-loop and intro parts of the config schema: defaults,
 * accepted shapes and the rules that span fields of one mount.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from './errors.js';
import { parseStationConfig } from './parse.js';

const T = { timeout: 5_000 };

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

test('a relay mount, a file-loop mount and an intro are accepted with their defaults', T, () => {
  const cfg = parseStationConfig({
    Auth: { AdminPassword: 'x' },
    Mounts: [
      {
        Name: 'relayed.mp3',
        Password: 'p',
        Relay: { Url: 'http://upstream:8000/live.mp3' },
        Fallback: '/offair.mp3',
        Intro: 'intro.mp3',
      },
      { Name: '/offair.mp3', Password: 'p', File: '/srv/offair.mp3', Hidden: true },
    ],
  });
  const [relayed, offair] = cfg.Mounts;
  assert.deepEqual(relayed!.Relay, { Url: 'http://upstream:8000/live.mp3', OnDemand: false });
  assert.equal(relayed!.Fallback, '/offair.mp3');
  assert.equal(relayed!.FallbackOverride, true);
  assert.equal(relayed!.Intro, 'intro.mp3');
  assert.equal(relayed!.File, undefined);
  assert.equal(offair!.File, '/srv/offair.mp3');
});

test('the master section takes Icecast relay defaults', T, () => {
  const cfg = parseStationConfig({
    Auth: { AdminPassword: 'x' },
    Master: { Url: 'http://master:8000', Password: 'relaypw' },
  });
  assert.deepEqual(cfg.Master, {
    Url: 'http://master:8000',
    User: 'relay',
    Password: 'relaypw',
    Interval: 120,
    OnDemand: false,
  });
});

test('a mount fed by both a File and a Relay is refused at its File', T, () => {
  const problems = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      Mounts: [
        { Name: 'ok', Password: 'p', File: 'a.mp3' },
        { Name: 'both', Password: 'p', File: 'a.mp3', Relay: { Url: 'http://u/m' } },
      ],
    }),
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    ['Mounts[1].File'],
  );
  assert.match(problems[0]!.message, /not both/);
});

test('an empty File, a bad master URL and a short master interval are reported', T, () => {
  const problems = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      Master: { Url: 'nats://x', Interval: 1 },
      Mounts: [{ Name: 'f', Password: 'p', File: '' }],
    }),
  );
  const paths = problems.map((p) => p.path).sort();
  assert.deepEqual(paths, ['Master.Interval', 'Master.Url', 'Mounts[0].File']);
});
