/**
 * Pages and documents with hostile sources and listeners: XSS payloads in titles, `ice-*`
 * headers, user agents and referers must come out inert in every HTML, XML and JSON reply, and
 * only http/https URLs may become links. Also static files from `Paths.Web` with traversal
 * refused, unknown paths, and `Logging.UseMonitor` turned off.
 */
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { MemoryBus, MemoryStateStore } from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { pino } from 'pino';
import { createAdmin, parseConfig } from '../src/index.js';
import {
  ADMIN_AUTH,
  POLL,
  get,
  rawGet,
  startStation,
  waitForMount,
  type TestStation,
} from './harness.js';
import { openListener, waitFor } from '@penguincast/testkit';

const T = { timeout: 40_000 };
let st: TestStation;

/** What the hostile source sends. */
export const XSS = {
  name: '<script>alert("name")</script>',
  description: '" onmouseover="alert(1)" x="',
  genre: "<img src=x onerror=alert('genre')>",
  url: 'javascript:alert(document.cookie)',
  title: '</script><script>alert("title")</script>',
  agent: '<svg onload=alert("ua")>',
  referer: 'http://r.example/"><script>alert("ref")</script>',
};

const RAW_PAYLOADS = [
  '<script>alert',
  '<img src=x',
  '<svg onload',
  '" onmouseover="alert',
  "onerror=alert('genre')>",
];

before(async () => {
  st = await startStation({
    Mounts: [
      { Name: '/xss.mp3', Password: 'x' },
      { Name: '/good.mp3', Password: 'g' },
    ],
  });
  await st.source('/xss.mp3', {
    iceName: XSS.name,
    iceDescription: XSS.description,
    iceGenre: XSS.genre,
    iceUrl: XSS.url,
  });
  await st.source('/good.mp3', { iceName: 'Good', iceUrl: 'http://good.example/?a=1&b=2' });
  await waitForMount(st, '/xss.mp3');
  await waitForMount(st, '/good.mp3');
  await get(
    st.url(
      `/admin/metadata?mount=/xss.mp3&mode=updinfo&song=${encodeURIComponent(XSS.title)}&url=${encodeURIComponent(XSS.url)}`,
    ),
    ADMIN_AUTH,
  );
});

after(async () => {
  await st.stop();
});

