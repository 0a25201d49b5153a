/**
 * Icecast's admin API against a real station: the auth matrix over every admin route of the
 * table (none → 401, source credentials → 401 except a mount's own metadata, admin → 2xx,
 * missing mount → 400), the throttle on repeated failures, and every command acting on real
 * ffmpeg sources and real listeners through the ingest and edge that hold them.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Keys, decodeControlCommand, type ControlCommand } from '@penguincast/bus';
import { basicAuthHeader } from '@penguincast/icy';
import { openListener, waitFor, type ListenerHandle } from '@penguincast/testkit';
import { ADMIN_AUTH, POLL, get, startStation, waitForMount, type TestStation } from './harness.js';

const T = { timeout: 40_000 };
const SOURCE_AUTH = basicAuthHeader('dj', 'livepw');
const WRONG_AUTH = basicAuthHeader('admin', 'wrong');
let st: TestStation;
const listeners: ListenerHandle[] = [];

before(async () => {
  st = await startStation({
    Mounts: [
      { Name: '/live.mp3', User: 'dj', Password: 'livepw', MetaInt: 8192 },
      { Name: '/other.mp3', Password: 'otherpw' },
      { Name: '/victim.mp3', Password: 'victimpw' },
    ],
  });
  await Promise.all([st.source('/live.mp3'), st.source('/other.mp3'), st.source('/victim.mp3')]);
  for (const m of ['/live.mp3', '/other.mp3', '/victim.mp3']) {
    await waitForMount(st, m);
  }
});

after(async () => {
  for (const l of listeners) {
    l.stop();
  }
  await st.stop();
});

/** A request per admin route: one that succeeds and, for mount commands, one on a missing mount. */
const MATRIX: Record<
  string,
  { ok: string; adminStatus?: number; missing?: string; missingStatus?: number }
> = {
  metadata: {
    ok: '/admin/metadata?mount=/live.mp3&mode=updinfo&song=Matrix',
    missing: '/admin/metadata?mount=/none.mp3&mode=updinfo&song=x',
  },
  listclients: {
    ok: '/admin/listclients?mount=/live.mp3',
    missing: '/admin/listclients?mount=/none.mp3',
  },
  listmounts: { ok: '/admin/listmounts' },
  streamlist: { ok: '/admin/streamlist.txt' },
  killclient: {
    ok: '/admin/killclient?mount=/live.mp3&id=1',
    missing: '/admin/killclient?mount=/none.mp3&id=1',
  },
  killsource: {
    ok: '/admin/killsource?mount=/victim.mp3',
    missing: '/admin/killsource?mount=/none.mp3',
  },
  moveclients: {
    ok: '/admin/moveclients?mount=/other.mp3&destination=/live.mp3',
    missing: '/admin/moveclients?mount=/none.mp3&destination=/live.mp3',
  },
  fallbacks: {
    ok: '/admin/fallbacks?mount=/live.mp3&fallback=/other.mp3',
    missing: '/admin/fallbacks?mount=/none.mp3&fallback=/other.mp3',
  },
  stats: { ok: '/admin/stats' },
  'stats.xml': { ok: '/admin/stats.xml' },
  'unknown-command': { ok: '/admin/bogus', adminStatus: 400 },
  'api-listeners': {
    ok: '/api/v1/mounts/live.mp3/listeners',
    missing: '/api/v1/mounts/none.mp3/listeners',
    missingStatus: 404,
  },
};

test('auth matrix: every admin route of the table', T, async () => {
  const guarded = st.admin.routes.filter((r) => r.scope !== 'public');
  assert.deepEqual(guarded.map((r) => r.name).sort(), Object.keys(MATRIX).sort());
  for (const route of guarded) {
    const row = MATRIX[route.name]!;
    const none = await get(st.url(row.ok));
    assert.equal(none.status, 401, `${route.name} without auth`);
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="Icecast2 Server"');
    assert.equal(none.text, 'You need to authenticate');
    const wrong = await get(st.url(row.ok), WRONG_AUTH);
    assert.equal(wrong.status, 401, `${route.name} with a wrong password`);
    const asSource = await get(st.url(row.ok), SOURCE_AUTH);
    assert.equal(asSource.status, route.name === 'metadata' ? 200 : 401, `${route.name} as source`);
    if (row.missing !== undefined) {
      const missing = await get(st.url(row.missing), ADMIN_AUTH);
      assert.equal(missing.status, row.missingStatus ?? 400, `${route.name} on a missing mount`);
      if (row.missingStatus === undefined) {
        assert.equal(
          missing.text,
          '<html><head><title>Error 400</title></head><body><b>400 - Source does not exist</b></body></html>',
        );
      }
    }
    const admin = await get(st.url(row.ok), ADMIN_AUTH);
    const expected = row.adminStatus ?? 200;
    assert.equal(admin.status, expected, `${route.name} as admin: ${admin.text}`);
  }
  // A source's credentials are good for its own mount only.
  const foreign = await get(
    st.url('/admin/metadata?mount=/other.mp3&mode=updinfo&song=x'),
    SOURCE_AUTH,
  );
  assert.equal(foreign.status, 401);
  const bogus = await get(st.url('/admin/bogus'), ADMIN_AUTH);
  assert.match(bogus.text, /<b>400 - Unrecognised command<\/b>/);
});

