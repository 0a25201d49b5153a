/**
 * The read-only documents against a real station with real ffmpeg sources: `/status-json.xsl`
 * with 0, 1 and 3 visible mounts (titles that Icecast turns into numbers or invalid JSON),
 * `/admin/stats`, `listmounts`, `streamlist.txt`, `/info.json`, the typed API and its OpenAPI
 * document, and the playlists.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeTitlesReply, encodeTitlesRequest, type TitlesReply } from '@penguincast/bus';
import { listen, waitFor, type FfmpegSourceHandle } from '@penguincast/testkit';
import {
  ADMIN_AUTH,
  POLL,
  get,
  rawGet,
  startStation,
  waitForMount,
  type TestStation,
} from './harness.js';
import { checkSchema } from './schema-check.js';

const T = { timeout: 40_000 };
let st: TestStation;
const sources: FfmpegSourceHandle[] = [];

before(async () => {
  st = await startStation({
    Mounts: [
      { Name: '/one.mp3', Password: 'p1', Genre: 'Jazz', Description: 'Mount one', BitRate: 128 },
      { Name: '/two.mp3', Password: 'p2', BurstSize: 16384, MetaInt: 4096 },
      { Name: '/three.mp3', Password: 'p3', MaxListeners: 5 },
      { Name: '/secret.mp3', Password: 'p4', Hidden: true },
    ],
  });
});

after(async () => {
  await st.stop();
});

type Json = Record<string, unknown>;

async function statusJson(): Promise<{ icestats: Json }> {
  const r = await get(st.url('/status-json.xsl'));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=UTF-8');
  return JSON.parse(r.text) as { icestats: Json };
}

async function setTitle(mount: string, song: string): Promise<void> {
  const r = await get(
    st.url(`/admin/metadata?mount=${mount}&mode=updinfo&song=${encodeURIComponent(song)}`),
    ADMIN_AUTH,
  );
  assert.equal(r.status, 200, r.text);
}

test('status-json with no mount on air has no source and ends with dummy', T, async () => {
  const doc = await statusJson();
  assert.equal(doc.icestats['source'], undefined);
  assert.equal(doc.icestats['dummy'], null);
  assert.match(
    String(doc.icestats['server_start_iso8601']),
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/,
  );
  assert.match(
    String(doc.icestats['server_start']),
    /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$/,
  );
  assert.equal(doc.icestats['admin'], 'icemaster@localhost');
  const api = JSON.parse((await get(st.url('/api/v1/mounts'))).text) as { mounts: unknown[] };
  assert.deepEqual(api.mounts, []);
  const list = await get(st.url('/admin/listmounts'), ADMIN_AUTH);
  assert.equal(list.text, '<?xml version="1.0"?>\n<icestats/>');
});

test(
  'status-json with one mount: an object, numbers as numbers, a numeric title as a string',
  T,
  async () => {
    sources.push(await st.source('/one.mp3', { iceName: 'One FM', iceGenre: 'Jazz' }));
    await waitForMount(st, '/one.mp3');
    await setTitle('/one.mp3', '1999');
    const src = await waitFor(async () => {
      const s = (await statusJson()).icestats['source'] as Json | undefined;
      return s?.['title'] === '1999' ? s : undefined;
    }, POLL);
    assert.ok(!Array.isArray(src));
    assert.equal(src['title'], '1999');
    assert.equal(src['bitrate'], 128);
    assert.equal(typeof src['listeners'], 'number');
    assert.equal(typeof src['listener_peak'], 'number');
    assert.equal(src['server_name'], 'One FM');
    assert.equal(src['genre'], 'Jazz');
    assert.equal(src['server_type'], 'audio/mpeg');
    assert.equal(src['listenurl'], `http://127.0.0.1:${st.port}/one.mp3`);
    assert.equal(src['dummy'], null);
    const keys = Object.keys(src);
    assert.deepEqual(
      keys,
      [...keys].sort((a, b) => (a === 'dummy' ? 1 : b === 'dummy' ? -1 : a < b ? -1 : 1)),
    );
  },
);

test(
  'status-json with three visible mounts: an array; hidden mounts left out; odd titles stay strings',
  T,
  async () => {
    sources.push(
      await st.source('/two.mp3'),
      await st.source('/three.mp3'),
      await st.source('/secret.mp3'),
    );
    for (const m of ['/two.mp3', '/three.mp3', '/secret.mp3']) {
      await waitForMount(st, m);
    }
    const titles: Record<string, string> = {
      '/one.mp3': 'TRUE',
      '/two.mp3': '5.',
      '/three.mp3': 'Say "hi" </script><script>alert(1)</script> \\ \u2028 done',
    };
    for (const [m, t] of Object.entries(titles)) {
      await setTitle(m, t);
    }
    const list = await waitFor(async () => {
      const s = (await statusJson()).icestats['source'];
      return Array.isArray(s) &&
        s.length === 3 &&
        s.every((e: Json) => titles[mountOf(e)] === e['title'])
        ? (s as Json[])
        : undefined;
    }, POLL);
    assert.deepEqual(list.map(mountOf), ['/one.mp3', '/three.mp3', '/two.mp3']);
    const raw = (await get(st.url('/status-json.xsl'))).text;
    assert.ok(!raw.includes('</script>'), 'a title cannot close a script element');
    assert.ok(!raw.includes('secret'), 'hidden mounts are left out');

    const stream = await get(st.url('/admin/streamlist.txt'), ADMIN_AUTH);
    assert.equal(stream.text, '/one.mp3\n/three.mp3\n/two.mp3\n');
    const mounts = await get(st.url('/admin/listmounts'), ADMIN_AUTH);
    assert.match(
      mounts.text,
      /<source mount="\/secret\.mp3"><fallback><\/fallback><listeners>0<\/listeners><Connected>\d+<\/Connected><content-type>audio\/mpeg<\/content-type><\/source>/,
    );
  },
);

test('/admin/stats lists every mount with children in alphabetical order', T, async () => {
  for (const path of ['/admin/stats', '/admin/stats.xml']) {
    const r = await get(st.url(path), ADMIN_AUTH);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/xml; charset=utf-8');
    assert.ok(r.text.startsWith('<?xml version="1.0"?>\n<icestats><admin>'));
    const sourcesXml = [...r.text.matchAll(/<source mount="([^"]+)">([\s\S]*?)<\/source>/g)];
    assert.deepEqual(
      sourcesXml.map((m) => m[1]),
      ['/one.mp3', '/secret.mp3', '/three.mp3', '/two.mp3'],
    );
    const children = [...(sourcesXml[0]?.[2] ?? '').matchAll(/<([a-z_0-9]+)>/g)].map((m) => m[1]);
    assert.deepEqual(children, [
      'audio_info',
      'bitrate',
      'genre',
      'listener_peak',
      'listeners',
      'listenurl',
      'max_listeners',
      'public',
      'server_description',
      'server_name',
      'server_type',
      'server_url',
      'slow_listeners',
      'source_ip',
      'stream_start',
      'stream_start_iso8601',
      'title',
      'total_bytes_read',
      'total_bytes_sent',
      'user_agent',
    ]);
    assert.match(r.text, /<source mount="\/three\.mp3">[^]*?<max_listeners>5<\/max_listeners>/);
    assert.match(r.text, /<sources>4<\/sources>/);
    assert.match(r.text, /<title>Say &quot;hi&quot; &lt;\/script&gt;/);
  }
});

test(
  'the typed API: arrays, numbers, string titles, and replies that match the OpenAPI document',
  T,
  async () => {
    const doc = JSON.parse((await get(st.url('/api/v1/openapi.json'))).text) as Json;
    assert.match(String(doc['openapi']), /^3\./);
    const paths = Object.keys(doc['paths'] as Json);
    assert.deepEqual(paths, ['/station', '/mounts', '/mounts/{mount}/listeners']);
    const schemas = (doc['components'] as { schemas: Record<string, Json> }).schemas;

    const station = JSON.parse((await get(st.url('/api/v1/station'))).text) as { station: Json };
    assert.deepEqual(checkSchema(station.station, schemas['Station']!, schemas), []);
    assert.equal(station.station['sources'], 3);

    const r = await get(st.url('/api/v1/mounts'));
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    const { mounts } = JSON.parse(r.text) as { mounts: Json[] };
    assert.equal(mounts.length, 3);
    for (const m of mounts) {
      assert.deepEqual(checkSchema(m, schemas['Mount']!, schemas), [], JSON.stringify(m));
    }
    const one = mounts.find((m) => m['mount'] === '/one.mp3')!;
    assert.equal(one['latestTitle'], 'TRUE');
    assert.equal(typeof one['nowPlaying'], 'string');
    assert.equal(one['bitrateKbps'], 128);
    assert.equal(one['description'], 'Mount one');

    const listeners = await get(st.url('/api/v1/mounts/one.mp3/listeners'), ADMIN_AUTH);
    assert.equal(listeners.status, 200);
    assert.deepEqual(JSON.parse(listeners.text), { mount: '/one.mp3', listeners: [] });
    const encoded = await get(st.url('/api/v1/mounts/%2Fone.mp3/listeners'), ADMIN_AUTH);
    assert.equal(encoded.status, 200);
    const missing = await get(st.url('/api/v1/mounts/none.mp3/listeners'), ADMIN_AUTH);
    assert.equal(missing.status, 404);
    assert.equal((JSON.parse(missing.text) as { error: Json }).error['code'], 'MOUNT_NOT_FOUND');

    const info = JSON.parse((await get(st.url('/info.json'))).text) as {
      station: Json;
      mounts: Json[];
    };
    assert.equal(info.station['name'], 'Admin test radio');
    assert.equal(info.mounts.length, 3);
  },
);

test('playlists point at http://Host:Port/mount', T, async () => {
  const m3u = await get(st.url('/one.mp3.m3u'));
  assert.equal(m3u.status, 200);
  assert.equal(m3u.headers.get('content-type'), 'audio/x-mpegurl');
  assert.equal(m3u.text, `http://127.0.0.1:${st.port}/one.mp3\r\n`);
  const pls = await get(st.url('/one.mp3.pls'));
  assert.equal(pls.headers.get('content-type'), 'audio/x-scpls');
  assert.match(
    pls.text,
    new RegExp(
      `^\\[playlist\\]\\r\\nNumberOfEntries=1\\r\\nFile1=http://127\\.0\\.0\\.1:${st.port}/one\\.mp3\\r\\nTitle1=One FM\\r\\n`,
    ),
  );
  const xspf = await get(st.url('/one.mp3.xspf'));
  assert.match(
    xspf.text,
    new RegExp(`<location>http://127\\.0\\.0\\.1:${st.port}/one\\.mp3</location>`),
  );
  const named = await rawGet(st.port, '/two.mp3.m3u', { Host: `radio.example:${st.port}` });
  assert.equal(named.text, `http://radio.example:${st.port}/two.mp3\r\n`);
  assert.equal((await get(st.url('/nothing.mp3.m3u'))).status, 404);
  assert.equal((await get(st.url('/secret.mp3.m3u'))).status, 404);
});

test(
  'now playing is the title a listener joining now hears first; the newest is beside it',
  T,
  async () => {
    await setTitle('/two.mp3', 'Older song');
    // The burst of /two.mp3 is 16 KiB, about 1 s at 128 kbit/s: once its first byte is in
    // 'Older song', the whole burst is. The holding ingest is asked directly, as admin asks it:
    // admin's answers are reused for a second, so one fetched now would still be served after
    // 'Newest song' is set, by when the burst start may have moved past it.
    await waitFor(
      async () => (await titlesAtIngest('/two.mp3', 16384)).atJoin?.title === 'Older song',
      POLL,
      "a burst that starts in 'Older song'",
    );
    await setTitle('/two.mp3', 'Newest song');
    const two = await waitFor(async () => {
      const { mounts } = JSON.parse((await get(st.url('/api/v1/mounts'))).text) as {
        mounts: Json[];
      };
      const m = mounts.find((x) => x['mount'] === '/two.mp3');
      return m?.['latestTitle'] === 'Newest song' ? m : undefined;
    }, POLL);
    assert.equal(two['nowPlaying'], 'Older song');
    const heard = await listen(st.url('/two.mp3'), {
      metadata: true,
      maxBytes: 8192,
      durationMs: 5000,
    });
    assert.equal(
      heard.titles[0]?.title,
      'Older song',
      'a listener joining now is told the burst-start title',
    );
  },
);

/** The titles reply of the ingest holding `mount` for a burst of `maxBytes`, uncached. */
async function titlesAtIngest(mount: string, maxBytes: number): Promise<TitlesReply> {
  const msg = await st.bus.request(
    st.subjects.titles(mount),
    encodeTitlesRequest({ mount, maxBytes, requester: 'status-test' }),
    { timeoutMs: 2000 },
  );
  return decodeTitlesReply(msg.data);
}

function mountOf(e: Json): string {
  return new URL(String(e['listenurl'])).pathname;
}
