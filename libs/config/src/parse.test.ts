import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStationConfig, bindAddress } from './parse.js';
import { loadStationConfig } from './load.js';
import { ConfigError } from './errors.js';
import { mountPasswordVariable } from './env.js';

const seedPath = fileURLToPath(new URL('../../../config.json', import.meta.url));
const seed = JSON.parse(readFileSync(seedPath, 'utf8')) as Record<string, unknown>;

function problemsOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

test('the seed config.json is accepted as it stands', () => {
  const cfg = parseStationConfig(seed);
  assert.equal(cfg.Name, 'Rollstation radio');
  assert.equal(cfg.Socket.Port, 8008);
  assert.equal(cfg.Limits.Clients, 30);
  assert.equal(cfg.Limits.SourceIdleTimeOut, 5);
  assert.equal(cfg.Logging.Loglevel, 4);
  assert.equal(cfg.Mounts.length, 1);
  const m = cfg.Mounts[0]!;
  assert.equal(m.Name, '/RockRadio96', 'mount names gain their leading slash');
  assert.equal(m.User, 'admin');
  assert.equal(m.BitRate, 96);
  assert.equal(m.DumpFile, 'rock96.mp3');
  assert.equal(m.MetaInt, 16000, 'Icecast default metaint');
  assert.equal(m.Charset, 'UTF-8');
  assert.equal(cfg.Limits.QueueSize, 524288);
  assert.equal(bindAddress(cfg), '127.0.0.1');
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.Mounts[0]), 'deeply frozen');
});

test('an empty document only misses the admin password', () => {
  const problems = problemsOf(() => parseStationConfig({}));
  assert.deepEqual(
    problems.map((p) => p.path),
    ['Auth.AdminPassword'],
  );
  assert.match(problems[0]!.message, /PENGUINCAST_ADMIN_PASSWORD/);
});

test('defaults follow Icecast where the seed names none', () => {
  const cfg = parseStationConfig({ Auth: { AdminPassword: 'x' } });
  assert.equal(cfg.Socket.Port, 8000);
  assert.equal(cfg.Auth.AdminUser, 'admin');
  assert.equal(cfg.Limits.Clients, 100);
  assert.equal(cfg.Limits.Sources, 2);
  assert.equal(cfg.Limits.BurstSize, 65536);
  assert.equal(cfg.Cluster.SubjectPrefix, 'pc');
  assert.equal(cfg.Cluster.KeyPrefix, 'pc');
  assert.equal(cfg.Auth.SourcePassword, undefined, 'unlisted mounts refused by default');
});

test('every problem is listed with its path', () => {
  const problems = problemsOf(() =>
    parseStationConfig({
      Socket: { Port: 70000 },
      Limits: { Clients: -1 },
      Auth: {},
      Logging: { Loglevel: 9 },
      Mounts: [{ Name: 'a', Password: '' }, { Password: 'p' }, { Name: 'b', Password: 'p', X: 1 }],
      Unknown: true,
    }),
  );
  const paths = problems.map((p) => p.path).sort();
  for (const p of [
    'Socket.Port',
    'Limits.Clients',
    'Auth.AdminPassword',
    'Logging.Loglevel',
    'Mounts[0].Password',
    'Mounts[1].Name',
  ]) {
    assert.ok(paths.includes(p), `missing ${p} in ${paths.join(', ')}`);
  }
  assert.ok(
    problems.some((p) => p.path === 'Mounts[2]' || p.message.includes('X')),
    'unknown key in a mount is reported',
  );
  assert.ok(
    problems.some((p) => p.message.includes('Unknown')),
    'unknown top-level key',
  );
});

test('cross-field rules: duplicates, fallback cycles and self, burst over queue, bad names', () => {
  const problems = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      Socket: { Port: 65535 },
      Mounts: [
        { Name: 'live', Password: 'p', Fallback: '/b' },
        { Name: '/live', Password: 'p', Fallback: 'c' },
        { Name: 'b', Password: 'p', Fallback: 'live' },
        { Name: 'c', Password: 'p', Fallback: 'c' },
        { Name: 'd', Password: 'p', BurstSize: 600000 },
        { Name: '/../etc', Password: 'p' },
        { Name: 'f', Password: 'p', Relay: { Url: 'http://u:8000/m', User: 'u' } },
      ],
    }),
  );
  const byPath = (p: string) => problems.filter((x) => x.path === p).map((x) => x.message);
  assert.ok(byPath('Mounts[1].Name').some((m) => m.includes('already defined')));
  assert.ok(byPath('Mounts[0].Fallback').some((m) => m.includes('loops')));
  assert.ok(byPath('Mounts[3].Fallback').some((m) => m.includes('itself')));
  assert.ok(byPath('Mounts[4].BurstSize').length === 1);
  assert.ok(byPath('Mounts[5].Name').length === 1);
  assert.ok(byPath('Socket.Port').some((m) => m.includes('Port + 1')));
  assert.ok(byPath('Mounts[6].Relay.Password').length === 1);
  // Schema errors stop before cross-field checks, so the relay URL is checked on its own.
  const relay = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      Mounts: [{ Name: 'e', Password: 'p', Relay: { Url: 'ftp://x/y' } }],
    }),
  );
  assert.equal(relay[0]?.path, 'Mounts[0].Relay.Url');
});

