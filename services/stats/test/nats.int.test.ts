/**
 * The stats service on a real nats-server: connection events and heartbeats published by another
 * connection (as an edge and an ingest would) reach access.log and /metrics. The server is a
 * spawned process on loopback, stopped by its pid.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { connectNatsBus, type Bus } from '@penguincast/bus';
import { startNats, waitFor, type RestartableServerHandle } from '@penguincast/testkit';
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

const T = { timeout: 30_000 };
let nats: RestartableServerHandle;

before(async () => {
  nats = await startNats();
}, T);

after(async () => {
  await nats.stop();
}, T);

test('events from another NATS connection become access.log lines and metrics', T, async () => {
  const statsBus: Bus = await connectNatsBus({ servers: nats.url, name: 'stats-test' });
  const edgeBus: Bus = await connectNatsBus({ servers: nats.url, name: 'edge-test' });
  const stats = await startStats(statsBus, { prefix: 'pc.n1' });
  try {
    await statsBus.flush();
    const { subjects } = stats;
    publishEvent(
      edgeBus,
      subjects,
      listenerEnd({
        role: 'source',
        action: 'connect',
        id: 'src',
        instanceId: 'ingest-1',
        request: 'SOURCE /live.mp3 HTTP/1.0',
      }),
    );
    for (let i = 0; i < 5; i++) {
      publishEvent(edgeBus, subjects, listenerEnd({ action: 'connect', id: `n${i}` }));
    }
    for (let i = 0; i < 3; i++) {
      publishEvent(
        edgeBus,
        subjects,
        listenerEnd({
          id: `n${i}`,
          bytes: 1000 * (i + 1),
          seconds: 10 * (i + 1),
          request: `GET /live.mp3?id=${i}&pass=secret HTTP/1.1`,
          userAgent: `Player "${i}"\r\nforged`,
        }),
      );
    }
    publishHeartbeat(
      edgeBus,
      subjects,
      heartbeat({ uptimeSeconds: 1, figures: { slow_listener_drops_total: 2 } }),
    );
    await edgeBus.flush();
    const path = join(stats.dir, 'access.log');
    await waitFor(() => {
      stats.app.flush();
      return existsSync(path) && linesOf(path).length === 3;
    }, WAIT_MS);
    const lines = linesOf(path);
    lines.forEach((line, i) => {
      assert.equal(
        line,
        `127.0.0.1 - - [21/Nov/2026:05:30:28 +0000] "GET /live.mp3 HTTP/1.1" 200 ${1000 * (i + 1)} ` +
          `"-" "Player \\"${i}\\"\\r\\nforged" ${10 * (i + 1)}`,
      );
    });
    await waitFor(
      async () => (await metric(stats.base, 'penguincast_station_slow_listener_drops_total')) === 2,
      WAIT_MS,
    );
    assert.equal(await metric(stats.base, 'penguincast_station_listeners{mount="/live.mp3"}'), 2);
    assert.equal(
      await metric(stats.base, 'penguincast_station_bytes_sent_total{mount="/live.mp3"}'),
      6000,
    );
    assert.equal(
      await metric(stats.base, 'penguincast_station_listener_connects_total{mount="/live.mp3"}'),
      5,
    );
    assert.equal(await metric(stats.base, 'penguincast_station_instances{service="edge"}'), 1);
  } finally {
    await stats.close();
    await edgeBus.close();
    await statsBus.close();
  }
});
