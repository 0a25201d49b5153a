/**
 * Test helpers of the stats service: a stats app over a given bus with its logs in a fresh
 * temporary folder, connection-event builders, and readers of the log files and /metrics.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  MemoryStateStore,
  Subjects,
  encodeConnectionEvent,
  encodeServiceHeartbeat,
  evtKindOf,
  type Bus,
  type ConnectionEvent,
  type ServiceHeartbeat,
  type StateStore,
} from '@penguincast/bus';
import { parseStationConfig, type StationConfigInput } from '@penguincast/config';
import { createRegistry, createRootLogger } from '@penguincast/runtime';
import { createStats, parseConfig, type StatsApp, type StatsConfig } from '../src/index.js';

/** A stats app under test with its folder and subject builders. */
export interface TestStats {
  app: StatsApp;
  dir: string;
  subjects: Subjects;
  state: StateStore;
  base: string;
  /** Stops the app, closes the state store and removes the folder. */
  close(): Promise<void>;
}

/** Starts a stats app listening on a free loopback port, its logs in a new temporary folder. */
export async function startStats(
  bus: Bus,
  opts: {
    prefix: string;
    logging?: StationConfigInput['Logging'];
    settings?: Partial<StatsConfig>;
    state?: StateStore;
    now?: () => number;
  },
): Promise<TestStats> {
  const dir = mkdtempSync(join(tmpdir(), 'pc-stats-'));
  const config = parseStationConfig({
    Auth: { AdminPassword: 'pw' },
    Host: '127.0.0.1',
    Paths: { Log: dir },
    Logging: opts.logging ?? {},
    Cluster: { SubjectPrefix: opts.prefix },
  });
  const state = opts.state ?? new MemoryStateStore();
  const log = createRootLogger({
    service: 'stats',
    instance: 't',
    destination: new Writable({ write: (_c, _e, cb) => cb() }),
  });
  const app = createStats({
    config,
    log,
    bus,
    state,
    registry: createRegistry('stats', 't'),
    instanceId: 't',
    settings: { ...parseConfig(config), port: 0, resyncTimeoutMs: 0, ...opts.settings },
    ...(opts.now ? { now: opts.now } : {}),
  });
  await app.start();
  return {
    app,
    dir,
    subjects: new Subjects(opts.prefix),
    state,
    base: `http://127.0.0.1:${app.port}`,
    async close() {
      await app.stop();
      if (!opts.state) {
        await state.close();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let nextId = 0;

/** A listener disconnect event with typical fields; override any of them. */
export function listenerEnd(over: Partial<ConnectionEvent> = {}): ConnectionEvent {
  nextId += 1;
  return {
    role: 'listener',
    action: 'disconnect',
    mount: '/live.mp3',
    id: `l${nextId}`,
    ip: '127.0.0.1',
    request: 'GET /live.mp3 HTTP/1.1',
    status: 200,
    bytes: 549243,
    seconds: 31.7,
    userAgent: 'VLC/3.0',
    instanceId: 'edge-1',
    timestampMs: Date.UTC(2026, 10, 21, 5, 30, 28),
    ...over,
  };
}

/** Publishes a connection event on its evt subject. */
export function publishEvent(bus: Bus, subjects: Subjects, evt: ConnectionEvent): void {
  bus.publish(subjects.evt(evtKindOf(evt)), encodeConnectionEvent(evt));
}

/** Publishes a heartbeat. */
export function publishHeartbeat(bus: Bus, subjects: Subjects, hb: ServiceHeartbeat): void {
  bus.publish(subjects.heartbeat(), encodeServiceHeartbeat(hb));
}

/** A heartbeat with typical values; override any of them. */
export function heartbeat(over: Partial<ServiceHeartbeat> = {}): ServiceHeartbeat {
  return {
    service: 'edge',
    instanceId: 'edge-1',
    timestampMs: Date.now(),
    intervalMs: 5000,
    uptimeSeconds: 100,
    cpuPercent: 12.5,
    rssBytes: 50 * 1024 * 1024,
    heapUsedBytes: 20 * 1024 * 1024,
    heapTotalBytes: 30 * 1024 * 1024,
    figures: {},
    ...over,
  };
}

/** The lines of one file, without the empty last one. */
export function linesOf(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter(Boolean);
}

/** Every line of `name` and its archives in `dir`, oldest archive first. */
export function linesWithArchives(dir: string, name: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => f === name || f.startsWith(`${name}.`))
    .sort((a, b) => archiveNo(b, name) - archiveNo(a, name));
  return files.flatMap((f) => linesOf(join(dir, f)));
}

function archiveNo(file: string, name: string): number {
  const n = Number(file.slice(name.length + 1));
  return Number.isFinite(n) ? n : 0;
}

/** Fetches /metrics and returns the value of one series, or undefined. */
export async function metric(base: string, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return metricIn(text, series);
}

/** The value of one series (`name{a="b"}` with labels in exposition order) in metrics text. */
export function metricIn(text: string, series: string): number | undefined {
  const name = series.split('{')[0] as string;
  const want = series.includes('{') ? series.slice(series.indexOf('{') + 1, -1) : '';
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) {
      continue;
    }
    const labels = line.startsWith(`${name}{`)
      ? line.slice(name.length + 1, line.indexOf('}'))
      : '';
    if (want.split(',').every((l) => l === '' || labels.split(',').includes(l))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

/** How long the stats tests wait for an effect: 3 s, where a real stats app takes milliseconds. */
export const WAIT_MS = 3000;

/**
 * Finds promtool. Without it a test is skipped with a loud message, except in CI (`CI` set),
 * where a missing promtool fails: `scripts/install-test-deps.sh` installs it there.
 */
export function promtool(t: {
  skip(msg: string): void;
  diagnostic(msg: string): void;
}): string | null {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8', timeout: 5000 });
  const path = found.stdout.trim();
  if (found.status === 0 && path !== '') {
    return path;
  }
  const msg =
    '!!! promtool is missing: metric, rule and config checks NOT RUN. ' +
    'Install it with `apt-get install prometheus` (scripts/install-test-deps.sh does). !!!';
  if (process.env['CI']) {
    throw new Error(msg);
  }
  t.diagnostic(msg);
  process.stderr.write(`${msg}\n`);
  t.skip(msg);
  return null;
}

/** Runs promtool with `args` (and `input` on stdin); returns its exit status and output. */
export function runPromtool(
  bin: string,
  args: string[],
  input?: string,
): { status: number | null; output: string } {
  const res = spawnSync(bin, args, {
    encoding: 'utf8',
    timeout: 20_000,
    ...(input === undefined ? {} : { input }),
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}
