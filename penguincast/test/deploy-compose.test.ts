/**
 * Static checks of the container deployment: the compose files (every service, health checks,
 * passwords only from the environment, the host-network override on distinct loopback ports),
 * the Dockerfile and .dockerignore, `.env.example` and the Prometheus scrape targets. It reads
 * files and runs `docker-compose config` (no Docker engine needed); it never starts a container.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import {
  ENV_OVERRIDES,
  MOUNT_PASSWORD_PREFIX,
  mountPasswordVariable,
  parseStationConfig,
} from '@penguincast/config';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const read = (...path: string[]): string => readFileSync(join(ROOT, ...path), 'utf8');

const PENGUINCAST = ['ingest', 'edge-a', 'edge-b', 'admin', 'stats'] as const;
const ALL = ['nats', 'redis', ...PENGUINCAST, 'prometheus', 'grafana'];
/** The variables compose must refuse to start without: the passwords. */
const REQUIRED = [
  'PENGUINCAST_ADMIN_PASSWORD',
  'PENGUINCAST_MOUNT_PASSWORD_LIVE_MP3',
  'GRAFANA_ADMIN_PASSWORD',
];

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  networks?: Record<string, { aliases?: string[] }>;
  restart?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** A compose file parsed as Compose reads it (YAML merge keys `<<:` resolved). */
function compose(name: string): ComposeFile {
  return YAML.parse(read('deploy', name), { merge: true }) as ComposeFile;
}

/**
 * Compose's variable substitution: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}` and `$$`. Unset variables without a default become ''.
 */
function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (whole === '$$') {
        return '$';
      }
      const value = env[name!];
      const empty = value === undefined || (op?.startsWith(':') === true && value === '');
      if (op?.endsWith('-') && empty) {
        return arg ?? '';
      }
      if (op?.endsWith('?') && empty) {
        throw new Error(`${name}: ${arg}`);
      }
      return value ?? '';
    },
  );
}

/** Every `${VAR…}` a text refers to, with whether it has a default or is required. */
function variables(text: string): Map<string, 'default' | 'required' | 'plain'> {
  const out = new Map<string, 'default' | 'required' | 'plain'>();
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])[^}]*)?\}/g)) {
    const kind = m[2] === undefined ? 'plain' : m[2].endsWith('?') ? 'required' : 'default';
    out.set(m[1]!, kind);
  }
  return out;
}

/** `KEY=value` lines of an env file; commented `#KEY=value` lines count as documented. */
function envFile(text: string): { set: Map<string, string>; documented: Set<string> } {
  const set = new Map<string, string>();
  const documented = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(#)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) {
      documented.add(m[2]!);
      if (m[1] === undefined) {
        set.set(m[2]!, m[3]!);
      }
    }
  }
  return { set, documented };
}

const base = compose('docker-compose.yml');
const override = compose('docker-compose.override.yml');
const host = compose('docker-compose.host.yml');
const composeTexts = [
  'docker-compose.yml',
  'docker-compose.override.yml',
  'docker-compose.host.yml',
];
const envExample = envFile(read('deploy', '.env.example'));
/** Stand-in passwords for the checks that need compose's variables set. */
const PASSWORDS = Object.fromEntries(REQUIRED.map((v) => [v, `pw-${v.toLowerCase()}`]));

