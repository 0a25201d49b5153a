/**
 * Runs the contract suites against real servers: a nats-server and a redis-server spawned by
 * the test kit on free loopback ports, stopped (and awaited) after the suites.
 */
import { after, before } from 'node:test';
import { startNats, startRedis, type RestartableServerHandle } from '@penguincast/testkit';
import { connectNatsBus, connectRedisStateStore } from '../src/index.js';
import { busContract, stateContract } from './contract.js';

let nats: RestartableServerHandle | undefined;
let redis: RestartableServerHandle | undefined;

before(async () => {
  // allSettled, so a server that did start is still stopped in after() if the other failed.
  const [n, r] = await Promise.allSettled([startNats(), startRedis()]);
  nats = n.status === 'fulfilled' ? n.value : undefined;
  redis = r.status === 'fulfilled' ? r.value : undefined;
  for (const res of [n, r]) {
    if (res.status === 'rejected') {
      throw res.reason;
    }
  }
});

after(async () => {
  await Promise.all([nats?.stop(), redis?.stop()]);
});

function need(h: RestartableServerHandle | undefined): RestartableServerHandle {
  if (!h) {
    throw new Error('server did not start');
  }
  return h;
}

busContract('NatsBus', async ({ onError }) =>
  connectNatsBus({ servers: need(nats).url, name: 'contract', onError }),
);

stateContract('RedisStateStore', async () => ({
  store: await connectRedisStateStore({ url: need(redis).url }),
  advance: (ms) => new Promise((r) => setTimeout(r, ms)),
}));