test('environment variables override the file, including mount passwords', () => {
  const env = {
    PENGUINCAST_PORT: '9000',
    PENGUINCAST_ADMIN_PASSWORD: 'from-env',
    PENGUINCAST_NATS_URL: 'nats://127.0.0.1:4222',
    [mountPasswordVariable('RockRadio96')]: 'mount-secret',
  };
  assert.equal(mountPasswordVariable('/rock.mp3'), 'PENGUINCAST_MOUNT_PASSWORD_ROCK_MP3');
  const cfg = parseStationConfig(seed, env);
  assert.equal(cfg.Socket.Port, 9000);
  assert.equal(cfg.Auth.AdminPassword, 'from-env');
  assert.equal(cfg.Cluster.NatsUrl, 'nats://127.0.0.1:4222');
  assert.equal(cfg.Mounts[0]!.Password, 'mount-secret');
  assert.equal((seed['Socket'] as { Port: number }).Port, 8008, 'the input is not modified');
  const bad = problemsOf(() => parseStationConfig(seed, { PENGUINCAST_PORT: 'eighty' }));
  assert.deepEqual(bad[0], {
    path: 'Socket.Port',
    message: 'PENGUINCAST_PORT=eighty is not a whole number',
  });
});

test('loadStationConfig reports a missing file, bad JSON and a non-object', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pc-config-'));
  assert.throws(() => loadStationConfig(join(dir, 'nope.json'), {}), /does not exist/);
  writeFileSync(join(dir, 'bad.json'), '{ "Name": ');
  assert.throws(() => loadStationConfig(join(dir, 'bad.json'), {}), /not valid JSON/);
  writeFileSync(join(dir, 'arr.json'), '[]');
  assert.throws(() => loadStationConfig(join(dir, 'arr.json'), {}), /must be a JSON object/);
  const cfg = loadStationConfig(seedPath, {});
  assert.equal(cfg.Mounts[0]!.Name, '/RockRadio96');
});

test('ConfigError message lists each problem on its own line', () => {
  const err = new ConfigError(
    [
      { path: 'A', message: 'one' },
      { path: '', message: 'two' },
    ],
    'x.json',
  );
  assert.equal(err.message, 'x.json has 2 problems:\n  - A: one\n  - (root): two');
  assert.equal(err.name, 'ConfigError');
});

test('a mount named like a server page is a config error at its Name', () => {
  const problems = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      Mounts: [
        { Name: '/live.mp3', Password: 'p' },
        { Name: 'status-json.xsl', Password: 'p' },
        { Name: '/admin/stats', Password: 'p' },
        { Name: '/live.mp3.m3u', Password: 'p' },
      ],
    }),
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    ['Mounts[1].Name', 'Mounts[2].Name', 'Mounts[3].Name'],
  );
  assert.match(problems[0]!.message, /\/status-json\.xsl is a server page/);
});

test('TrustedProxies takes addresses and CIDR ranges and names each bad entry', () => {
  const cfg = parseStationConfig({
    Auth: { AdminPassword: 'x' },
    TrustedProxies: ['10.0.0.1', '10.0.0.0/8', '172.16.0.0/12', 'fd00::/8', '::1', '[2001:db8::1]'],
  });
  assert.equal(cfg.TrustedProxies.length, 6);
  const problems = problemsOf(() =>
    parseStationConfig({
      Auth: { AdminPassword: 'x' },
      TrustedProxies: ['10.0.0.1', 'proxy.local', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/x', ''],
    }),
  );
  assert.deepEqual(
    problems.map((p) => p.path),
    [
      'TrustedProxies[1]',
      'TrustedProxies[2]',
      'TrustedProxies[3]',
      'TrustedProxies[4]',
      'TrustedProxies[5]',
    ],
  );
  assert.match(problems[0]!.message, /"proxy\.local" is not an IP address or CIDR range/);
  assert.match(problems[1]!.message, /prefix length; use \/0 to \/32/);
  assert.match(problems[2]!.message, /\/0 to \/128/);
});
