/**
 * Composition root of the admin service run as its own process (`penguincast admin`): the only
 * place that reads the environment, listens and handles signals.
 */
import { runService } from '@penguincast/runtime';
import { createAdmin } from './app.js';
import { parseConfig } from './config.js';

await runService({
  service: 'admin',
  argv: process.argv.slice(2),
  env: process.env,
  requireCluster: true,
  create: (deps) => createAdmin({ ...deps, settings: parseConfig(deps.config) }),
});