function assertInert(where: string, text: string): void {
  for (const p of RAW_PAYLOADS) {
    assert.ok(!text.includes(p), `${where} contains ${JSON.stringify(p)}`);
  }
  assert.ok(!/href\s*=\s*["']?\s*javascript:/i.test(text), `${where} links to javascript:`);
}

test('every page, document and list renders hostile values inert', T, async () => {
  const l = openListener(st.url('/xss.mp3'), {
    durationMs: 15_000,
    userAgent: XSS.agent,
    headers: { Referer: XSS.referer },
  });
  try {
    await waitFor(() => l.audioBytes > 0, POLL);
    await waitFor(
      async () => (await get(st.url('/status-json.xsl'))).text.includes('alert(\\"title\\")'),
      POLL,
    );
    const pages = [
      '/info.html',
      '/status.xsl',
      '/player/xss.mp3',
      '/player.html?mount=/xss.mp3',
      '/monitor.html',
      '/xss.mp3.xspf',
      '/info.json',
      '/status-json.xsl',
      '/api/v1/mounts',
      '/admin/stats',
      '/admin/listclients?mount=/xss.mp3',
      '/api/v1/mounts/xss.mp3/listeners',
    ];
    for (const path of pages) {
      const r = await get(st.url(path), ADMIN_AUTH);
      assert.equal(r.status, 200, path);
      assertInert(path, r.text);
      if (r.headers.get('content-type')?.includes('json')) {
        JSON.parse(r.text);
      }
    }
    // PLS is a plain key=value file that no browser renders (and nosniff keeps it so): the name
    // stays as sent, on its one line.
    const pls = await get(st.url('/xss.mp3.pls'));
    assert.equal(pls.headers.get('content-type'), 'audio/x-scpls');
    assert.equal(pls.headers.get('x-content-type-options'), 'nosniff');
    assert.match(pls.text, /\r\nTitle1=<script>alert\("name"\)<\/script>\r\nLength1=-1\r\n/);
    const info = (await get(st.url('/info.html'))).text;
    // The hostile values are shown, escaped; the javascript: URL is text, never a link.
    assert.ok(info.includes('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;'));
    assert.ok(info.includes('&quot; onmouseover=&quot;alert(1)&quot; x=&quot;'), info);
    assert.ok(info.includes('javascript:alert(document.cookie)'));
    assert.ok(
      info.includes(
        '<a href="http://good.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow">',
      ),
    );
    assert.match(
      (await get(st.url('/info.html'))).headers.get('content-security-policy') ?? '',
      /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/,
    );
    const api = JSON.parse((await get(st.url('/api/v1/mounts'))).text) as {
      mounts: Array<{ mount: string; url: string | null; name: string; latestTitle: string }>;
    };
    const xss = api.mounts.find((m) => m.mount === '/xss.mp3')!;
    assert.equal(xss.url, null, 'a javascript: URL is not offered as a URL');
    assert.equal(xss.name, XSS.name, 'JSON carries the value itself, escaped only for JSON');
    assert.equal(xss.latestTitle, XSS.title);
    const good = api.mounts.find((m) => m.mount === '/good.mp3')!;
    assert.equal(good.url, 'http://good.example/?a=1&b=2');
    const listed = (await get(st.url('/api/v1/mounts/xss.mp3/listeners'), ADMIN_AUTH)).text;
    assert.ok(listed.includes('\\u003csvg onload=alert(\\"ua\\")\\u003e'));
  } finally {
    l.stop();
  }
});

test(
  'static files come only from Paths.Web; traversal is refused however it is encoded',
  T,
  async () => {
    const web = join(st.dir, 'html');
    writeFileSync(join(web, 'index.html'), '<!DOCTYPE html><title>Home</title>home page');
    writeFileSync(join(web, 'style.css'), 'body { color: red }');
    writeFileSync(join(web, '.hidden'), 'dotfile');
    writeFileSync(join(st.dir, 'secret.txt'), 'TOP SECRET');
    symlinkSync(join(st.dir, 'secret.txt'), join(web, 'link.txt'));

    const css = await get(st.url('/style.css'));
    assert.equal(css.status, 200);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(css.text, 'body { color: red }');
    const home = await get(st.url('/'));
    assert.equal(home.status, 200);
    assert.match(home.text, /home page/);

    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/sub/..%2f..%2fsecret.txt',
      '/.%2e/secret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/link.txt',
    ]) {
      const r = await rawGet(st.port, path);
      assert.ok(r.status === 403 || r.status === 404, `${path} answered ${r.status}`);
      assert.ok(!r.text.includes('TOP SECRET'), `${path} leaked the file`);
    }
    assert.equal((await rawGet(st.port, '/.hidden')).status, 404);

    const missing = await get(st.url('/no/such/page.html'));
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(
      missing.text,
      '<html><head><title>Error 404</title></head><body><b>404 - The file you requested could not be found</b></body></html>',
    );
  },
);

test(
  'with Logging.UseMonitor off the monitor and its events answer 404',
  { timeout: 10_000 },
  async () => {
    const config = parseStationConfig({
      Auth: { AdminPassword: 'pw' },
      Host: '127.0.0.1',
      Logging: { UseMonitor: false },
    });
    const bus = new MemoryBus();
    const state = new MemoryStateStore();
    const app = createAdmin({
      config,
      log: pino({ level: 'silent' }, new Writable({ write: (_c, _e, cb) => cb() })),
      bus,
      state,
      registry: new Registry(),
      instanceId: 'no-monitor',
      settings: parseConfig(config, { port: 0 }),
    });
    await app.start();
    try {
      const base = `http://127.0.0.1:${app.port}`;
      assert.equal((await get(`${base}/monitor.html`)).status, 404);
      assert.equal((await get(`${base}/monitor/events`)).status, 404);
      assert.equal((await get(`${base}/info.json`)).status, 200);
    } finally {
      await app.stop();
      await bus.close();
      await state.close();
    }
  },
);