test('compose: every service of the station, PenguinCast ones from the one image', () => {
  assert.deepEqual(Object.keys(base.services).sort(), [...ALL].sort());
  for (const file of [override, host]) {
    for (const name of Object.keys(file.services)) {
      assert.ok(ALL.includes(name), `an override names an unknown service ${name}`);
    }
  }
  const config = JSON.parse(read('deploy', 'config.json')) as Record<string, unknown>;
  for (const name of PENGUINCAST) {
    const s = base.services[name]!;
    const service = name.replace(/-[ab]$/, '');
    assert.deepEqual(s.command, [service], `${name} runs penguincast ${service}`);
    assert.match(s.image ?? '', /^\$\{PENGUINCAST_IMAGE:-penguincast:[^}]+\}$/, `${name} image`);
    assert.equal(s.build?.context, '..', `${name} builds the root Dockerfile`);
    assert.equal(s.build?.dockerfile, 'Dockerfile');
    assert.match(s.build?.args?.BASE_IMAGE ?? '', /^\$\{PENGUINCAST_BASE_IMAGE:-/);
    assert.ok(
      s.volumes?.includes('./config.json:/etc/penguincast/config.json:ro'),
      `${name} mounts config.json read-only`,
    );
    assert.equal(s.restart, 'unless-stopped', `${name} restarts after a crash`);
    // The services read their passwords and the cluster's addresses from the environment.
    const env = Object.fromEntries(
      Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v, PASSWORDS)]),
    );
    const known = new Set(ENV_OVERRIDES.map((e) => e.name));
    for (const key of Object.keys(env)) {
      assert.ok(
        known.has(key) || key.startsWith(MOUNT_PASSWORD_PREFIX),
        `${name}: ${key} is no variable the services read`,
      );
    }
    const mounts = (config.Mounts ?? []) as { Name: string }[];
    for (const m of mounts) {
      assert.ok(
        mountPasswordVariable(m.Name) in env,
        `${name}: no password variable for ${m.Name}`,
      );
    }
    assert.doesNotThrow(() => parseStationConfig(config, env, `${name} config`));
  }
  assert.deepEqual(base.services.nats?.entrypoint, ['nats-server']);
  assert.deepEqual(base.services.redis?.entrypoint, ['redis-server']);
  assert.deepEqual(base.services.prometheus?.entrypoint, ['prometheus']);
});

test('compose: health checks gate start-up; the image checks the PenguinCast services', () => {
  for (const name of ['nats', 'redis']) {
    const hc = base.services[name]!.healthcheck;
    assert.equal(hc?.test?.[0], 'CMD', `${name} has a health check`);
  }
  for (const name of PENGUINCAST) {
    const s = base.services[name]!;
    assert.equal(s.healthcheck, undefined, `${name} keeps the image's HEALTHCHECK`);
    assert.deepEqual(s.depends_on, {
      nats: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  }
  assert.match(
    read('Dockerfile'),
    /^HEALTHCHECK .*\n\s+CMD \["node", "\/app\/healthcheck\.mjs"\]/m,
  );
  // The host override moves NATS and Redis, so their checks must follow them.
  const natsPort = interpolate(host.services.nats!.command![3]!, {});
  const monitor = interpolate(host.services.nats!.command![5]!, {});
  assert.equal(natsPort, '24222');
  assert.ok(
    host.services.nats!.healthcheck!.test!.some((a) => interpolate(a, {}).includes(`:${monitor}/`)),
    'the NATS check asks the moved monitoring port',
  );
  const redisPort = interpolate(host.services.redis!.command![3]!, {});
  assert.ok(
    host.services.redis!.healthcheck!.test!.map((a) => interpolate(a, {})).includes(redisPort),
    'the Redis check asks the moved port',
  );
});

test('compose: passwords come only from .env; .env.example documents every variable', () => {
  const referenced = new Map<string, string>();
  for (const file of composeTexts) {
    for (const [name, kind] of variables(read('deploy', file))) {
      referenced.set(name, kind);
    }
  }
  const required = [...referenced].filter(([, k]) => k === 'required').map(([n]) => n);
  assert.deepEqual(required.sort(), [...REQUIRED].sort(), 'compose refuses to start without these');
  for (const [name, kind] of referenced) {
    if (name.startsWith('PENGUINCAST_HOSTNET_')) {
      assert.equal(kind, 'default', `${name} has a default`);
      continue; // The host override's ports, documented in that file.
    }
    assert.ok(envExample.documented.has(name), `.env.example does not mention ${name}`);
  }
  for (const name of REQUIRED) {
    assert.equal(envExample.set.get(name), '', `.env.example leaves ${name} empty`);
  }
  // Every PASSWORD value in a compose file is a variable, never a literal.
  for (const file of composeTexts) {
    for (const [name, s] of Object.entries(compose(file).services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD/.test(key)) {
          assert.match(String(value), /^\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}$/, `${file} ${name} ${key}`);
        }
      }
    }
  }
  // .env stays out of git and out of the image's build context.
  assert.match(read('deploy', '.gitignore'), /^\.env$/m);
  assert.match(read('.dockerignore'), /^\*\*\/\.env$/m);
});

