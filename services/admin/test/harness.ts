/**
 * Test harness of the admin service: a whole station composed in-process the way the single
 * process does it (ingest and edge on one public port, admin fed by the front door, a memory bus
 * and state store, heartbeats), real ffmpeg sources, HTTP helpers and polling. Loopback only;
 * every process a test starts is stopped by its pid.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { MemoryBus, MemoryStateStore, Subjects, type Bus } from '@penguincast/bus';
import {
  parseStationConfig,
  type StationConfig,
  type StationConfigInput,
} from '@penguincast/config';
import { createEdge, parseConfig as edgeConfig, type EdgeApp } from '@penguincast/edge';
import { createIngest, parseConfig as ingestConfig, type IngestApp } from '@penguincast/ingest';
import { basicAuthHeader } from '@penguincast/icy';
import { startHeartbeat } from '@penguincast/runtime';
import {
  freePortPair,
  logSink,
  makeTestAudio,
  startFfmpegSource,
  waitFor,
  type FfmpegSourceHandle,
  type FfmpegSourceOptions,
  type WaitForOptions,
} from '@penguincast/testkit';
import { createAdmin, parseConfig as adminConfig, type AdminApp } from '../src/index.js';

/** The admin password of every test station. */
export const ADMIN_PASSWORD = 'adminpw';
/** `Authorization` value with the admin credentials. */
export const ADMIN_AUTH = basicAuthHeader('admin', ADMIN_PASSWORD);

/** A running in-process station. */
export interface TestStation {
  config: StationConfig;
  port: number;
  admin: AdminApp;
  edge: EdgeApp;
  ingest: IngestApp;
  bus: MemoryBus;
  state: MemoryStateStore;
  subjects: Subjects;
  dir: string;
  lines: Array<Record<string, unknown>>;
  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string;
  /** Starts ffmpeg as a source of `mount` (MP3, a looping file copied at its real rate). */
  source(mount: string, opts?: Partial<FfmpegSourceOptions>): Promise<FfmpegSourceHandle>;
  stop(): Promise<void>;
}

let counter = 0;

/** Options of {@link startStation} beyond the config. */
export interface StationOptions {
  /** The bus admin is given, made from the station's bus (say, one that records its use). */
  adminBus?: (bus: MemoryBus) => Bus;
  /** Admin's own instance id, so its requests can be told from the edge's; default shared. */
  adminInstanceId?: string;
}

/** Starts a station on a free port pair with `doc` merged over a small default config. */
export async function startStation(
  doc: Partial<StationConfigInput> = {},
  opts: StationOptions = {},
): Promise<TestStation> {
  const port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), 'pc-admin-'));
  mkdirSync(join(dir, 'html'));
  const config = parseStationConfig({
    Name: 'Admin test radio',
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Clients: 100, Sources: 8, SourceGracePeriod: 0 },
    Auth: { AdminPassword: ADMIN_PASSWORD },
    Paths: { Log: join(dir, 'log'), Web: join(dir, 'html') },
    ...doc,
  });
  const bus = new MemoryBus();
  const state = new MemoryStateStore();
  const { log, lines } = logSink('info');
  const instanceId = `admin-test-${process.pid}-${++counter}`;
  const base = { config, log, bus, state, instanceId };
  const ingest = createIngest({
    ...base,
    registry: new Registry(),
    settings: ingestConfig(config, { listen: false }),
  });
  const admin = createAdmin({
    ...base,
    bus: opts.adminBus?.(bus) ?? bus,
    instanceId: opts.adminInstanceId ?? instanceId,
    registry: new Registry(),
    settings: adminConfig(config, { listen: false }),
  });
  // Admin's Express app is served through the front door: an HTTP server that never listens.
  const adminServer: Server = createServer(admin.http);
  const edge = createEdge({
    ...base,
    registry: new Registry(),
    settings: edgeConfig(config),
    routes: {
      source: (socket, head, _raw, remote) => ingest.handleConnection(socket, head, remote),
      shoutcast: (socket, remote) => ingest.handleShoutcast(socket, remote),
      http: (socket: Socket, _head, raw) => {
        socket.unshift(raw);
        adminServer.emit('connection', socket);
        socket.resume();
      },
    },
  });
  await admin.start();
  await ingest.start();
  await edge.start();
  const subjects = new Subjects(config.Cluster.SubjectPrefix);
  const stopBeat = startHeartbeat({
    bus,
    subjects,
    service: 'server',
    instanceId,
    intervalMs: 1000,
    extra: () => ({ ...edge.heartbeatFigures(), ...ingest.heartbeatFigures() }),
  });
  const sources = new Set<FfmpegSourceHandle>();
  return {
    config,
    port,
    admin,
    edge,
    ingest,
    bus,
    state,
    subjects,
    dir,
    lines,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async source(mount, opts = {}) {
      const file = await makeTestAudio({ codec: 'mp3', seconds: 20, bitrate: 128 });
      const m = config.Mounts.find((x) => x.Name === mount);
      const user = m?.User ?? 'source';
      const password = m?.Password ?? config.Auth.SourcePassword ?? '';
      const handle = startFfmpegSource({
        codec: 'mp3',
        file,
        copy: true,
        loop: true,
        url: `icecast://${user}:${password}@127.0.0.1:${port}${mount}`,
        ...opts,
      });
      sources.add(handle);
      return {
        ...handle,
        stop: async () => {
          sources.delete(handle);
          await handle.stop();
        },
      };
    },
    async stop() {
      await Promise.all([...sources].map((s) => s.stop()));
      stopBeat();
      await edge.stop();
      await ingest.stop();
      await admin.stop();
      adminServer.closeAllConnections();
      await bus.close();
      await state.close();
    },
  };
}

/**
 * How the admin tests poll: their checks mostly make HTTP requests, so every 100 ms, and the
 * station behind them needs up to 10 s to get ffmpeg sources going on a loaded machine.
 */
export const POLL: WaitForOptions = { timeoutMs: 10_000, intervalMs: 100 };

/** A GET with optional credentials; resolves with status, headers and body text. */
export async function get(
  url: string,
  auth?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    headers: { ...(auth === undefined ? {} : { Authorization: auth }), ...headers },
    redirect: 'manual',
    signal: AbortSignal.timeout(8000),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Waits until the mount has a source as far as admin can see. */
export async function waitForMount(st: TestStation, mount: string): Promise<void> {
  await waitFor(
    async () => {
      const r = await get(st.url('/admin/listmounts'), ADMIN_AUTH);
      return r.text.includes(`mount="${mount}"`);
    },
    { ...POLL, timeoutMs: 15_000 },
    `mount ${mount} live`,
  );
}

/**
 * A GET through node:http, for headers fetch will not send as given (`Host`) and paths it would
 * normalise (`/../`).
 */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, timeout: 8000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
