/**
 * Heartbeats, stat.log and the start-up resync over the in-memory bus: per-instance series that
 * vanish when an instance stops or goes silent, counters fed by heartbeat figures, stat.log
 * lines, and live sources and listeners recovered from the state store and the edges.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  Keys,
  MemoryBus,
  MemoryStateStore,
  decodeControlCommand,
  encodeControlReply,
} from '@penguincast/bus';
import { waitFor } from '@penguincast/testkit';
import { STAT_LOG_HEADER } from '../src/index.js';
import {
  heartbeat,
  linesOf,
  listenerEnd,
  metric,
  publishEvent,
  publishHeartbeat,
  startStats,
  WAIT_MS,
} from './helpers.js';

const T = { timeout: 20_000 };

test('heartbeats drive instance series, figure counters and expiry', T, async () => {
  const bus = new MemoryBus();
  let clock = 1_000_000;
  const stats = await startStats(bus, {
    prefix: 'pc.h1',
    logging: { UseStat: false },
    settings: { expireIntervalMs: 10 },
    now: () => clock,
  });
  try {
    const { subjects, base } = stats;
    const beat = publishHeartbeat.bind(null, bus, subjects);
    const m = (s: string): Promise<number | undefined> => metric(base, s);
    beat(
      heartbeat({
        instanceId: 'edge-1',
        uptimeSeconds: 3,
        figures: { listeners: 0, bytes_sent_total: 1000, slow_listener_drops_total: 0 },
      }),
    );
    // An edge met after this service restarted: its totals are a baseline, not an increase.
    beat(
      heartbeat({ instanceId: 'edge-2', uptimeSeconds: 1000, figures: { bytes_sent_total: 1e9 } }),
    );
    beat(
      heartbeat({ service: 'ingest', instanceId: 'ingest-1', cpuPercent: 40, rssBytes: 1 << 20 }),
    );
    beat(heartbeat({ service: 'Bad Service', instanceId: 'x' }));
    publishEvent(
      bus,
      subjects,
      listenerEnd({ role: 'source', action: 'connect', id: 's', instanceId: 'ingest-1' }),
    );
    for (const id of ['a', 'b', 'c']) {
      publishEvent(bus, subjects, listenerEnd({ action: 'connect', id, instanceId: 'edge-1' }));
    }
    // edge-1 says it has two listeners: the disconnect of the oldest one was lost on the way.
    beat(
      heartbeat({
        instanceId: 'edge-1',
        uptimeSeconds: 8,
        figures: { listeners: 2, bytes_sent_total: 5000, slow_listener_drops_total: 3 },
      }),
    );
    await bus.flush();
    assert.equal(await m('penguincast_station_instances{service="edge"}'), 2);
    assert.equal(await m('penguincast_station_instances{service="ingest"}'), 1);
    assert.equal(
      await m('penguincast_station_instance_cpu_ratio{service="ingest",instance="ingest-1"}'),
      0.4,
    );
    assert.equal(
      await m(
        'penguincast_station_instance_resident_memory_bytes{service="ingest",instance="ingest-1"}',
      ),
      1 << 20,
    );
    assert.equal(await m('penguincast_station_network_transmit_bytes_total'), 5000);
    assert.equal(await m('penguincast_station_slow_listener_drops_total'), 3);
    assert.equal(await m('penguincast_station_ignored_heartbeats_total'), 1);
    assert.equal(await m('penguincast_station_listeners{mount="/live.mp3"}'), 2, 'surplus trimmed');

    beat(heartbeat({ instanceId: 'edge-2', stopping: true }));
    await bus.flush();
    assert.equal(await m('penguincast_station_instances{service="edge"}'), 1);
    assert.equal(
      await m('penguincast_station_instance_cpu_ratio{service="edge",instance="edge-2"}'),
      undefined,
    );

    // Three missed intervals (5 s each) and the grace later, edge-1 and ingest-1 are gone.
    clock += 16_001;
    await waitFor(
      async () => (await m('penguincast_station_instances{service="edge"}')) === 0,
      WAIT_MS,
    );
    assert.equal(await m('penguincast_station_instances_lost_total{service="edge"}'), 1);
    assert.equal(await m('penguincast_station_instances_lost_total{service="ingest"}'), 1);
    assert.equal(
      await m('penguincast_station_listeners{mount="/live.mp3"}'),
      0,
      'its listeners went with it',
    );
    assert.equal(await m('penguincast_station_sources'), 0);
    const text = await (await fetch(`${base}/metrics`)).text();
    assert.ok(!/instance="edge-1"/.test(text), 'no series left for a gone instance');
  } finally {
    await stats.close();
    await bus.close();
  }
});

test(
  'stat.log gets a line every interval: listeners, CPU and memory, per mount and instance',
  T,
  async () => {
    const bus = new MemoryBus();
    const stats = await startStats(bus, {
      prefix: 'pc.h2',
      settings: { statIntervalMs: 40 },
    });
    try {
      const { subjects } = stats;
      publishHeartbeat(
        bus,
        subjects,
        heartbeat({ instanceId: 'edge-1', cpuPercent: 10, rssBytes: 10 * 1024 * 1024 }),
      );
      publishHeartbeat(
        bus,
        subjects,
        heartbeat({
          service: 'ingest',
          instanceId: 'in-1',
          cpuPercent: 2.5,
          rssBytes: 2 * 1024 * 1024,
        }),
      );
      publishEvent(
        bus,
        subjects,
        listenerEnd({
          role: 'source',
          action: 'connect',
          id: 's1',
          mount: '/live.mp3',
          instanceId: 'in-1',
        }),
      );
      publishEvent(
        bus,
        subjects,
        listenerEnd({
          role: 'source',
          action: 'connect',
          id: 's2',
          mount: '/jazz 2.ogg',
          instanceId: 'in-1',
        }),
      );
      for (const id of ['a', 'b', 'c']) {
        publishEvent(
          bus,
          subjects,
          listenerEnd({ action: 'connect', id, mount: id === 'c' ? '/jazz 2.ogg' : '/live.mp3' }),
        );
      }
      await bus.flush();
      const path = join(stats.dir, 'stat.log');
      await waitFor(() => {
        stats.app.flush();
        return linesOf(path).some((l) => l.split('\t')[1] === '3');
      }, WAIT_MS);
      const lines = linesOf(path);
      assert.equal(lines[0], STAT_LOG_HEADER);
      const last = lines.findLast((l) => l.split('\t')[1] === '3') as string;
      const [time, listeners, cpu, mem, mounts, instances] = last.split('\t');
      assert.match(time as string, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(listeners, '3');
      assert.equal(cpu, '12.50');
      assert.equal(mem, String(12 * 1024));
      assert.equal(mounts, '/jazz\\x202.ogg=1 /live.mp3=2');
      assert.equal(instances, 'edge/edge-1=10.00,10240 ingest/in-1=2.50,2048');
      assert.equal(lines[1]?.split('\t').length, 6);
    } finally {
      await stats.close();
      await bus.close();
    }
  },
);

test('a restarted stats service recovers live sources and listeners', T, async () => {
  const bus = new MemoryBus();
  const state = new MemoryStateStore();
  const keys = new Keys('pc');
  await state.setHash(keys.mountInfo('/live.mp3'), { session: 'src-9', instance_id: 'ingest-1' });
  await state.setHash(keys.mountInfo('/gone.mp3'), { title: 'no session: ignored' });
  const edges = ['edge-1', 'edge-2'].map((instanceId, n) =>
    bus.subscribe('pc.r1.ctl.list-clients', (msg) => {
      const cmd = decodeControlCommand(msg.data);
      assert.equal(cmd.type, 'list-clients');
      const clients = [{ id: `l${n}`, ip: '::1', connectedSeconds: 5, bytes: 10 }];
      msg.respond(encodeControlReply({ type: 'list-clients', instanceId, clients }));
    }),
  );
  const stats = await startStats(bus, {
    prefix: 'pc.r1',
    state,
    settings: { resyncTimeoutMs: 100 },
  });
  try {
    await stats.app.resynced;
    const m = (s: string): Promise<number | undefined> => metric(stats.base, s);
    assert.equal(await m('penguincast_station_sources'), 1);
    assert.equal(await m('penguincast_station_listeners{mount="/live.mp3"}'), 2);
    publishEvent(bus, stats.subjects, listenerEnd({ id: 'l1', instanceId: 'edge-2' }));
    publishEvent(
      bus,
      stats.subjects,
      listenerEnd({ role: 'source', id: 'src-9', instanceId: 'ingest-1' }),
    );
    await bus.flush();
    assert.equal(await m('penguincast_station_listeners{mount="/live.mp3"}'), 1);
    assert.equal(await m('penguincast_station_sources'), 0);
  } finally {
    for (const e of edges) {
      e.unsubscribe();
    }
    await stats.close();
    await state.close();
    await bus.close();
  }
});
