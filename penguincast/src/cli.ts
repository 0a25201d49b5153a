/**
 * The `penguincast` command: `penguincast [--config FILE]` runs the single process;
 * `penguincast ingest|edge|admin|stats [--config FILE]` runs one service joined to the others by
 * NATS and Redis. The composition root of the all-in-one: only here are argv and env read.
 */
import { parseCliArgs, runService, type RunServiceOptions } from '@penguincast/runtime';
import { createAdmin, parseConfig as adminConfig } from '@penguincast/admin';
import { createEdge, parseConfig as edgeConfig } from '@penguincast/edge';
import { createIngest, parseConfig as ingestConfig } from '@penguincast/ingest';
import { createStats, parseConfig as statsConfig } from '@penguincast/stats';
import { createStation } from './station.js';

const USAGE = `usage: penguincast [ingest|edge|admin|stats] [--config config.json]

  (no service)  every service in one process on Socket.Port, in-memory bus and state
                unless PENGUINCAST_NATS_URL / PENGUINCAST_REDIS_URL are set
  ingest        sources in (PUT, SOURCE, SHOUTcast v1) on Cluster.IngestPort
  edge          listeners and the public front door on Socket.Port
  admin         admin API, status and pages on Cluster.AdminPort
  stats         logs and metrics on Cluster.StatsPort
A lone service needs PENGUINCAST_NATS_URL and PENGUINCAST_REDIS_URL.
`;

const SERVICES: Record<string, RunServiceOptions['create']> = {
  ingest: (d) => createIngest({ ...d, settings: ingestConfig(d.config, { listen: true }) }),
  edge: (d) => createEdge({ ...d, settings: edgeConfig(d.config) }),
  admin: (d) => createAdmin({ ...d, settings: adminConfig(d.config) }),
  stats: (d) => createStats({ ...d, settings: statsConfig(d.config) }),
};

const argv = process.argv.slice(2);
let args;
try {
  args = parseCliArgs(argv, process.env);
} catch (err) {
  process.stderr.write(`penguincast: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const [name, ...extra] = args.positionals;
if (extra.length > 0 || (name !== undefined && SERVICES[name] === undefined)) {
  process.stderr.write(`penguincast: unknown service ${JSON.stringify(name)}\n${USAGE}`);
  process.exit(2);
}
await runService({
  service: name ?? 'penguincast',
  argv,
  env: process.env,
  requireCluster: name !== undefined,
  create: name !== undefined ? (SERVICES[name] as RunServiceOptions['create']) : createStation,
});