test('deploy/: no password literal in any committed file', () => {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (name !== '.env') {
        files.push(p);
      }
    }
  };
  walk(DEPLOY);
  files.push(join(ROOT, 'Dockerfile'));
  const problems: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const rel = relative(ROOT, file);
    // KEY=value, KEY: value and "KeyPassword": "value" with a literal value on the same line;
    // a variable, an empty value or a placeholder (`…`) is fine.
    const assignments = text.matchAll(
      /([A-Za-z_]*(?:PASSWORD|Password|SECRET|TOKEN)[A-Za-z_]*)"?[ \t]*[:=][ \t]*"?([^\s"',}`]*)/g,
    );
    for (const m of assignments) {
      const value = m[2]!;
      if (value === '' || value.startsWith('${') || /^(…|\.\.\.|<.*>)$/.test(value)) {
        continue;
      }
      problems.push(`${rel}: ${m[1]}=${value}`);
    }
  }
  assert.deepEqual(problems, []);
  const station = JSON.parse(read('deploy', 'config.json')) as Record<string, unknown>;
  assert.doesNotMatch(JSON.stringify(station), /Password"/, 'config.json holds no password');
  assert.equal(
    read('deploy', 'config.json'),
    read('deploy', 'k8s', 'base', 'config.json'),
    'compose and Kubernetes run the same station config',
  );
});

