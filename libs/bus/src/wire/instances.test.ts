/**
 * Unit tests of the heartbeat instance model: liveness with the clock passed in, expiry after
 * three missed intervals plus the grace, clean stops, the instance bound, listings and rates.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HEARTBEAT_GRACE_MS, InstanceTable, figureRate, isInstanceExpired } from './instances.js';
import type { ServiceHeartbeat } from './messages.js';

const T = { timeout: 5000 };

function beat(over: Partial<ServiceHeartbeat> = {}): ServiceHeartbeat {
  return {
    service: 'edge',
    instanceId: 'edge-1',
    timestampMs: 0,
    intervalMs: 1000,
    uptimeSeconds: 10,
    cpuPercent: 5,
    rssBytes: 100,
    heapUsedBytes: 50,
    heapTotalBytes: 80,
    figures: { listeners: 2 },
    ...over,
  };
}

describe('InstanceTable', () => {
  it('keeps the last heartbeat of each instance with its arrival time', T, () => {
    const table = new InstanceTable();
    const first = table.record(beat(), 100);
    assert.equal(first.kind, 'live');
    assert.equal(first.kind === 'live' ? first.previous : null, undefined);
    const second = table.record(beat({ cpuPercent: 7, figures: { listeners: 3 } }), 200);
    assert.ok(second.kind === 'live');
    assert.equal(second.previous?.cpuPercent, 5);
    assert.deepEqual(second.instance, {
      service: 'edge',
      instanceId: 'edge-1',
      lastSeenMs: 200,
      timestampMs: 0,
      intervalMs: 1000,
      uptimeSeconds: 10,
      cpuPercent: 7,
      rssBytes: 100,
      heapUsedBytes: 50,
      heapTotalBytes: 80,
      figures: { listeners: 3 },
    });
    assert.equal(table.size, 1);
  });

  it('copies the figures, so a later change of the message does not leak in', T, () => {
    const table = new InstanceTable();
    const msg = beat();
    table.record(msg, 0);
    msg.figures['listeners'] = 99;
    assert.equal(table.list()[0]?.figures['listeners'], 2);
  });

  it('expires an instance only past three missed intervals plus the grace', T, () => {
    const table = new InstanceTable();
    table.record(beat(), 1000);
    const limit = 1000 + 3 * 1000 + HEARTBEAT_GRACE_MS;
    assert.deepEqual(table.expired(limit), []);
    assert.deepEqual(table.expire(limit), []);
    assert.equal(table.size, 1);
    const [inst] = table.list();
    assert.ok(inst);
    assert.equal(isInstanceExpired(inst, limit), false);
    assert.equal(isInstanceExpired(inst, limit + 1), true);
    assert.deepEqual(
      table.expired(limit + 1).map((i) => i.instanceId),
      ['edge-1'],
    );
    assert.equal(table.size, 1, 'expired() only lists');
    assert.deepEqual(
      table.expire(limit + 1).map((i) => i.instanceId),
      ['edge-1'],
    );
    assert.equal(table.size, 0);
  });

  it('forgets an instance that says it is stopping', T, () => {
    const table = new InstanceTable();
    table.record(beat(), 0);
    const out = table.record(beat({ stopping: true }), 10);
    assert.equal(out.kind, 'stopped');
    assert.equal(out.kind === 'stopped' ? out.previous?.instanceId : null, 'edge-1');
    assert.equal(table.size, 0);
    const unknown = table.record(beat({ instanceId: 'edge-9', stopping: true }), 10);
    assert.deepEqual(unknown, { kind: 'stopped', previous: undefined });
  });

  it('refuses new instances beyond the bound but keeps updating known ones', T, () => {
    const table = new InstanceTable({ maxInstances: 1 });
    assert.equal(table.record(beat(), 0).kind, 'live');
    assert.deepEqual(table.record(beat({ instanceId: 'edge-2' }), 0), { kind: 'refused' });
    assert.equal(table.record(beat(), 5).kind, 'live');
    assert.equal(table.size, 1);
  });

  it('keys by service and id, and tells whether an id runs under any service', T, () => {
    const table = new InstanceTable();
    table.record(beat({ service: 'ingest', instanceId: 'x' }), 0);
    table.record(beat({ service: 'edge', instanceId: 'x' }), 0);
    table.record(beat({ service: 'admin', instanceId: 'b' }), 0);
    table.record(beat({ service: 'admin', instanceId: 'a' }), 0);
    assert.deepEqual(
      table.list().map((i) => `${i.service}/${i.instanceId}`),
      ['admin/a', 'admin/b', 'edge/x', 'ingest/x'],
    );
    const edge = table.list().find((i) => i.service === 'edge');
    assert.ok(edge);
    assert.equal(table.remove(edge), true);
    assert.equal(table.remove(edge), false);
    assert.equal(table.hasInstanceId('x'), true);
    assert.equal(table.hasInstanceId('nope'), false);
  });

  it('counts instances per service, with zero for services seen before', T, () => {
    const table = new InstanceTable();
    table.record(beat({ service: 'stats', instanceId: 's' }), 0);
    table.record(beat({ service: 'edge', instanceId: 'e1' }), 0);
    table.record(beat({ service: 'edge', instanceId: 'e2' }), 0);
    table.record(beat({ service: 'stats', instanceId: 's', stopping: true }), 0);
    assert.deepEqual(
      [...table.countByService()],
      [
        ['edge', 2],
        ['stats', 0],
      ],
    );
  });
});

describe('figureRate', () => {
  const prev = {
    ...beat({ timestampMs: 1000, figures: { bytes_sent_total: 1000 } }),
    lastSeenMs: 0,
  };

  it('is the per-second increase between two heartbeats, rounded', T, () => {
    const next = beat({ timestampMs: 3000, figures: { bytes_sent_total: 4001 } });
    assert.equal(figureRate(prev, next, 'bytes_sent_total'), 1501);
  });

  it('is undefined when it cannot be told', T, () => {
    const later = (figures: Record<string, number>, timestampMs = 3000): ServiceHeartbeat =>
      beat({ timestampMs, figures });
    assert.equal(
      figureRate(undefined, later({ bytes_sent_total: 5 }), 'bytes_sent_total'),
      undefined,
    );
    assert.equal(figureRate(prev, later({}), 'bytes_sent_total'), undefined);
    assert.equal(figureRate(prev, later({ bytes_sent_total: 10 }), 'bytes_sent_total'), undefined);
    assert.equal(
      figureRate(prev, later({ bytes_sent_total: 2000 }, 1000), 'bytes_sent_total'),
      undefined,
    );
    assert.equal(
      figureRate({ ...prev, figures: {} }, later({ bytes_sent_total: 2000 }), 'bytes_sent_total'),
      undefined,
    );
  });
});
