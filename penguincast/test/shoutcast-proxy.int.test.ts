/**
 * A SHOUTcast v1 source through an edge in distributed mode: the edge proxies the raw bytes to
 * ingest's SHOUTcast port behind a PROXY protocol line, so ingest (and everything it announces)
 * names the encoder's own address, not the edge's. Real sockets, real ingest and edge over the
 * in-memory bus; the encoder connects from another loopback address than the edge uses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import {
  MemoryBus,
  MemoryStateStore,
  Subjects,
  decodeSourceAnnouncement,
  type SourceAnnouncement,
} from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { createEdge, parseConfig as edgeConfig, type EdgeApp } from '@penguincast/edge';
import { createIngest, parseConfig as ingestConfig, type IngestApp } from '@penguincast/ingest';
import { createRegistry } from '@penguincast/runtime';
import { rawClient, waitFor } from '@penguincast/testkit';

const bus = new MemoryBus();
const state = new MemoryStateStore();
const log = pino({ level: 'silent' });
const announcements: SourceAnnouncement[] = [];
let ingest: IngestApp;
let edge: EdgeApp;

before(async () => {
  const config = parseStationConfig({
    Host: '127.0.0.1',
    Auth: { AdminPassword: 'adminpw' },
    Mounts: [{ Name: '/shout.mp3', Password: 'shoutpw' }],
  });
  const deps = { config, log, bus, state, instanceId: 'proxy-test' };
  ingest = createIngest({
    ...deps,
    registry: createRegistry('ingest', 'proxy-test'),
    settings: { ...ingestConfig(config, { port: 0 }), host: '127.0.0.1' },
  });
  await ingest.start();
  edge = createEdge({
    ...deps,
    registry: createRegistry('edge', 'proxy-test'),
    settings: {
      ...edgeConfig(config),
      host: '127.0.0.1',
      port: 0,
      shoutcastPort: 0,
      ingest: { host: '127.0.0.1', port: ingest.port },
      ingestShoutcast: { host: '127.0.0.1', port: ingest.shoutcastPort },
    },
  });
  await edge.start();
  bus.subscribe(new Subjects('pc').allSource(), (m) => {
    announcements.push(decodeSourceAnnouncement(m.data));
  });
});

after(async () => {
  await edge.stop();
  await ingest.stop();
  await bus.close();
  await state.close();
});

test('ingest sees the address of an encoder proxied by the edge', { timeout: 15_000 }, async () => {
  const encoder = await rawClient(edge.shoutcastPort, undefined, '127.0.0.42');
  try {
    encoder.socket.write('shoutpw\r\n');
    assert.match(await encoder.waitFor(/OK2/), /^OK2\r\n/);
    encoder.socket.write('icy-name:Proxied Shout\r\n\r\n');
    await waitFor(() => announcements.some((a) => a.state === 'up'), 5000, 'the source up').catch(
      () => undefined,
    );
    const up = announcements.find((a) => a.mount === '/shout.mp3' && a.state === 'up');
    assert.ok(up, 'the source went up');
    assert.equal(up.sourceIp, '127.0.0.42');
    assert.equal(up.info['ice-name'], 'Proxied Shout');
  } finally {
    encoder.destroy();
  }
});
