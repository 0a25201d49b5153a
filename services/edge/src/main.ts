/**
 * Composition root of the edge service run as its own process (`penguincast edge`): the only
 * place that reads the environment, listens and handles signals (heartbeat, SIGHUP and
 * error.log come from `runService`).
 */
import { runService } from '@penguincast/runtime';
import { createEdge } from './app.js';
import { parseConfig } from './config.js';

await runService({
  service: 'edge',
  argv: process.argv.slice(2),
  env: process.env,
  requireCluster: true,
  create: (deps) => createEdge({ ...deps, settings: parseConfig(deps.config) }),
});
