/**
 * Admin never receives audio: in a whole station (real ingest and edge, a real ffmpeg source,
 * the memory bus), every page that shows titles is loaded while the bus admin is given records
 * each subject admin publishes, requests or subscribes to, and each reply it reads. Admin must
 * ask the holding ingest for titles on `<prefix>.titles.<m>` and never touch `burst` or `audio`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  MemoryBus,
  MemoryStateStore,
  Subjects,
  decodeBurstRequest,
  decodeTitlesRequest,
  type Bus,
  type BusCallback,
  type BusHeaders,
  type BusMsg,
  type BusStatusEvent,
  type BusSubscription,
  type RequestManyOptions,
  type RequestOptions,
  type SubscribeOptions,
} from '@penguincast/bus';
import { parseStationConfig, type StationConfig } from '@penguincast/config';
import { createEdge, parseConfig as edgeConfig, type EdgeApp } from '@penguincast/edge';
import { createIngest, parseConfig as ingestConfig, type IngestApp } from '@penguincast/ingest';
import {
  freePortPair,
  makeTestAudio,
  startFfmpegSource,
  waitFor,
  type FfmpegSourceHandle,
} from '@penguincast/testkit';
import { createAdmin, parseConfig as adminConfig, type AdminApp } from '../src/index.js';
import { ADMIN_AUTH, ADMIN_PASSWORD, POLL, get } from './harness.js';

const T = { timeout: 60_000 };
const MOUNT = '/titles.mp3';
const ADMIN_ID = `admin-titles-${process.pid}`;

/** One thing admin did on the bus. */
interface BusUse {
  op: 'publish' | 'subscribe' | 'request' | 'requestMany' | 'reply' | 'delivery';
  subject: string;
  bytes: number;
}

/** A bus that hands everything to `inner` and records what its holder does with it. */
class RecordingBus implements Bus {
  readonly uses: BusUse[] = [];
  readonly #inner: Bus;

  constructor(inner: Bus) {
    this.#inner = inner;
  }

  get state(): Bus['state'] {
    return this.#inner.state;
  }
  get maxPayload(): number {
    return this.#inner.maxPayload;
  }
  publish(subject: string, data: Uint8Array, headers?: BusHeaders): void {
    this.uses.push({ op: 'publish', subject, bytes: data.length });
    this.#inner.publish(subject, data, headers);
  }
  subscribe(subject: string, callback: BusCallback, opts?: SubscribeOptions): BusSubscription {
    this.uses.push({ op: 'subscribe', subject, bytes: 0 });
    return this.#inner.subscribe(
      subject,
      (msg) => {
        this.uses.push({ op: 'delivery', subject: msg.subject, bytes: msg.data.length });
        callback(msg);
      },
      opts,
    );
  }
  async request(subject: string, data: Uint8Array, opts: RequestOptions): Promise<BusMsg> {
    this.uses.push({ op: 'request', subject, bytes: data.length });
    const reply = await this.#inner.request(subject, data, opts);
    this.uses.push({ op: 'reply', subject, bytes: reply.data.length });
    return reply;
  }
  async requestMany(
    subject: string,
    data: Uint8Array,
    opts: RequestManyOptions,
  ): Promise<BusMsg[]> {
    this.uses.push({ op: 'requestMany', subject, bytes: data.length });
    const replies = await this.#inner.requestMany(subject, data, opts);
    for (const r of replies) {
      this.uses.push({ op: 'reply', subject, bytes: r.data.length });
    }
    return replies;
  }
  flush(): Promise<void> {
    return this.#inner.flush();
  }
  onStatus(listener: (event: BusStatusEvent) => void): () => void {
    return this.#inner.onStatus(listener);
  }
  // The station's bus is shared: closing it is the station's job, not admin's.
  async drain(): Promise<void> {}
  async close(): Promise<void> {}
}

let config: StationConfig;
let port: number;
let bus: MemoryBus;
let state: MemoryStateStore;
let adminBus: RecordingBus;
let ingest: IngestApp;
let edge: EdgeApp;
let admin: AdminApp;
let adminServer: Server;
let source: FfmpegSourceHandle;
let subjects: Subjects;
/** Requesters of every burst and titles request seen on the station's bus. */
const seen = { burst: [] as string[], titles: [] as string[] };
const watch: BusSubscription[] = [];

