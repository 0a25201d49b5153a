/**
 * The live pages in headless Chromium against a real station: the monitor shows a listener who
 * joins within 2 s (a screenshot is kept under `test/artifacts/`), the player page plays the
 * stream with live titles through icecast-metadata-player served from node_modules, and pages
 * showing hostile values never run any of them.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openListener, type ListenerHandle } from '@penguincast/testkit';
import { ADMIN_AUTH, get, startStation, waitForMount, type TestStation } from './harness.js';

const T = { timeout: 45_000 };
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
let st: TestStation;
let browser: Browser;
const listeners: ListenerHandle[] = [];

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  st = await startStation({
    Name: 'Penguin FM',
    Mounts: [
      { Name: '/live.mp3', Password: 'p', MetaInt: 8192, Genre: 'Jazz' },
      { Name: '/evil.mp3', Password: 'e' },
    ],
  });
  await st.source('/live.mp3', { iceName: 'Penguin Live', iceDescription: 'Live from the ice' });
  await st.source('/evil.mp3', {
    iceName: '<img src=x onerror=alert("name")>',
    iceDescription: '"><script>alert("desc")</script>',
    iceUrl: 'javascript:alert("url")',
  });
  await waitForMount(st, '/live.mp3');
  await waitForMount(st, '/evil.mp3');
  await get(
    st.url(
      `/admin/metadata?mount=/evil.mp3&mode=updinfo&song=${encodeURIComponent('</script><script>alert("title")</script>')}`,
    ),
    ADMIN_AUTH,
  );
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
});

after(async () => {
  for (const l of listeners) {
    l.stop();
  }
  await browser?.close();
  await st?.stop();
});

/** A page that fails the test on any dialog (an XSS payload running would open one). */
async function guardedPage(): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, dialogs };
}

test('the monitor shows a listener who joins within 2 s', T, async () => {
  const { page, dialogs } = await guardedPage();
  try {
    await page.goto(st.url('/monitor.html'));
    const row = page.locator('tr[data-mount="/live.mp3"] td.listeners');
    await row.filter({ hasText: /^0$/ }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#state').textContent(), 'live');
    // The services table fills from heartbeats.
    await page.locator('#services tr').first().waitFor({ timeout: 5_000 });

    const listener = openListener(st.url('/live.mp3'), { durationMs: 30_000 });
    listeners.push(listener);
    await listener.response;
    const joined = performance.now();
    await row.filter({ hasText: /^1$/ }).waitFor({ timeout: 2_000 });
    const seenMs = performance.now() - joined;
    assert.ok(seenMs <= 2000, `the listener showed after ${Math.round(seenMs)} ms`);
    assert.equal(await page.locator('#listeners').textContent(), '1');
    assert.equal(await page.locator('#sources').textContent(), '2');
    // Let the chart draw a few samples and the bandwidth figure arrive before the screenshot.
    await page
      .locator('#bandwidth')
      .filter({ hasText: /^[1-9]/ })
      .waitFor({ timeout: 5_000 });
    await page.screenshot({ path: `${ARTIFACTS}monitor.png`, fullPage: true });
    assert.equal(await page.locator('#chart polyline').count(), 2);
    assert.deepEqual(dialogs, []);
  } finally {
    await page.close();
  }
});

test('the player page plays the stream and shows live titles', T, async () => {
  const { page, dialogs } = await guardedPage();
  try {
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    page.on('pageerror', (e) => consoleLines.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) {
        consoleLines.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      }
    });
    await page.goto(st.url('/player/live.mp3'));
    assert.equal(await page.locator('h1').textContent(), 'Penguin Live');
    await page.locator('#play').click();
    await page
      .locator('#player-state')
      .filter({ hasText: 'playing' })
      .waitFor({ timeout: 15_000 })
      .catch(async (err: unknown) => {
        const state = await page.locator('#player-state').textContent();
        throw new Error(`player state ${state}; console: ${consoleLines.join(' | ')}`, {
          cause: err,
        });
      });
    await get(
      st.url('/admin/metadata?mount=/live.mp3&mode=updinfo&song=Heard%20in%20Chromium'),
      ADMIN_AUTH,
    );
    await page
      .locator('#now-playing')
      .filter({ hasText: 'Heard in Chromium' })
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${ARTIFACTS}player.png` });
    await page.locator('#play').click();
    assert.deepEqual(dialogs, []);
  } finally {
    await page.close();
  }
});

test('pages showing hostile source values run none of them', T, async () => {
  const { page, dialogs } = await guardedPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) {
      violations.push(m.text());
    }
  });
  try {
    for (const path of ['/info.html', '/status.xsl', '/player/evil.mp3', '/monitor.html']) {
      await page.goto(st.url(path));
      await page.waitForTimeout(300);
    }
    await page.goto(st.url('/info.html'));
    const evil = page.locator('section[data-mount="/evil.mp3"]');
    assert.match((await evil.textContent()) ?? '', /<img src=x onerror=alert\("name"\)>/);
    assert.equal(await evil.locator('a[href^="javascript"]').count(), 0);
    await page.screenshot({ path: `${ARTIFACTS}info.png`, fullPage: true });
    assert.deepEqual(dialogs, []);
  } finally {
    await page.close();
  }
  // Payloads are escaped rather than blocked, so the policy never even has to step in.
  assert.deepEqual(violations, []);
});
