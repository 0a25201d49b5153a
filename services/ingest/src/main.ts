/**
 * Composition root of the ingest service run as its own process (`penguincast ingest`): the only
 * place that reads the environment, listens and handles signals.
 */
import { runService } from '@penguincast/runtime';
import { createIngest } from './app.js';
import { parseConfig } from './config.js';

await runService({
  service: 'ingest',
  argv: process.argv.slice(2),
  env: process.env,
  requireCluster: true,
  create: (deps) => createIngest({ ...deps, settings: parseConfig(deps.config) }),
});