before(async () => {
  port = await freePortPair();
  const dir = mkdtempSync(join(tmpdir(), 'pc-admin-titles-'));
  mkdirSync(join(dir, 'html'));
  config = parseStationConfig({
    Name: 'Titles test radio',
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Clients: 10, Sources: 2, SourceGracePeriod: 0 },
    Auth: { AdminPassword: ADMIN_PASSWORD },
    Paths: { Log: join(dir, 'log'), Web: join(dir, 'html') },
    Mounts: [{ Name: MOUNT, Password: 'tp', BurstSize: 16384 }],
  });
  subjects = new Subjects(config.Cluster.SubjectPrefix);
  bus = new MemoryBus();
  state = new MemoryStateStore();
  adminBus = new RecordingBus(bus);
  watch.push(
    bus.subscribe(subjects.allBurst(), (m) => {
      seen.burst.push(decodeBurstRequest(m.data).requester ?? '');
    }),
    bus.subscribe(subjects.allTitles(), (m) => {
      seen.titles.push(decodeTitlesRequest(m.data).requester ?? '');
    }),
  );
  const log = pino({ level: 'silent' });
  ingest = createIngest({
    config,
    log,
    bus,
    state,
    instanceId: 'ingest-titles',
    registry: new Registry(),
    settings: ingestConfig(config, { listen: false }),
  });
  admin = createAdmin({
    config,
    log,
    bus: adminBus,
    state,
    instanceId: ADMIN_ID,
    registry: new Registry(),
    settings: adminConfig(config, { listen: false }),
  });
  // Admin's Express app is served through the edge's front door, as in the single process.
  adminServer = createServer(admin.http);
  edge = createEdge({
    config,
    log,
    bus,
    state,
    instanceId: 'edge-titles',
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
  source = startFfmpegSource({
    codec: 'mp3',
    file: await makeTestAudio({ codec: 'mp3', seconds: 20, bitrate: 128 }),
    copy: true,
    loop: true,
    url: `icecast://source:tp@127.0.0.1:${port}${MOUNT}`,
  });
});

after(async () => {
  await source.stop();
  for (const w of watch) {
    w.unsubscribe();
  }
  await edge.stop();
  await ingest.stop();
  await admin.stop();
  adminServer.closeAllConnections();
  await bus.close();
  await state.close();
});

const url = (path: string): string => `http://127.0.0.1:${port}${path}`;

test(
  'admin shows now-playing titles from titles requests and never asks for audio',
  T,
  async () => {
    const set = await waitFor(
      async () =>
        (
          await get(
            url(`/admin/metadata?mount=${MOUNT}&mode=updinfo&song=Penguin%20song`),
            ADMIN_AUTH,
          )
        ).status === 200,
      20_000,
      'title set on the live mount',
    );
    assert.ok(set);
    // Every page that shows a title asks for the mount's titles.
    const mounts = await waitFor(async () => {
      const r = await get(url('/api/v1/mounts'));
      const list = (JSON.parse(r.text) as { mounts: Array<Record<string, unknown>> }).mounts;
      return list.find((m) => m['mount'] === MOUNT && m['latestTitle'] === 'Penguin song');
    }, POLL);
    assert.equal(typeof mounts['nowPlaying'], 'string');
    for (const path of ['/status.xsl', '/info.html', '/info.json', `/player${MOUNT}`]) {
      const r = await get(url(path));
      assert.equal(r.status, 200, path);
    }
    for (const path of ['/status-json.xsl', '/api/v1/station', '/admin/listmounts']) {
      await get(url(path), ADMIN_AUTH);
    }
    const info = JSON.parse((await get(url('/info.json'))).text) as unknown;
    assert.ok(JSON.stringify(info).includes('Penguin song'), 'info.json shows the title');

    const families = adminBus.uses
      .filter((u) => u.op !== 'reply' && u.op !== 'delivery' && !u.subject.startsWith('_INBOX'))
      .map((u) => ({ ...u, family: subjects.parse(u.subject)?.family }));
    assert.deepEqual(
      families.filter((u) => u.family === 'burst' || u.family === 'audio'),
      [],
      'admin never publishes, requests or subscribes to burst or audio subjects',
    );
    assert.deepEqual(
      adminBus.uses.filter(
        (u) =>
          u.op === 'delivery' &&
          ['burst', 'audio'].includes(subjects.parse(u.subject)?.family ?? ''),
      ),
      [],
      'no audio is delivered to admin',
    );
    const titleRequests = families.filter((u) => u.op === 'request' && u.family === 'titles');
    assert.ok(titleRequests.length > 0, 'admin asks for titles');
    // Replies to titles requests carry no audio: a few hundred bytes of JSON each.
    const replies = adminBus.uses.filter(
      (u) => u.op === 'reply' && subjects.parse(u.subject)?.family === 'titles',
    );
    assert.ok(replies.length > 0);
    for (const r of replies) {
      assert.ok(r.bytes < 1024, `a titles reply of ${r.bytes} bytes`);
    }
    // Seen from the station's bus: titles requests come from admin, burst requests never do.
    assert.ok(seen.titles.includes(ADMIN_ID), 'titles requests arrive from admin');
    assert.equal(seen.burst.filter((r) => r === ADMIN_ID).length, 0, 'no burst request from admin');
  },
);
