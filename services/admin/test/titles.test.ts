/**
 * Admin never receives audio: in a whole station (real ingest and edge, a real ffmpeg source,
 * the memory bus), every page that shows titles is loaded while the bus admin is given records
 * each subject admin publishes, requests or subscribes to, and each reply it reads. Admin must
 * ask the holding ingest for titles on `<prefix>.titles.<m>` and never touch `burst` or `audio`.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
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
import { waitFor } from '@penguincast/testkit';
import { ADMIN_AUTH, POLL, get, startStation, type TestStation } from './harness.js';

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

let st: TestStation;
let adminBus: RecordingBus;
/** Requesters of every burst and titles request seen on the station's bus. */
const seen = { burst: [] as string[], titles: [] as string[] };
const watch: BusSubscription[] = [];

before(async () => {
  st = await startStation(
    {
      Limits: { Clients: 10, Sources: 2, SourceGracePeriod: 0 },
      Mounts: [{ Name: MOUNT, Password: 'tp', BurstSize: 16384 }],
    },
    { adminBus: (bus) => (adminBus = new RecordingBus(bus)), adminInstanceId: ADMIN_ID },
  );
  watch.push(
    st.bus.subscribe(st.subjects.allBurst(), (m) => {
      seen.burst.push(decodeBurstRequest(m.data).requester ?? '');
    }),
    st.bus.subscribe(st.subjects.allTitles(), (m) => {
      seen.titles.push(decodeTitlesRequest(m.data).requester ?? '');
    }),
  );
  await st.source(MOUNT);
});

after(async () => {
  for (const w of watch) {
    w.unsubscribe();
  }
  await st.stop();
});

const url = (path: string): string => st.url(path);

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
      .map((u) => ({ ...u, family: st.subjects.parse(u.subject)?.family }));
    assert.deepEqual(
      families.filter((u) => u.family === 'burst' || u.family === 'audio'),
      [],
      'admin never publishes, requests or subscribes to burst or audio subjects',
    );
    assert.deepEqual(
      adminBus.uses.filter(
        (u) =>
          u.op === 'delivery' &&
          ['burst', 'audio'].includes(st.subjects.parse(u.subject)?.family ?? ''),
      ),
      [],
      'no audio is delivered to admin',
    );
    const titleRequests = families.filter((u) => u.op === 'request' && u.family === 'titles');
    assert.ok(titleRequests.length > 0, 'admin asks for titles');
    // Replies to titles requests carry no audio: a few hundred bytes of JSON each.
    const replies = adminBus.uses.filter(
      (u) => u.op === 'reply' && st.subjects.parse(u.subject)?.family === 'titles',
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
