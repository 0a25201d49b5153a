/**
 * Composition root of the stats service run as its own process (`penguincast stats`): the only
 * place that reads the environment, listens and handles signals (SIGHUP, heartbeat and
 * error.log come from `runService`).
 */
import { runService } from '@penguincast/runtime';
import { createStats } from './app.js';
import { parseConfig } from './config.js';

await runService({
  service: 'stats',
  argv: process.argv.slice(2),
  env: process.env,
  requireCluster: true,
  create: (deps) => createStats({ ...deps, settings: parseConfig(deps.config) }),
});
