/**
 * `/monitor.html`: a live page fed by `/monitor/events` (server-sent events) that draws listeners
 * per mount over time as an inline SVG chart, with sources, bandwidth out, slow-listener drops
 * and each service's CPU and memory. Its small script builds every node with `textContent` and
 * attribute setters, never HTML strings, so nothing a source sends can run. No CDN, no library.
 */
import { page } from './page-layout.js';

const STYLE = `
#chart { width: 100%; height: 260px; display: block; }
#chart .axis { stroke: var(--line); stroke-width: 1; }
#chart text { fill: var(--muted); font-size: 11px; }
#chart polyline { fill: none; stroke-width: 2; }
.legend span { display: inline-block; margin-right: 1rem; }
.legend i, i.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .3rem; vertical-align: -1px; }
#state { font-size: .85rem; }
th.num { text-align: right; }
th.swatch-col { width: 2rem; }
`;

/** The page script: trusted code; all data arrives as JSON over the event stream. */
const SCRIPT = `
(() => {
  'use strict';
  const MAX_WINDOW_MS = 5 * 60 * 1000;
  const MIN_WINDOW_MS = 60 * 1000;
  const MAX = 1200;
  const COLORS = ['#2f6fdf', '#e0483e', '#2e9e5b', '#c07a0a', '#8a4fd1', '#0f9bb3', '#d1467f'];
  const SVG = 'http://www.w3.org/2000/svg';
  const $ = (id) => document.getElementById(id);
  const colorOf = new Map();
  let history = [];

  const bytes = (n) => n >= 1073741824 ? (n / 1073741824).toFixed(2) + ' GiB'
    : n >= 1048576 ? (n / 1048576).toFixed(1) + ' MiB' : (n / 1024).toFixed(0) + ' KiB';
  const rate = (bps) => (bps * 8 / 1000).toFixed(1) + ' kbit/s';
  const color = (name) => {
    if (!colorOf.has(name)) { colorOf.set(name, COLORS[colorOf.size % COLORS.length]); }
    return colorOf.get(name);
  };
  const cell = (tr, text, cls) => {
    const td = document.createElement('td');
    td.textContent = String(text);
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  };
  const svg = (name, attrs) => {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) { el.setAttribute(k, String(v)); }
    return el;
  };

  function renderMounts(last) {
    const body = $('mounts');
    body.replaceChildren();
    const names = Object.keys(last.mounts).sort();
    for (const name of names) {
      const tr = document.createElement('tr');
      tr.setAttribute('data-mount', name);
      const swatch = cell(tr, '');
      const i = document.createElement('i');
      i.className = 'swatch';
      i.style.background = color(name);
      swatch.appendChild(i);
      cell(tr, name);
      cell(tr, last.mounts[name], 'num listeners');
      body.appendChild(tr);
    }
    $('no-mounts').hidden = names.length > 0;
  }

  function renderServices(last) {
    const body = $('services');
    body.replaceChildren();
    for (const s of last.services) {
      const tr = document.createElement('tr');
      tr.setAttribute('data-instance', s.instanceId);
      cell(tr, s.service);
      cell(tr, s.instanceId);
      cell(tr, s.cpuPercent.toFixed(1) + ' %', 'num');
      cell(tr, bytes(s.rssBytes), 'num');
      cell(tr, bytes(s.heapUsedBytes), 'num');
      cell(tr, s.uptimeSeconds + ' s', 'num');
      body.appendChild(tr);
    }
  }

  function renderChart(now) {
    const chart = $('chart');
    chart.replaceChildren();
    const W = 800, H = 260, L = 40, R = 24, B = 22, T = 10;
    // The window grows with the history, from one minute up to five.
    const first = history.length > 0 ? history[0].t : now;
    const span = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, now - first));
    const from = now - span;
    const shown = history.filter((s) => s.t >= from);
    const names = new Set();
    let top = 1;
    for (const s of shown) {
      for (const [name, n] of Object.entries(s.mounts)) { names.add(name); top = Math.max(top, n); }
    }
    top = Math.max(1, Math.ceil(top * 1.2));
    const x = (t) => L + ((t - from) / span) * (W - L - R);
    const y = (n) => H - B - (n / top) * (H - B - T);
    chart.appendChild(svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
    chart.appendChild(svg('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
    for (const v of [0, Math.round(top / 2), top]) {
      const label = svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end' });
      label.textContent = String(v);
      chart.appendChild(label);
    }
    for (let i = 5; i >= 0; i--) {
      const ago = (span / 5) * i;
      const label = svg('text', { x: x(now - ago), y: H - 6, 'text-anchor': i === 0 ? 'end' : 'middle' });
      label.textContent = i === 0 ? 'now' : ago >= 120000 ? '-' + Math.round(ago / 60000) + ' min'
        : '-' + Math.round(ago / 1000) + ' s';
      chart.appendChild(label);
    }
    const legend = $('legend');
    legend.replaceChildren();
    for (const name of [...names].sort()) {
      const pts = shown.filter((s) => name in s.mounts)
        .map((s) => x(s.t).toFixed(1) + ',' + y(s.mounts[name]).toFixed(1));
      if (pts.length === 1) { pts.push(x(now).toFixed(1) + ',' + pts[0].split(',')[1]); }
      chart.appendChild(svg('polyline', { points: pts.join(' '), stroke: color(name) }));
      const item = document.createElement('span');
      const i = document.createElement('i');
      i.style.background = color(name);
      item.appendChild(i);
      item.appendChild(document.createTextNode(name));
      legend.appendChild(item);
    }
  }

  function render() {
    const last = history[history.length - 1];
    if (!last) { return; }
    $('listeners').textContent = String(last.listeners);
    $('sources').textContent = String(last.sources);
    $('bandwidth').textContent = rate(last.bytesOutPerSecond);
    $('slow-drops').textContent = String(last.slowListenerDrops);
    $('updated').textContent = new Date(last.t).toLocaleTimeString();
    renderMounts(last);
    renderServices(last);
    renderChart(last.t);
  }

  const events = new EventSource('/monitor/events');
  events.addEventListener('open', () => { $('state').textContent = 'live'; });
  events.addEventListener('error', () => { $('state').textContent = 'reconnecting…'; });
  events.addEventListener('history', (e) => { history = JSON.parse(e.data); render(); });
  events.addEventListener('sample', (e) => {
    history.push(JSON.parse(e.data));
    if (history.length > MAX) { history.splice(0, history.length - MAX); }
    render();
  });
})();
`;

