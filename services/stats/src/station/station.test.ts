/**
 * Unit tests of the station model: bounded mount labels, refused connections never live,
 * duplicate events counted once, and a resync that cannot revive a connection that ended.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConnectionEvent } from '@penguincast/bus';
import { MOUNT_OTHER, Station, type StationObserver } from './station.js';

const T = { timeout: 5000 };

function evt(over: Partial<ConnectionEvent>): ConnectionEvent {
  return {
    role: 'listener',
    action: 'connect',
    mount: '/a',
    id: '1',
    ip: '::1',
    request: 'GET /a HTTP/1.1',
    status: 200,
    bytes: 0,
    seconds: 0,
    instanceId: 'edge-1',
    timestampMs: 0,
    ...over,
  };
}

function recorder(): { observer: StationObserver; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    observer: {
      mountAdded: (m) => calls.push(`mount ${m}`),
      listenerConnected: (m) => calls.push(`connect ${m}`),
      listenerEnded: (m, b, s) => calls.push(`end ${m} ${b} ${s}`),
      sourceEnded: (m, b) => calls.push(`source-end ${m} ${b}`),
      figureIncreased: (n, d) => calls.push(`figure ${n} ${d}`),
      instanceGone: (i, lost, n) => calls.push(`gone ${i.instanceId} ${lost} ${n}`),
    },
  };
}

test('mount labels are bounded to mounts that had a source, up to the cap', T, () => {
  const { observer, calls } = recorder();
  const station = new Station({ now: () => 0, maxMounts: 2, observer });
  for (const mount of ['/a', '/b', '/c']) {
    station.apply(evt({ role: 'source', id: `s${mount}`, mount, instanceId: 'ingest-1' }));
  }
  assert.deepEqual(station.mounts(), ['/a', '/b']);
  assert.equal(station.mountLabel('/c'), MOUNT_OTHER);
  station.apply(evt({ id: 'l1', mount: '/c' }));
  station.apply(evt({ id: 'l1', mount: '/c' }));
  station.apply(evt({ id: 'l2', mount: '/a', status: 403 }));
  assert.deepEqual(
    [...station.listenersByMount()],
    [
      ['/a', 0],
      ['/b', 0],
      [MOUNT_OTHER, 1],
    ],
  );
  assert.equal(station.sourceCount(), 3);
  station.apply(evt({ id: 'l1', mount: '/c', action: 'disconnect', bytes: 5, seconds: 2 }));
  station.apply(evt({ id: 'zz', mount: '/a', action: 'disconnect', status: 404 }));
  assert.deepEqual(calls, [
    'mount /a',
    'mount /b',
    `connect ${MOUNT_OTHER}`,
    `end ${MOUNT_OTHER} 5 2`,
  ]);
  assert.equal(station.listenerTotal(), 0);
});

test('a resync cannot revive a connection that ended while it ran', T, () => {
  const station = new Station({ now: () => 0 });
  station.beginResync();
  station.apply(evt({ id: 'gone', action: 'disconnect' }));
  assert.equal(station.seed('listener', 'gone', '/a', 'edge-1'), false);
  assert.equal(station.seed('listener', 'live', '/a', 'edge-1'), true);
  assert.equal(station.seed('listener', 'live', '/a', 'edge-1'), false);
  station.endResync();
  assert.equal(station.listenerTotal(), 1);
});
