/**
 * Checks the monitoring files in deploy/: the Prometheus config and alert rules with promtool
 * (syntax, then the alerts' own unit tests), and the Grafana dashboard against the metric names
 * the stats service really exports, so a renamed metric cannot leave an empty panel behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryBus } from '@penguincast/bus';
import {
  heartbeat,
  listenerEnd,
  promtool,
  publishEvent,
  publishHeartbeat,
  runPromtool,
  startStats,
} from './helpers.js';

const T = { timeout: 30_000 };
const deploy = (p: string): string =>
  fileURLToPath(new URL(`../../../deploy/${p}`, import.meta.url));

/** Metrics of the edges and ingests the dashboard and alerts use (not exported by stats). */
const SERVICE_METRICS = new Set([
  'penguincast_time_to_first_byte_seconds',
  'penguincast_ingest_to_edge_latency_seconds',
  'penguincast_slow_listener_drops_total',
]);

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Array<{ expr: string; refId: string; datasource: { uid: string } }>;
}

/** Metric base names in an expression (histogram suffixes folded into their family). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\bpenguincast_[a-z0-9_]+/g)].map((m) =>
    m[0].replace(/_(bucket|sum|count)$/, ''),
  );
}

test(
  'prometheus.yml and alerts.yml pass promtool, and the alerts fire as their tests say',
  T,
  (t) => {
    const bin = promtool(t);
    if (!bin) {
      return;
    }
    for (const args of [
      ['check', 'config', deploy('prometheus/prometheus.yml')],
      ['check', 'rules', deploy('prometheus/alerts.yml')],
      ['test', 'rules', deploy('prometheus/alerts.test.yml')],
    ]) {
      const res = runPromtool(bin, args);
      assert.equal(res.status, 0, `promtool ${args.slice(0, 2).join(' ')}: ${res.output}`);
    }
    const config = readFileSync(deploy('prometheus/prometheus.yml'), 'utf8');
    for (const target of ['ingest:8001', 'admin:8080', 'stats:9100']) {
      assert.ok(config.includes(`'${target}'`), target);
    }
    assert.match(config, /names: \['edge'\]\s+type: A\s+port: 8000/);
  },
);

test('the dashboard is well formed and uses only metrics that exist', T, async () => {
  const dash = JSON.parse(readFileSync(deploy('grafana/dashboards/penguincast.json'), 'utf8')) as {
    uid: string;
    panels: Panel[];
    templating: { list: Array<{ name: string }> };
  };
  const dsYaml = readFileSync(deploy('grafana/provisioning/datasources/prometheus.yml'), 'utf8');
  const uid = /uid: (\S+)/.exec(dsYaml)?.[1];
  assert.equal(uid, 'penguincast-prometheus');
  const provider = readFileSync(deploy('grafana/provisioning/dashboards/penguincast.yml'), 'utf8');
  assert.match(provider, /path: \/var\/lib\/grafana\/dashboards\/penguincast/);

  const ids = dash.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'unique panel ids');
  for (const p of dash.panels) {
    assert.equal(p.datasource.uid, uid, p.title);
    assert.ok(p.targets.length > 0, p.title);
    assert.ok(p.gridPos.w > 0 && p.gridPos.h > 0 && p.gridPos.x + p.gridPos.w <= 24, p.title);
    for (const target of p.targets) {
      assert.equal(target.datasource.uid, uid, p.title);
    }
  }
  const titles = dash.panels.map((p) => p.title.toLowerCase()).join('|');
  for (const want of [
    'listeners per mount',
    'bandwidth in and out',
    'sources',
    'time to first byte p99',
    'ingest-to-edge latency p99',
    'slow-listener drops',
    'cpu per service',
    'memory per service',
  ]) {
    assert.ok(titles.includes(want), `a panel for ${want}`);
  }

  // The names the stats service exports, with every label series present.
  const bus = new MemoryBus();
  const stats = await startStats(bus, { prefix: 'pc.d1' });
  let exported: Set<string>;
  try {
    publishEvent(bus, stats.subjects, listenerEnd({ role: 'source', action: 'connect', id: 's' }));
    publishEvent(bus, stats.subjects, listenerEnd({ id: 'l' }));
    publishHeartbeat(
      bus,
      stats.subjects,
      heartbeat({ uptimeSeconds: 1, figures: { bytes_sent_total: 1 } }),
    );
    await bus.flush();
    const text = await (await fetch(`${stats.base}/metrics`)).text();
    exported = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
  } finally {
    await stats.close();
    await bus.close();
  }
  const alerts = readFileSync(deploy('prometheus/alerts.yml'), 'utf8');
  const used = [
    ...dash.panels.flatMap((p) => p.targets.flatMap((x) => metricNames(x.expr))),
    ...metricNames(alerts),
  ];
  for (const name of used) {
    assert.ok(
      exported.has(name) || SERVICE_METRICS.has(name),
      `${name} is exported by some service`,
    );
  }
  assert.ok(used.includes('penguincast_station_listeners'));
  assert.deepEqual(
    dash.templating.list.map((v) => v.name),
    ['mount'],
  );
});
