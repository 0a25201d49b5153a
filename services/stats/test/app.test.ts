/**
 * The stats service shell: health, readiness and metrics on its own port, and the settings it
 * derives from the station config.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBus } from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { errorLogOptions } from '@penguincast/runtime';
import { parseConfig } from '../src/config.js';
import { startStats } from './helpers.js';

test(
  'the stats service answers health, readiness and metrics on its port',
  { timeout: 10_000 },
  async () => {
    const bus = new MemoryBus();
    const stats = await startStats(bus, { prefix: 'pc.app' });
    try {
      assert.equal((await fetch(`${stats.base}/healthz`)).status, 200);
      assert.equal((await fetch(`${stats.base}/readyz`)).status, 200);
      const text = await (await fetch(`${stats.base}/metrics`)).text();
      assert.match(text, /penguincast_process_/);
      assert.match(text, /penguincast_station_sources\{/);
    } finally {
      await stats.close();
      await bus.close();
    }
  },
);

test('settings come from Paths.Log and Logging', { timeout: 5000 }, () => {
  const config = parseStationConfig({
    Auth: { AdminPassword: 'pw' },
    Paths: { Log: '/var/log/pc' },
    Logging: { Loglevel: 2, Logsize: 50000, LogArchives: 3, UseStat: false, StatInterval: 30 },
  });
  const s = parseConfig(config, { listen: false });
  assert.equal(s.listen, false);
  assert.equal(s.accessLogPath, '/var/log/pc/access.log');
  assert.equal(s.statLogPath, null);
  assert.equal(s.maxLogBytes, 50000 * 1024);
  assert.equal(s.logArchives, 3);
  assert.equal(s.statIntervalMs, 30_000);
  assert.equal(s.port, 9100);
  assert.deepEqual(errorLogOptions(config, 'error-edge.log'), {
    path: '/var/log/pc/error-edge.log',
    loglevel: 2,
    maxBytes: 50000 * 1024,
    archives: 3,
  });
  assert.equal(
    parseConfig(parseStationConfig({ Auth: { AdminPassword: 'pw' } })).statLogPath,
    'log/stat.log',
  );
});
