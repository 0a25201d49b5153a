import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBus, MemoryStateStore } from '@penguincast/bus';
import { parseStationConfig } from '@penguincast/config';
import { createRegistry, createRootLogger } from '@penguincast/runtime';
import { Writable } from 'node:stream';
import { createAdmin } from '../src/app.js';
import { parseConfig } from '../src/config.js';

test(
  'the admin service answers health, readiness and metrics on its port',
  { timeout: 10_000 },
  async () => {
    const config = parseStationConfig({ Auth: { AdminPassword: 'pw' }, Host: '127.0.0.1' });
    const settings = { ...parseConfig(config), port: 0 };
    const bus = new MemoryBus();
    const state = new MemoryStateStore();
    const log = createRootLogger({
      service: 'admin',
      instance: 't',
      destination: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const app = createAdmin({
      config,
      log,
      bus,
      state,
      registry: createRegistry('admin', 't'),
      instanceId: 't',
      settings,
    });
    await app.start();
    try {
      const base = `http://127.0.0.1:${app.port}`;
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      assert.match(await (await fetch(`${base}/metrics`)).text(), /penguincast_process_/);
      assert.equal(parseConfig(config, { listen: false }).listen, false);
    } finally {
      await app.stop();
      await bus.close();
      await state.close();
    }
  },
);
