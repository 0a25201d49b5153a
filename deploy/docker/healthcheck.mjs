/**
 * The image's HEALTHCHECK: finds which `penguincast` service this container runs (from the
 * command line of its process), reads that service's port from the same config and environment
 * the service read, and asks its `/healthz`. Exits 0 when it answers 200, 1 otherwise. It only
 * reads; it never changes the service.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { bindAddress, loadStationConfig } from '@penguincast/config';

const SERVICES = new Set(['ingest', 'edge', 'admin', 'stats']);

/** The argv of the running `penguincast` process (pid 1 unless an init runs in front of it). */
function penguincastArgv() {
  const pids = ['1', ...readdirSync('/proc').filter((p) => /^\d+$/.test(p) && p !== '1')];
  for (const pid of pids) {
    let argv;
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue;
    }
    const at = argv.findIndex((a) => a.endsWith('penguincast.js') || a.endsWith('cli.js'));
    if (at >= 0) {
      return argv.slice(at + 1);
    }
  }
  throw new Error('no penguincast process found');
}

try {
  const args = penguincastArgv();
  const service = args.find((a) => SERVICES.has(a));
  const flag = args.findIndex((a) => a === '--config' || a === '-c');
  const configPath =
    (flag >= 0 ? args[flag + 1] : undefined) ??
    args.find((a) => a.startsWith('--config='))?.slice('--config='.length) ??
    process.env.PENGUINCAST_CONFIG ??
    'config.json';
  const config = loadStationConfig(configPath, process.env);
  const port =
    service === 'ingest'
      ? config.Cluster.IngestPort
      : service === 'admin'
        ? config.Cluster.AdminPort
        : service === 'stats'
          ? config.Cluster.StatsPort
          : config.Socket.Port;
  // A wildcard bind answers on loopback; a specific address only on itself.
  const bound = bindAddress(config);
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
  const res = await globalThis.fetch(url, { signal: AbortSignal.timeout(4000) });
  await res.body?.cancel();
  if (res.status !== 200) {
    process.stderr.write(`healthcheck: ${url} answered ${res.status}\n`);
    process.exit(1);
  }
  process.exit(0);
} catch (err) {
  process.stderr.write(`healthcheck: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
