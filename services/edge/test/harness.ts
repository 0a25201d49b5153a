/**
 * Test harness of the edge: a station config, an edge on port 0 over a real bus and state store
 * with recognisable routes, and a listener that never reads (with a tiny receive buffer); the log
 * sink, raw clients and polling come from `@penguincast/testkit`. Only loopback is ever used.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { MemoryBus, MemoryStateStore, Subjects, type Bus, type StateStore } from '@penguincast/bus';
import { parseStationConfig, type StationConfigInput } from '@penguincast/config';
import { logSink } from '@penguincast/testkit';
import {
  createEdge,
  parseConfig,
  type EdgeApp,
  type EdgeConfig,
  type FrontDoorRoutes,
} from '../src/index.js';

/** Each test's time limit. */
export const T = { timeout: 30_000 };

/** Reads an MP3 fixture of `libs/icy`. */
export function fixture(name: string): Buffer {
  return readFileSync(
    fileURLToPath(new URL(`../../../libs/icy/test/fixtures/${name}`, import.meta.url)),
  );
}

/** Routes that answer recognisably: `SOURCE <path>` and `ADMIN <path>` bodies. */
export function testRoutes(): FrontDoorRoutes {
  const answer = (socket: Socket, body: string): void => {
    socket.end(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  };
  return {
    source: (socket, head) => answer(socket, `SOURCE ${head.path}`),
    shoutcast: (socket) => socket.end('OK2\r\nicy-caps:11\r\n\r\n'),
    http: (socket, head) => answer(socket, `ADMIN ${head.path}`),
  };
}

/** A station config with the admin password and the given overrides. */
export function station(
  doc: Partial<StationConfigInput> = {},
): ReturnType<typeof parseStationConfig> {
  return parseStationConfig({ Auth: { AdminPassword: 'x' }, ...doc });
}

/** Options of {@link startEdge}. */
export interface EdgeHarnessOptions {
  config?: Partial<StationConfigInput>;
  bus?: Bus;
  state?: StateStore;
  instanceId?: string;
  /** Overrides of the derived settings. */
  settings?: Partial<EdgeConfig>;
  /** Routes; default {@link testRoutes}. `null` means the proxy routes. */
  routes?: FrontDoorRoutes | null;
}

/** A started edge with what tests need around it. */
export interface EdgeHarness {
  edge: EdgeApp;
  bus: Bus;
  state: StateStore;
  subjects: Subjects;
  registry: Registry;
  settings: EdgeConfig;
  instanceId: string;
  lines: Array<Record<string, unknown>>;
  url(path: string): string;
  stop(): Promise<void>;
}

let counter = 0;

/** Starts an edge on port 0 (and a free SHOUTcast port). */
export async function startEdge(opts: EdgeHarnessOptions = {}): Promise<EdgeHarness> {
  const config = station(opts.config);
  const bus = opts.bus ?? new MemoryBus();
  const state = opts.state ?? new MemoryStateStore();
  const settings: EdgeConfig = {
    ...parseConfig(config),
    port: 0,
    shoutcastPort: 0,
    counterIntervalMs: 100,
    ...opts.settings,
  };
  const { log, lines } = logSink();
  const registry = new Registry();
  const instanceId = opts.instanceId ?? `edge-test-${process.pid}-${++counter}`;
  const edge = createEdge({
    config,
    log,
    bus,
    state,
    registry,
    instanceId,
    settings,
    ...(opts.routes === null ? {} : { routes: opts.routes ?? testRoutes() }),
  });
  await edge.start();
  return {
    edge,
    bus,
    state,
    subjects: new Subjects(settings.subjectPrefix),
    registry,
    settings,
    instanceId,
    lines,
    url: (path) => `http://127.0.0.1:${edge.port}${path}`,
    async stop() {
      await edge.stop();
      if (opts.bus === undefined) {
        await bus.close();
      }
      if (opts.state === undefined) {
        await state.close();
      }
    },
  };
}

/**
 * A listener that connects, sends its GET and never reads, with a 4 KiB receive buffer and a
 * small MSS so the kernel cannot hide megabytes of backlog. Node cannot set SO_RCVBUF on a TCP
 * socket, so this one runs in perl (part of every Debian base system), stopped by its pid.
 */
export function neverReader(
  port: number,
  path: string,
): { child: ChildProcess; stop(): Promise<void> } {
  const script = `
use Socket qw(PF_INET SOCK_STREAM SOL_SOCKET SO_RCVBUF IPPROTO_TCP TCP_MAXSEG inet_aton pack_sockaddr_in);
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
setsockopt($s, SOL_SOCKET, SO_RCVBUF, pack("i", 4096)) or die "rcvbuf: $!";
setsockopt($s, IPPROTO_TCP, TCP_MAXSEG, pack("i", 1000)) or die "mss: $!";
connect($s, pack_sockaddr_in(${port}, inet_aton("127.0.0.1"))) or die "connect: $!";
syswrite($s, "GET ${path} HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUser-Agent: never-reads\\r\\n\\r\\n");
sleep 60;
`;
  const child = spawn('perl', ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGKILL');
      }
      await exited;
    },
  };
}

/** Reads one metric sample's value from the registry, or 0. */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((v) =>
    Object.entries(labels).every(([k, val]) => v.labels[k] === val),
  );
  return sample?.value ?? 0;
}