test(
  'repeated failures from one address are slowed down; a good login resets them',
  T,
  async () => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      assert.equal((await get(st.url('/admin/stats'), WRONG_AUTH)).status, 401);
      times.push(performance.now() - t0);
    }
    assert.ok(
      times.slice(0, 4).every((t) => t < 200),
      `first failures are answered at once: ${times}`,
    );
    assert.ok((times[5] ?? 0) >= 240 && (times[6] ?? 0) >= 480, `later ones wait: ${times}`);
    assert.equal((await get(st.url('/admin/stats'), ADMIN_AUTH)).status, 200);
    const t0 = performance.now();
    await get(st.url('/admin/stats'), WRONG_AUTH);
    assert.ok(performance.now() - t0 < 200);
  },
);

test('metadata: song, artist and title, charset, and Icecast replies', T, async () => {
  const latest = async (): Promise<string> => {
    const api = JSON.parse((await get(st.url('/api/v1/mounts'))).text) as {
      mounts: Array<{ mount: string; latestTitle: string }>;
    };
    return api.mounts.find((m) => m.mount === '/live.mp3')?.latestTitle ?? '';
  };
  const ok = await get(
    st.url('/admin/metadata?mount=/live.mp3&mode=updinfo&song=First%20Song'),
    SOURCE_AUTH,
  );
  assert.equal(ok.headers.get('content-type'), 'text/xml; charset=utf-8');
  assert.equal(
    ok.text,
    '<?xml version="1.0"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>',
  );
  await waitFor(async () => (await latest()) === 'First Song', POLL);
  await get(
    st.url('/admin/metadata?mount=live.mp3&mode=updinfo&artist=Art&title=Piece'),
    ADMIN_AUTH,
  );
  await waitFor(async () => (await latest()) === 'Art - Piece', POLL);
  await get(
    st.url('/admin/metadata?mount=/live.mp3&mode=updinfo&song=Caf%E9&charset=ISO-8859-1'),
    ADMIN_AUTH,
  );
  await waitFor(async () => (await latest()) === 'Café', POLL);

  // A listener hears the title through the edge.
  const l = openListener(st.url('/live.mp3'), { metadata: true, durationMs: 8000 });
  listeners.push(l);
  await waitFor(() => l.audioBytes > 0, POLL);
  await get(st.url('/admin/metadata?mount=/live.mp3&mode=updinfo&song=Heard%20live'), ADMIN_AUTH);
  await sleepUntilTitle(l, 'Heard live');

  const noMode = await get(st.url('/admin/metadata?mount=/live.mp3&song=x'), ADMIN_AUTH);
  assert.equal(noMode.status, 400);
  assert.match(noMode.text, /Missing parameter/);
  const badMode = await get(st.url('/admin/metadata?mount=/live.mp3&mode=foo&song=x'), ADMIN_AUTH);
  assert.equal(
    badMode.text,
    '<?xml version="1.0"?>\n<iceresponse><message>No such action</message><return>0</return></iceresponse>',
  );
});

async function sleepUntilTitle(l: ListenerHandle, title: string): Promise<void> {
  l.stop();
  const r = await l.done;
  // Stopped right after the update, the listener may not have reached its next block yet, so
  // a fresh one (whose burst started before the change) is not what is checked here.
  if (!r.titles.some((t) => t.title === title)) {
    const again = openListener(st.url('/live.mp3'), { metadata: true, durationMs: 6000 });
    const res = await again.done;
    assert.ok(
      res.titles.some((t) => t.title === title),
      `titles heard: ${JSON.stringify(res.titles.map((t) => t.title))}`,
    );
  }
}

