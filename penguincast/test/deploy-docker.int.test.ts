/**
 * The container deployment end to end: a Docker engine (started here with
 * scripts/start-dockerd.sh when none answers, and stopped by its pid at the end), the base and
 * stand-in images (scripts/docker-base-image.sh and docker-deps-image.sh, cached), the app image
 * from the root Dockerfile, and the compose stack of deploy/ with the host-network override on
 * free loopback ports. A real MP3 goes straight to ingest with ffmpeg; listeners on both edges
 * must get clean MP3; status-json, every /metrics and Prometheus's targets must answer; killing
 * edge-a must leave edge-b's listeners playing; restarting NATS must not end the audio. Grafana
 * has no image or Debian package here, so it is the one service not started. Skipped, loudly,
 * only where no Docker engine can start. The whole file may take `@file-timeout 900000` ms
 * (scripts/run-tests.mjs reads that): on a fresh machine it bootstraps Debian and builds images.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import {
  freePort,
  freePortPair,
  makeTestAudio,
  mp3check,
  openListener,
  sleep,
  startFfmpegSource,
  type FfmpegSourceHandle,
  type ListenerHandle,
  type ListenResult,
} from '@penguincast/testkit';
import { waitForHttp } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const MINUTE = 60_000;
/** The app image this test builds; its build stage is tagged too, so old ones can be removed. */
const IMAGE = 'penguincast:e2e';
const BUILD_STAGE = 'penguincast:e2e-build';
/** Every service of the stack but Grafana (no image here). */
const SERVICES = ['nats', 'redis', 'ingest', 'edge-a', 'edge-b', 'admin', 'stats', 'prometheus'];
/** 128 kbit/s: the bytes a listener receives per second of audio. */
const BYTES_PER_SECOND = 16_000;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command without blocking the event loop (listeners keep reading meanwhile), with a
 * time limit after which its pid gets SIGKILL. Output beyond 256 KiB keeps only its tail.
 */