test('compose host override: host networking on distinct loopback ports', () => {
  const env = (name: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries({
        ...base.services[name]!.environment,
        ...host.services[name]!.environment,
      }).map(([k, v]) => [k, interpolate(String(v), PASSWORDS)]),
    );
  const ports = new Map<string, number>();
  const claim = (what: string, port: string | number | undefined): void => {
    const n = Number(port);
    assert.ok(Number.isInteger(n) && n > 1024 && n < 65536, `${what}: port ${port}`);
    for (const [other, p] of ports) {
      assert.notEqual(p, n, `${what} and ${other} share port ${n}`);
    }
    ports.set(what, n);
  };
  for (const name of ALL) {
    const s = host.services[name];
    assert.equal(s?.network_mode, 'host', `${name} runs on the host's network`);
    assert.equal(s.ports, undefined, `${name} publishes no port (host networking)`);
  }
  const arg = (name: string, flag: string): string => {
    const cmd = host.services[name]!.command!.map((a) => interpolate(a, {}));
    const at = cmd.indexOf(flag);
    assert.ok(at >= 0, `${name} has ${flag}`);
    return cmd[at + 1]!;
  };
  assert.equal(arg('nats', '--addr'), '127.0.0.1');
  claim('nats', arg('nats', '--port'));
  claim('nats monitoring', arg('nats', '--http_port'));
  assert.equal(arg('redis', '--bind'), '127.0.0.1');
  claim('redis', arg('redis', '--port'));
  const prom = interpolate(
    host.services.prometheus!.command!.find((a) => a.startsWith('--web.listen-address='))!,
    {},
  );
  assert.match(prom, /=127\.0\.0\.1:\d+$/, 'Prometheus listens on loopback');
  claim('prometheus', prom.split(':').pop());
  const grafana = host.services.grafana!.environment!;
  assert.equal(grafana.GF_SERVER_HTTP_ADDR, '127.0.0.1');
  claim('grafana', interpolate(grafana.GF_SERVER_HTTP_PORT!, {}));

  const ingest = env('ingest');
  claim('ingest', ingest.PENGUINCAST_INGEST_PORT);
  claim('ingest SHOUTcast v1', Number(ingest.PENGUINCAST_INGEST_PORT) + 1);
  claim('admin', ingest.PENGUINCAST_ADMIN_PORT);
  claim('stats', ingest.PENGUINCAST_STATS_PORT);
  for (const edge of ['edge-a', 'edge-b']) {
    claim(edge, env(edge).PENGUINCAST_PORT);
    claim(`${edge} SHOUTcast v1`, Number(env(edge).PENGUINCAST_PORT) + 1);
  }
  for (const name of PENGUINCAST) {
    const e = env(name);
    assert.equal(e.PENGUINCAST_BIND_ADDRESS, '127.0.0.1', `${name} listens on loopback only`);
    assert.equal(e.PENGUINCAST_NATS_URL, `nats://127.0.0.1:${ports.get('nats')}`);
    assert.equal(e.PENGUINCAST_REDIS_URL, `redis://127.0.0.1:${ports.get('redis')}`);
    assert.equal(e.PENGUINCAST_INGEST_URL, `http://127.0.0.1:${ports.get('ingest')}`);
    assert.equal(e.PENGUINCAST_ADMIN_URL, `http://127.0.0.1:${ports.get('admin')}`);
    assert.equal(Number(e.PENGUINCAST_INGEST_PORT), ports.get('ingest'));
    assert.equal(Number(e.PENGUINCAST_ADMIN_PORT), ports.get('admin'));
    assert.equal(Number(e.PENGUINCAST_STATS_PORT), ports.get('stats'));
  }
  // prometheus.host.yml scrapes exactly the default ports.
  const scrape = YAML.parse(read('deploy', 'prometheus', 'prometheus.host.yml')) as {
    rule_files: string[];
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const targets = Object.fromEntries(
    scrape.scrape_configs.map((j) => [j.job_name, j.static_configs.flatMap((c) => c.targets)]),
  );
  assert.deepEqual(targets, {
    'penguincast-ingest': [`127.0.0.1:${ports.get('ingest')}`],
    'penguincast-edge': [`127.0.0.1:${ports.get('edge-a')}`, `127.0.0.1:${ports.get('edge-b')}`],
    'penguincast-admin': [`127.0.0.1:${ports.get('admin')}`],
    'penguincast-stats': [`127.0.0.1:${ports.get('stats')}`],
  });
  assert.deepEqual(scrape.rule_files, ['alerts.yml']);
});

test('compose default override: published edges, Prometheus and Grafana on loopback', () => {
  const published = (name: string): string[] => override.services[name]?.ports ?? [];
  const hostPorts = [...published('edge-a'), ...published('edge-b')].map((p) => p.split(':')[0]);
  assert.deepEqual(hostPorts, ['8000', '8001', '8010', '8011']);
  assert.deepEqual(published('prometheus'), ['127.0.0.1:9090:9090']);
  assert.deepEqual(published('grafana'), ['127.0.0.1:3000:3000']);
  for (const name of ['edge-a', 'edge-b']) {
    assert.ok(override.services[name]!.networks?.default?.aliases?.includes('edge'), name);
  }
  for (const name of ['nats', 'redis', 'ingest', 'admin', 'stats']) {
    assert.equal(published(name).length, 0, `${name} stays inside the network`);
  }
  const scrape = YAML.parse(read('deploy', 'prometheus', 'prometheus.yml')) as {
    scrape_configs: {
      job_name: string;
      static_configs?: { targets: string[] }[];
      dns_sd_configs?: { names: string[]; port: number }[];
    }[];
  };
  const jobs = Object.fromEntries(scrape.scrape_configs.map((j) => [j.job_name, j]));
  assert.deepEqual(jobs['penguincast-ingest']?.static_configs?.[0]?.targets, ['ingest:8001']);
  assert.deepEqual(jobs['penguincast-admin']?.static_configs?.[0]?.targets, ['admin:8080']);
  assert.deepEqual(jobs['penguincast-stats']?.static_configs?.[0]?.targets, ['stats:9100']);
  assert.deepEqual(jobs['penguincast-edge']?.dns_sd_configs?.[0], {
    names: ['edge'],
    type: 'A',
    port: 8000,
    refresh_interval: '30s',
  });
});

test('Dockerfile: multi-stage from ARG BASE_IMAGE, non-root, HEALTHCHECK, penguincast entrypoint', () => {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const from = lines.filter((l) => /^FROM /i.test(l));
  assert.ok(from.length >= 2, 'multi-stage');
  assert.match(lines[0]!, /^ARG BASE_IMAGE=\S+/, 'ARG BASE_IMAGE with a default comes first');
  assert.match(from[0]!, /^FROM \$\{BASE_IMAGE\} AS build$/);
  assert.match(from.at(-1)!, /^FROM \$\{BASE_IMAGE\}$/, 'the final stage runs on the base image');
  const final = lines.slice(lines.indexOf(from.at(-1)!));
  assert.ok(
    final.some((l) => /^COPY --from=build /.test(l)),
    'the final stage copies the build output',
  );
  assert.ok(!final.some((l) => /^RUN .*npm (ci|install)/.test(l)), 'no install in the final stage');
  const user = final.filter((l) => /^USER /.test(l)).at(-1);
  assert.ok(user, 'a USER in the final stage');
  const who = user.split(/\s+/)[1]!.split(':')[0]!;
  assert.ok(who !== 'root' && who !== '0', `runs as ${who}, not root`);
  assert.ok(
    final.some((l) => /^HEALTHCHECK .*CMD /.test(l)),
    'HEALTHCHECK',
  );
  const entry = final.find((l) => /^ENTRYPOINT /.test(l));
  assert.ok(entry, 'ENTRYPOINT');
  const argv = JSON.parse(entry.slice('ENTRYPOINT '.length)) as string[];
  assert.match(argv.join(' '), /penguincast(\.js)?$/, `ENTRYPOINT runs penguincast: ${entry}`);
  const expose =
    final
      .find((l) => /^EXPOSE /.test(l))
      ?.split(/\s+/)
      .slice(1) ?? [];
  assert.deepEqual(expose.sort(), ['8000', '8001', '8002', '8080', '9100']);

  const ignore = read('.dockerignore').split('\n');
  for (const pattern of ['**/node_modules', '**/dist', '**/.env', '.git', 'deploy']) {
    assert.ok(ignore.includes(pattern), `.dockerignore leaves out ${pattern}`);
  }
  // What the build copies out of deploy/ must still be in the context.
  for (const keep of ['!deploy/docker', '!deploy/config.json']) {
    assert.ok(ignore.includes(keep), `.dockerignore keeps ${keep.slice(1)}`);
  }
});

// `docker-compose config` validates the files against Compose's own schema; it needs no engine.
const composeBin = ((): string | undefined => {
  const r = spawnSync('docker-compose', ['version', '--short'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return r.status === 0 ? 'docker-compose' : undefined;
})();

test('docker-compose config accepts both layouts and refuses missing passwords', (t) => {
  if (composeBin === undefined) {
    if (process.env.CI) {
      assert.fail('docker-compose is missing (scripts/install-test-deps.sh installs it for CI)');
    }
    const message = 'SKIPPED: docker-compose is missing, so Compose did not validate the files';
    process.stderr.write(`deploy-compose: ${message}\n`);
    t.skip(message);
    return;
  }
  // An empty env file, so a developer's deploy/.env never changes the outcome.
  const dir = mkdtempSync(join(tmpdir(), 'pc-compose-'));
  const envPath = join(dir, 'empty.env');
  writeFileSync(envPath, '');
  const run = (files: string[], env: Record<string, string>) =>
    spawnSync(
      composeBin,
      ['--env-file', envPath, ...files.flatMap((f) => ['-f', join(DEPLOY, f)]), 'config', '-q'],
      {
        encoding: 'utf8',
        timeout: 60_000,
        cwd: DEPLOY,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env },
      },
    );
  try {
    for (const files of [
      ['docker-compose.yml', 'docker-compose.override.yml'],
      ['docker-compose.yml', 'docker-compose.host.yml'],
    ]) {
      const ok = run(files, PASSWORDS);
      assert.equal(ok.status, 0, `${files.join(' + ')}: ${ok.stderr}`);
      const refused = run(files, {});
      assert.notEqual(refused.status, 0, `${files.join(' + ')} starts without passwords`);
      assert.match(refused.stderr, /set PENGUINCAST_ADMIN_PASSWORD in deploy\/\.env/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