test('listclients, killclient and moveclients act on real listeners on the edge', T, async () => {
  const evil = '<script>alert(1)</script>" onmouseover="x';
  const a = openListener(st.url('/live.mp3'), {
    durationMs: 20_000,
    userAgent: evil,
    headers: { Referer: 'http://ref.example/p?q=<b>' },
  });
  const b = openListener(st.url('/live.mp3'), { durationMs: 20_000, userAgent: 'Plain/1.0' });
  listeners.push(a, b);
  await waitFor(() => a.audioBytes > 0 && b.audioBytes > 0, POLL);
  const list = await get(st.url('/admin/listclients?mount=/live.mp3'), ADMIN_AUTH);
  assert.equal(list.status, 200);
  assert.match(
    list.text,
    /^<\?xml version="1\.0"\?>\n<icestats><source mount="\/live\.mp3"><Listeners>2<\/Listeners><listeners>2<\/listeners><listener><IP>127\.0\.0\.1<\/IP>/,
  );
  assert.ok(!list.text.includes('<script>'), 'user agents are escaped');
  assert.ok(
    list.text.includes(
      '<UserAgent>&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x</UserAgent>',
    ),
  );
  const ids = [...list.text.matchAll(/<ID>(\d+)<\/ID>/g)].map((m) => m[1]!);
  assert.equal(ids.length, 2);

  const killed = await get(st.url(`/admin/killclient?mount=/live.mp3&id=${ids[0]}`), ADMIN_AUTH);
  assert.equal(
    killed.text,
    `<?xml version="1.0"?>\n<iceresponse><message>Client ${ids[0]} removed</message><return>1</return></iceresponse>`,
  );
  const unknown = await get(st.url('/admin/killclient?mount=/live.mp3&id=999'), ADMIN_AUTH);
  assert.match(unknown.text, /<message>Client 999 not found<\/message><return>0<\/return>/);
  await waitFor(() => st.edge.listenerCount('/live.mp3') === 1, POLL);

  const moved = await get(
    st.url('/admin/moveclients?mount=/live.mp3&destination=/other.mp3'),
    ADMIN_AUTH,
  );
  assert.match(
    moved.text,
    /<message>Clients moved from \/live\.mp3 to \/other\.mp3<\/message><return>1<\/return>/,
  );
  await waitFor(() => st.edge.listenerCount('/other.mp3') === 1, POLL);
  const same = await get(
    st.url('/admin/moveclients?mount=/other.mp3&destination=/other.mp3'),
    ADMIN_AUTH,
  );
  assert.equal(same.status, 400);
  const nowhere = await get(
    st.url('/admin/moveclients?mount=/other.mp3&destination=/none.mp3'),
    ADMIN_AUTH,
  );
  assert.match(nowhere.text, /400 - No such destination/);
  const noId = await get(st.url('/admin/killclient?mount=/live.mp3'), ADMIN_AUTH);
  assert.match(noId.text, /400 - Missing parameter/);
});

test('fallbacks are stored, announced to the edges and shown by listmounts', T, async () => {
  const commands: ControlCommand[] = [];
  const sub = st.bus.subscribe(st.subjects.ctl('set-fallback'), (m) => {
    commands.push(decodeControlCommand(m.data));
  });
  const r = await get(st.url('/admin/fallbacks?mount=/live.mp3&fallback=other.mp3'), ADMIN_AUTH);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.text, /<p>Fallback configured<\/p>/);
  const key = new Keys().fallback('/live.mp3');
  assert.equal(await st.state.get(key), '/other.mp3');
  await waitFor(() => commands.length === 1, POLL);
  assert.deepEqual(commands[0], {
    type: 'set-fallback',
    mount: '/live.mp3',
    fallback: '/other.mp3',
  });
  await waitFor(
    async () =>
      (await get(st.url('/admin/listmounts'), ADMIN_AUTH)).text.includes(
        '<source mount="/live.mp3"><fallback>/other.mp3</fallback>',
      ),
    POLL,
  );
  assert.equal((await get(st.url('/admin/fallbacks?mount=/live.mp3'), ADMIN_AUTH)).status, 400);
  assert.equal(
    (await get(st.url('/admin/fallbacks?mount=/live.mp3&fallback=/live.mp3'), ADMIN_AUTH)).status,
    400,
  );
  await get(st.url('/admin/fallbacks?mount=/live.mp3&fallback='), ADMIN_AUTH);
  assert.equal(await st.state.get(key), null);
  // The refused requests announced nothing; the clearing one announced `null`.
  await waitFor(() => commands.length === 2, POLL);
  assert.deepEqual(commands[1], { type: 'set-fallback', mount: '/live.mp3', fallback: null });
  sub.unsubscribe();
});

test(
  'killsource ends the source on its ingest; cross-site browser requests are refused',
  T,
  async () => {
    await st.source('/victim.mp3');
    await waitForMount(st, '/victim.mp3');
    const cross = await get(st.url('/admin/killsource?mount=/victim.mp3'), ADMIN_AUTH, {
      'Sec-Fetch-Site': 'cross-site',
    });
    assert.equal(cross.status, 403);
    const r = await get(st.url('/admin/killsource?mount=/victim.mp3'), ADMIN_AUTH);
    assert.equal(
      r.text,
      '<?xml version="1.0"?>\n<iceresponse><message>Source Removed</message><return>1</return></iceresponse>',
    );
    await waitFor(
      async () =>
        !(await get(st.url('/admin/listmounts'), ADMIN_AUTH)).text.includes('/victim.mp3'),
      POLL,
    );
  },
);
