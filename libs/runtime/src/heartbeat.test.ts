/**
 * Unit tests of the heartbeat publisher over the in-memory bus, and of the root logger's extra
 * destinations (the hook the error.log writer uses).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import {
  MemoryBus,
  Subjects,
  decodeServiceHeartbeat,
  type ServiceHeartbeat,
} from '@penguincast/bus';
import { waitFor } from '@penguincast/testkit';
import { startHeartbeat } from './heartbeat.js';
import { createRootLogger } from './logger.js';
import { createRegistry } from './metrics.js';

const T = { timeout: 10_000 };

function collect(): { stream: Writable; text: () => string } {
  let out = '';
  return {
    stream: new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    }),
    text: () => out,
  };
}

test('heartbeats carry resources and figures, and the last one says stopping', T, async () => {
  const bus = new MemoryBus();
  const subjects = new Subjects('pc.hb');
  const got: ServiceHeartbeat[] = [];
  bus.subscribe(subjects.heartbeat(), (m) => got.push(decodeServiceHeartbeat(m.data)));
  const registry = createRegistry('edge', 'e1');
  let listeners = 3;
  const stop = startHeartbeat({
    bus,
    subjects,
    service: 'edge',
    instanceId: 'e1',
    registry,
    intervalMs: 20,
    extra: () => ({ listeners, 'Bad Name': 1, negative: -1, nan: Number.NaN }),
    now: () => 1_700_000_000_000,
  });
  // Burn a little CPU so the percentage is above zero.
  const until = Date.now() + 30;
  while (Date.now() < until) {
    Math.sqrt(Math.random());
  }
  listeners = 5;
  await waitFor(() => got.length >= 3, 5_000, 'three heartbeats');
  stop();
  stop();
  await bus.flush();
  assert.ok(got.length >= 3, `${got.length} heartbeats`);
  const first = got[0] as ServiceHeartbeat;
  assert.equal(first.service, 'edge');
  assert.equal(first.instanceId, 'e1');
  assert.equal(first.intervalMs, 20);
  assert.equal(first.timestampMs, 1_700_000_000_000);
  assert.deepEqual(first.figures, { listeners: 3 });
  assert.ok(first.rssBytes > 0 && first.heapUsedBytes > 0 && first.uptimeSeconds > 0);
  assert.ok(got.some((h) => h.cpuPercent > 0));
  const last = got.at(-1) as ServiceHeartbeat;
  assert.equal(last.stopping, true);
  assert.deepEqual(last.figures, { listeners: 5 });
  assert.equal(got.filter((h) => h.stopping).length, 1, 'stop is idempotent');
  const text = await registry.metrics();
  assert.match(text, new RegExp(`penguincast_heartbeats_published_total\\{[^}]*\\} ${got.length}`));
  await bus.close();
});

test('a throwing figures callback is counted and logged once, not thrown', T, async () => {
  const bus = new MemoryBus();
  const logs = collect();
  const log = createRootLogger({ service: 'x', instance: 'i', destination: logs.stream });
  const registry = createRegistry('x', 'i');
  const stop = startHeartbeat({
    bus,
    subjects: new Subjects(),
    service: 'x',
    instanceId: 'i',
    registry,
    intervalMs: 10,
    log,
    extra: () => {
      throw new Error('boom');
    },
  });
  await waitFor(
    async () =>
      /penguincast_heartbeat_failures_total\{[^}]*\} [3-9]/.test(await registry.metrics()),
    5_000,
    'three failed heartbeats',
  );
  stop();
  assert.equal(logs.text().match(/heartbeat not published/g)?.length, 1);
  assert.match(await registry.metrics(), /penguincast_heartbeat_failures_total\{[^}]*\} [3-9]/);
  assert.throws(
    () =>
      startHeartbeat({
        bus,
        subjects: new Subjects(),
        service: 'x',
        instanceId: 'i',
        intervalMs: 0,
      }),
    TypeError,
  );
  await bus.close();
});

test('extra destinations receive the same redacted lines at the logger level', T, () => {
  const main = collect();
  const extra = collect();
  const log = createRootLogger({
    service: 'edge',
    instance: 'i1',
    loglevel: 4,
    destination: main.stream,
    extraDestinations: [extra.stream],
  });
  log.debug({ password: 'pw' }, 'GET /admin.cgi?pass=secret');
  log.error('bad');
  const lines = extra
    .text()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(main.text(), extra.text());
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.['level'], 20);
  assert.equal(lines[0]?.['password'], '***');
  assert.equal(lines[0]?.['msg'], 'GET /admin.cgi?pass=***');
  assert.equal(lines[1]?.['service'], 'edge');
});