function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number; log?: string },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const keep = (s: string, d: Buffer): string => {
      if (opts.log !== undefined) {
        appendFileSync(opts.log, d);
      }
      return (s + d.toString()).slice(-256 * 1024);
    };
    child.stdout.on('data', (d: Buffer) => (stdout = keep(stdout, d)));
    child.stderr.on('data', (d: Buffer) => (stderr = keep(stderr, d)));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs} ms)`;
      if (child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
    }, opts.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

const dockerdInstalled = (): boolean => onPath('dockerd') || existsSync('/usr/sbin/dockerd');

async function engineAnswers(docker: Docker): Promise<boolean> {
  try {
    await Promise.race([
      docker.ping(),
      sleep(10_000).then(() => Promise.reject(new Error('no answer in 10 s'))),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * A Docker engine that answers, starting Debian's dockerd when none does. Returns the pid of
 * the dockerd it started (to stop at the end), or why no engine can run here.
 */
async function ensureEngine(docker: Docker): Promise<{ startedPid?: number } | { why: string }> {
  if (await engineAnswers(docker)) {
    return {};
  }
  const r = await run('bash', [join(ROOT, 'scripts', 'start-dockerd.sh')], {
    timeoutMs: 2 * MINUTE,
  });
  const pid = Number(r.stdout.trim().split('\n').pop());
  if (r.code !== 0 || !Number.isInteger(pid) || pid <= 0) {
    return { why: `no Docker engine answers and none could start: ${r.stderr.trim()}` };
  }
  if (!(await engineAnswers(docker))) {
    stopPid(pid);
    return { why: `dockerd ${pid} started but its API does not answer` };
  }
  return { startedPid: pid };
}

/** True while `pid` runs (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** SIGTERM to one pid, SIGKILL after 30 s; resolves once it is gone. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) {
    await sleep(200);
  }
  if (alive(pid)) {
    process.kill(pid, 'SIGKILL');
  }
}

/**
 * Removes what a run killed before its clean-up left behind: the containers and volumes of this
 * test's compose projects (`pce2e…`) created before any run still going could have started.
 */
async function removeStaleStacks(docker: Docker): Promise<void> {
  const cutoff = Date.now() - 16 * MINUTE;
  const ours = (labels: Record<string, string> | null | undefined): boolean =>
    /^pce2e[0-9a-f]+$/.test(labels?.['com.docker.compose.project'] ?? '');
  const filters = { label: ['com.docker.compose.project'] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    if (ours(c.Labels) && c.Created * 1000 < cutoff) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    const created = Date.parse((v as { CreatedAt?: string }).CreatedAt ?? '');
    if (ours(v.Labels) && created < cutoff) {
      await docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
    }
  }
}

/** A container's log, demultiplexed from Docker's 8-byte frame headers. */
async function containerLog(docker: Docker, id: string, tail = 40): Promise<string> {
  try {
    const raw = (await docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, tail, follow: false })) as unknown as Buffer;
    const parts: Buffer[] = [];
    let at = 0;
    while (at + 8 <= raw.length && raw[at]! <= 2 && raw[at + 1] === 0) {
      const size = raw.readUInt32BE(at + 4);
      parts.push(raw.subarray(at + 8, at + 8 + size));
      at += 8 + size;
    }
    return (at === 0 ? raw : Buffer.concat(parts)).toString('utf8');
  } catch (err) {
    return `(no log: ${(err as Error).message})`;
  }
}

test(
  'docker: image, compose stack on the host network, both edges, edge loss, NATS restart',
  // Under the file's own limit, so that the clean-up below always runs.
  { timeout: 14 * MINUTE },
  async (t) => {
    const docker = new Docker();
    const reasons: string[] = [];
    for (const tool of ['docker', 'docker-compose']) {
      if (!onPath(tool)) {
        reasons.push(`${tool} is not installed (apt-get install -y docker.io docker-compose)`);
      }
    }
    const engine = reasons.length > 0 ? { why: reasons.join('; ') } : await ensureEngine(docker);
    if ('why' in engine) {
      if (process.env.CI && dockerdInstalled()) {
        assert.fail(
          `the Docker deployment could not be tested: ${engine.why} ` +
            '(dockerd is installed, so CI must be able to start it)',
        );
      }
      const message = `SKIPPED: the Docker deployment was NOT tested: ${engine.why}`;
      process.stderr.write(`deploy-docker: ${message}\n`);
      t.skip(message);
      return;
    }
    try {
      await scenario(t, docker);
    } finally {
      if (engine.startedPid !== undefined) {
        await stopPid(engine.startedPid);
      }
    }
  },
);

/** Everything between a running engine and stopping it: images, stack, audio, faults. */
async function scenario(t: TestContext, docker: Docker): Promise<void> {
  const started = Date.now();
  await removeStaleStacks(docker);
  const work = mkdtempSync(join(tmpdir(), 'pc-docker-'));
  const project = `pce2e${randomBytes(4).toString('hex')}`;
  const emptyEnv = join(work, 'empty.env');
  writeFileSync(emptyEnv, '');
  const password = {
    admin: randomBytes(9).toString('base64url'),
    source: randomBytes(9).toString('base64url'),
  };
  const ports = {
    nats: await freePort(),
    natsMonitor: await freePort(),
    redis: await freePort(),
    edgeA: await freePortPair(),
    edgeB: await freePortPair(),
    ingest: await freePortPair(),
    admin: await freePort(),
    stats: await freePort(),
    prometheus: await freePort(),
    grafana: await freePort(),
  };
  const composeEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PENGUINCAST_IMAGE: IMAGE,
    PENGUINCAST_ADMIN_PASSWORD: password.admin,
    PENGUINCAST_MOUNT_PASSWORD_LIVE_MP3: password.source,
    GRAFANA_ADMIN_PASSWORD: randomBytes(9).toString('base64url'),
    PENGUINCAST_HOSTNET_NATS_PORT: String(ports.nats),
    PENGUINCAST_HOSTNET_NATS_MONITOR_PORT: String(ports.natsMonitor),
    PENGUINCAST_HOSTNET_REDIS_PORT: String(ports.redis),
    PENGUINCAST_HOSTNET_EDGE_A_PORT: String(ports.edgeA),
    PENGUINCAST_HOSTNET_EDGE_B_PORT: String(ports.edgeB),
    PENGUINCAST_HOSTNET_INGEST_PORT: String(ports.ingest),
    PENGUINCAST_HOSTNET_ADMIN_PORT: String(ports.admin),
    PENGUINCAST_HOSTNET_STATS_PORT: String(ports.stats),
    PENGUINCAST_HOSTNET_PROMETHEUS_PORT: String(ports.prometheus),
    PENGUINCAST_HOSTNET_GRAFANA_PORT: String(ports.grafana),
    PENGUINCAST_HOSTNET_PROMETHEUS_CONFIG: join(work, 'prometheus.host.yml'),
  };
  const composeArgs = [
    '--env-file',
    emptyEnv,
    '-p',
    project,
    '-f',
    join(DEPLOY, 'docker-compose.yml'),
    '-f',
    join(DEPLOY, 'docker-compose.host.yml'),
  ];
  const compose = (args: string[], timeoutMs: number): Promise<RunResult> =>
    run('docker-compose', [...composeArgs, ...args], {
      env: composeEnv,
      cwd: DEPLOY,
      timeoutMs,
    });
  const url = (port: number, path: string): string => `http://127.0.0.1:${port}${path}`;

  /** The stack's containers by compose service name. */
  const containers = async (): Promise<Map<string, Docker.ContainerInfo>> => {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`] },
    });
    return new Map(list.map((c) => [c.Labels['com.docker.compose.service'] ?? c.Id, c]));
  };
  /** The last lines of every container's log, for failure messages. */
  const stackLogs = async (): Promise<string> => {
    const out: string[] = [];
    for (const [name, c] of await containers()) {
      out.push(`--- ${name} (${c.State}: ${c.Status})\n${await containerLog(docker, c.Id, 15)}`);
    }
    return out.join('\n');
  };

  let source: FfmpegSourceHandle | undefined;
  const listeners: ListenerHandle[] = [];
  let broken = false;
  /**
   * One step of the scenario. Once a step has failed or timed out, the later ones are skipped
   * (a timed-out step may still be running, so nothing after it can trust the stack).
   */
  const step = async (
    name: string,
    timeoutMs: number,
    fn: (st: TestContext) => Promise<void>,
  ): Promise<void> => {
    let passed = false;
    await t.test(name, { timeout: timeoutMs }, async (st) => {
      if (broken) {
        st.skip('an earlier step failed');
        return;
      }
      const at = Date.now();
      try {
        await fn(st);
        passed = true;
      } finally {
        st.diagnostic(`${name}: ${((Date.now() - at) / 1000).toFixed(1)} s`);
      }
    });
    broken ||= !passed;
  };

  try {
    const images = { base: '', deps: '' };
    await step('base and stand-in images (cached after the first run)', 12 * MINUTE, async () => {
      images.base = process.env.PENGUINCAST_BASE_IMAGE ?? '';
      if (images.base === '') {
        const r = await run('bash', [join(ROOT, 'scripts', 'docker-base-image.sh')], {
          timeoutMs: 10 * MINUTE,
        });
        assert.equal(r.code, 0, `docker-base-image.sh failed:\n${r.stderr}`);
        images.base = r.stdout.trim().split('\n').pop() ?? '';
      }
      const r = await run('bash', [join(ROOT, 'scripts', 'docker-deps-image.sh')], {
        timeoutMs: 10 * MINUTE,
      });
      assert.equal(r.code, 0, `docker-deps-image.sh failed:\n${r.stderr}`);
      images.deps = r.stdout.trim().split('\n').pop() ?? '';
      for (const image of [images.base, images.deps]) {
        await docker.getImage(image).inspect();
      }
      composeEnv.PENGUINCAST_BASE_IMAGE = images.base;
      composeEnv.PENGUINCAST_NATS_IMAGE ??= images.deps;
      composeEnv.PENGUINCAST_REDIS_IMAGE ??= images.deps;
      composeEnv.PENGUINCAST_PROMETHEUS_IMAGE ??= images.deps;
    });

    await step('the app image builds from the root Dockerfile', 12 * MINUTE, async (st) => {
      const previous = new Set<string>();
      for (const tag of [BUILD_STAGE, IMAGE]) {
        const id = await docker
          .getImage(tag)
          .inspect()
          .then((i) => i.Id)
          .catch(() => undefined);
        if (id !== undefined) {
          previous.add(id);
        }
      }
      // The legacy builder reads .dockerignore exactly as `docker build` does; its layer cache
      // makes a rebuild of unchanged sources take seconds. The build stage is tagged first so
      // the previous run's stage can be removed below instead of piling up.
      const log = join(work, 'build.log');
      const build = (extra: string[]) =>
        run(
          'docker',
          [
            'build',
            '--network',
            'host',
            '--force-rm',
            '--build-arg',
            `BASE_IMAGE=${images.base}`,
            ...extra,
            '.',
          ],
          { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 11 * MINUTE, log },
        );
      for (const extra of [
        ['--target', 'build', '-t', BUILD_STAGE],
        ['-t', IMAGE],
      ]) {
        const r = await build(extra);
        assert.equal(
          r.code,
          0,
          `docker build ${extra.join(' ')} failed:\n${r.stdout.slice(-4000)}\n${r.stderr}`,
        );
      }
      const cached = (readFileSync(log, 'utf8').match(/Using cache/g) ?? []).length;
      st.diagnostic(`docker build: ${cached} cached steps`);
      const info = await docker.getImage(IMAGE).inspect();
      assert.equal(info.Config.User, '10001:10001', 'the image runs as user penguincast');
      assert.ok(info.Config.Healthcheck?.Test?.length, 'the image has a HEALTHCHECK');
      for (const tag of [BUILD_STAGE, IMAGE]) {
        previous.delete((await docker.getImage(tag).inspect()).Id);
      }
      for (const id of previous) {
        await docker
          .getImage(id)
          .remove()
          .catch(() => undefined);
      }
    });

    await step('the compose stack starts healthy on free loopback ports', 4 * MINUTE, async () => {
      // prometheus.host.yml with this run's ports in place of the default ones.
      const defaults: Record<string, number> = {
        '28120': ports.ingest,
        '28100': ports.edgeA,
        '28110': ports.edgeB,
        '28130': ports.admin,
        '28140': ports.stats,
      };
      const scrape = readFileSync(join(DEPLOY, 'prometheus', 'prometheus.host.yml'), 'utf8');
      const moved = scrape.replace(/127\.0\.0\.1:(\d+)/g, (whole, port: string) => {
        assert.ok(defaults[port], `prometheus.host.yml scrapes an unknown port ${port}`);
        return `127.0.0.1:${defaults[port]}`;
      });
      writeFileSync(composeEnv.PENGUINCAST_HOSTNET_PROMETHEUS_CONFIG!, moved, { mode: 0o644 });

      const up = await compose(['up', '-d', '--no-build', ...SERVICES], 3 * MINUTE);
      assert.equal(up.code, 0, `docker-compose up failed:\n${up.stderr}\n${await stackLogs()}`);
      const deadline = Date.now() + 2 * MINUTE;
      let waiting: string[] = [];
      while (Date.now() < deadline) {
        const list = await containers();
        waiting = [];
        for (const name of SERVICES) {
          const c = list.get(name);
          const state = c === undefined ? undefined : await docker.getContainer(c.Id).inspect();
          if (state !== undefined && !state.State.Running) {
            assert.fail(
              `${name} exited (${state.State.ExitCode}):\n${await containerLog(docker, state.Id)}`,
            );
          }
          // Prometheus has no health check of its own; its readiness endpoint is asked below.
          const health = state?.State.Health?.Status ?? (state ? 'running' : 'missing');
          if (health !== 'healthy' && !(name === 'prometheus' && health === 'running')) {
            waiting.push(`${name}: ${health}`);
          }
        }
        if (waiting.length === 0) {
          break;
        }
        await sleep(500);
      }
      assert.deepEqual(waiting, [], `not healthy in time\n${await stackLogs()}`);
      await waitForHttp(url(ports.prometheus, '/-/ready'), 60_000, 200);
      for (const p of [ports.edgeA, ports.edgeB, ports.ingest, ports.admin, ports.stats]) {
        await waitForHttp(url(p, '/readyz'), 30_000, 200);
      }
    });

    const results = new Map<string, Promise<ListenResult>>();
    const arrivals = new Map<string, number[]>();
    const listen = (name: string, port: number): ListenerHandle => {
      const times: number[] = [];
      arrivals.set(name, times);
      const h = openListener(url(port, '/live.mp3'), {
        metadata: true,
        durationMs: 8 * MINUTE,
        userAgent: `docker-e2e-${name}`,
        onAudio: () => {
          times.push(Date.now());
        },
      });
      listeners.push(h);
      results.set(name, h.done);
      return h;
    };
    const grows = async (h: ListenerHandle, seconds: number): Promise<number> => {
      const before = h.audioBytes;
      await sleep(seconds * 1000);
      return h.audioBytes - before;
    };
    const handles: Record<string, ListenerHandle> = {};

    await step('an MP3 through ingest reaches listeners on both edges', 2 * MINUTE, async () => {
      const file = await makeTestAudio({ codec: 'mp3', seconds: 20, frequency: 523 });
      source = startFfmpegSource({
        url: `icecast://source:${password.source}@127.0.0.1:${ports.ingest}/live.mp3`,
        codec: 'mp3',
        file,
        copy: true,
        loop: true,
        iceName: 'Docker e2e',
      });
      for (const p of [ports.edgeA, ports.edgeB]) {
        await waitForHttp(url(p, '/live.mp3'), 30_000, 200).catch(async (err: Error) => {
          throw new Error(`${err.message}\nffmpeg: ${source?.log()}\n${await stackLogs()}`);
        });
      }
      handles.a = listen('a', ports.edgeA);
      handles.b1 = listen('b1', ports.edgeB);
      handles.b2 = listen('b2', ports.edgeB);
      for (const [name, h] of Object.entries(handles)) {
        const head = await h.response;
        assert.equal(head.status, 200, `listener ${name}`);
        assert.equal(head.headers['content-type'], 'audio/mpeg', `listener ${name}`);
        assert.ok(head.headers['icy-metaint'], `listener ${name} gets ICY metadata`);
      }
      await sleep(5000);
      for (const [name, h] of Object.entries(handles)) {
        assert.ok(h.audioBytes > 3 * BYTES_PER_SECOND, `${name} got ${h.audioBytes} bytes in 5 s`);
      }
    });

    await step(
      'status-json, every /metrics and Prometheus targets answer',
      2 * MINUTE,
      async () => {
        for (const p of [ports.edgeA, ports.edgeB]) {
          // Through each edge, which forwards pages to admin.
          const res = await fetch(url(p, '/status-json.xsl'));
          assert.equal(res.status, 200);
          const doc = (await res.json()) as { icestats: { source?: Record<string, unknown> } };
          const s = doc.icestats.source;
          assert.ok(s && !Array.isArray(s), `one source in status-json: ${JSON.stringify(doc)}`);
          assert.equal(s.listenurl, `http://localhost:${ports.edgeA}/live.mp3`);
          assert.equal(s.server_name, 'Docker e2e');
          assert.equal(s.server_type, 'audio/mpeg');
        }
        // Listener counts travel through Redis and the stats service; give them a few seconds.
        const station = async (): Promise<number> => {
          const text = await (await fetch(url(ports.stats, '/metrics'))).text();
          const lines = text
            .split('\n')
            .filter((l) => l.startsWith('penguincast_station_listeners'));
          return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
        };
        const deadline = Date.now() + 30_000;
        let counted = 0;
        while ((counted = await station()) < 3 && Date.now() < deadline) {
          await sleep(1000);
        }
        assert.ok(counted >= 3, `stats counts ${counted} listeners, not 3`);
        const expected: [string, number, RegExp][] = [
          ['ingest', ports.ingest, /^penguincast_sources\b/m],
          ['edge-a', ports.edgeA, /^penguincast_listeners\b/m],
          ['edge-b', ports.edgeB, /^penguincast_listeners\b/m],
          ['admin', ports.admin, /^# TYPE /m],
          ['stats', ports.stats, /^penguincast_station_listeners\b/m],
        ];
        for (const [name, port, pattern] of expected) {
          const res = await fetch(url(port, '/metrics'));
          assert.equal(res.status, 200, `${name} /metrics`);
          assert.match(await res.text(), pattern, `${name} /metrics`);
        }
        // Prometheus scrapes every service through prometheus.host.yml.
        type Targets = { data: { activeTargets: { health: string; scrapeUrl: string }[] } };
        let targets: Targets['data']['activeTargets'] = [];
        const until = Date.now() + 45_000;
        while (Date.now() < until) {
          const res = await fetch(url(ports.prometheus, '/api/v1/targets'));
          targets = ((await res.json()) as Targets).data.activeTargets;
          if (targets.length === 5 && targets.every((x) => x.health === 'up')) {
            break;
          }
          await sleep(1000);
        }
        assert.deepEqual(
          targets.map((x) => `${x.scrapeUrl} ${x.health}`).sort(),
          [ports.admin, ports.edgeA, ports.edgeB, ports.ingest, ports.stats]
            .map((p) => `http://127.0.0.1:${p}/metrics up`)
            .sort(),
        );
      },
    );

    await step('edge-a killed: edge-b keeps serving its listeners', 2 * MINUTE, async () => {
      const edgeA = (await containers()).get('edge-a');
      assert.ok(edgeA);
      await docker.getContainer(edgeA.Id).kill({ signal: 'SIGKILL' });
      const killed = await docker.getContainer(edgeA.Id).inspect();
      assert.equal(killed.State.Running, false, 'edge-a is down');
      const a = await results.get('a')!;
      assert.ok(['closed', 'error'].includes(a.endReason), `edge-a's listener: ${a.endReason}`);
      const [b1, b2] = await Promise.all([grows(handles.b1!, 6), grows(handles.b2!, 6)]);
      for (const got of [b1, b2]) {
        assert.ok(got > 4 * BYTES_PER_SECOND, `an edge-b listener got ${got} bytes in 6 s`);
      }
      await waitForHttp(url(ports.edgeB, '/healthz'), 5000, 200);
      const late = listen('late-b', ports.edgeB);
      assert.equal((await late.response).status, 200, 'a new listener joins edge-b');
    });

    await step('NATS restarted: audio resumes for edge-b listeners', 2 * MINUTE, async (st) => {
      const nats = (await containers()).get('nats');
      assert.ok(nats);
      const b1 = handles.b1!;
      const container = docker.getContainer(nats.Id);
      const startedBefore = (await container.inspect()).State.StartedAt;
      const restartAt = Date.now();
      await container.restart({ t: 5 });
      const restartedAt = Date.now();
      const startedAfter = (await container.inspect()).State.StartedAt;
      assert.notEqual(startedAfter, startedBefore, 'nats-server was restarted');
      const atRestart = b1.audioBytes;
      // Audio keeps coming: wait until five more seconds of it have arrived after the restart.
      const deadline = Date.now() + 30_000;
      while (b1.audioBytes - atRestart < 5 * BYTES_PER_SECOND && Date.now() < deadline) {
        await sleep(250);
      }
      assert.ok(
        b1.audioBytes - atRestart >= 5 * BYTES_PER_SECOND,
        `only ${b1.audioBytes - atRestart} bytes in 30 s after NATS restarted\n${await stackLogs()}`,
      );
      const times = arrivals.get('b1')!.filter((x) => x >= restartAt);
      let gap = 0;
      for (let i = 1; i < times.length; i++) {
        gap = Math.max(gap, times[i]! - times[i - 1]!);
      }
      st.diagnostic(
        `NATS restart took ${restartedAt - restartAt} ms; longest pause in the audio ${gap} ms`,
      );
      assert.ok((await grows(b1, 3)) > 2 * BYTES_PER_SECOND, 'the audio goes on after resuming');
      for (const p of [ports.edgeB, ports.ingest, ports.admin, ports.stats]) {
        await waitForHttp(url(p, '/readyz'), 20_000, 200);
      }
      const fresh = listen('after-nats', ports.edgeB);
      assert.equal((await fresh.response).status, 200);
      await sleep(4000);
      assert.ok(
        fresh.audioBytes > 2 * BYTES_PER_SECOND,
        `a new listener got ${fresh.audioBytes} bytes`,
      );
    });

    await step('every recording is clean MP3 with valid ICY framing', MINUTE, async () => {
      for (const h of listeners) {
        h.stop();
      }
      for (const [name, done] of results) {
        const r = await done;
        assert.deepEqual(r.framingErrors, [], `${name} framing`);
        assert.ok(r.audio.length > 2 * BYTES_PER_SECOND, `${name}: ${r.audio.length} bytes`);
        const check = await mp3check(r.audio);
        assert.ok(check.ok, `${name} mp3check: ${check.output}`);
      }
    });
    t.diagnostic(`docker scenario: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    for (const h of listeners) {
      h.stop();
    }
    await source?.stop();
    const down = await compose(['down', '-v', '--remove-orphans', '-t', '10'], 3 * MINUTE);
    if (down.code !== 0) {
      process.stderr.write(`deploy-docker: docker-compose down failed: ${down.stderr}\n`);
    }
    for (const c of (await containers().catch(() => new Map())).values()) {
      await docker
        .getContainer((c as Docker.ContainerInfo).Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    }
    rmSync(work, { recursive: true, force: true });
  }
}