/** Renders the monitor page. */
export function monitorPage(stationName: string, nonce: string): string {
  const body = `<h1>Live monitor <span id="state" class="muted">connecting…</span></h1>
<div class="grid">
<div class="stat"><div class="label">Listeners</div><div class="value" id="listeners">–</div></div>
<div class="stat"><div class="label">Sources up</div><div class="value" id="sources">–</div></div>
<div class="stat"><div class="label">Bandwidth out</div><div class="value" id="bandwidth">–</div></div>
<div class="stat"><div class="label">Slow-listener drops</div><div class="value" id="slow-drops">–</div></div>
</div>
<section class="card"><h2>Listeners per mount <span class="muted">(up to 5 minutes, updated <span id="updated">–</span>)</span></h2>
<svg id="chart" viewBox="0 0 800 260" preserveAspectRatio="none" role="img" aria-label="Listeners per mount over time"></svg>
<p class="legend" id="legend"></p></section>
<section class="card"><h2>Mounts</h2>
<table><thead><tr><th class="swatch-col"></th><th>Mount</th><th class="num">Listeners</th></tr></thead><tbody id="mounts"></tbody></table>
<p id="no-mounts" class="muted">No mount is on air right now.</p></section>
<section class="card"><h2>Services</h2>
<table><thead><tr><th>Service</th><th>Instance</th><th class="num">CPU</th><th class="num">Memory (RSS)</th><th class="num">Heap</th><th class="num">Uptime</th></tr></thead>
<tbody id="services"></tbody></table></section>`;
  return page({
    title: `${stationName} – monitor`,
    nonce,
    station: stationName,
    body,
    style: STYLE,
    script: SCRIPT,
  });
}
