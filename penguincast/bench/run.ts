/**
 * `npm run bench`: starts the single process (or, with `--cluster`, nats-server, redis-server,
 * one ingest and one edge), a real-time 128 kb/s MP3 source (ffmpeg), and N listeners spread
 * over listener-generator processes; then prints server CPU-ms per listener-minute, RSS per
 * listener, time to first byte p50/p99, source-to-listener latency p50/p99 (titles carry their
 * send time), framing errors and the clean-start ratio. Bounded in time; stops what it started.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  freePort,
  freePortPair,
  makeTestAudio,
  startFfmpegSource,
  startNats,
  startRedis,
  type RestartableServerHandle,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from '../test/harness.js';
import type { WorkerReport } from './listener-worker.js';

const { values } = parseArgs({
  options: {
    listeners: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    ramp: { type: 'string', default: '20' },
    workers: { type: 'string', default: '4' },
    cluster: { type: 'boolean', default: false },
  },
});
const N = Number(values.listeners);
const HOLD_S = Number(values.seconds);
const RAMP_S = Number(values.ramp);
const WORKERS = Math.max(1, Math.min(Number(values.workers), N));
const MOUNT = '/bench.mp3';
const WORKER = fileURLToPath(new URL('./listener-worker.ts', import.meta.url));

/** CPU time (ms) and RSS (bytes) of a process, from /proc. */
function usage(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuMs: (ticks * 1000) / 100, rss: rssPages * 4096 };
}

function sumUsage(pids: number[]): { cpuMs: number; rss: number } {
  return pids.map(usage).reduce((a, b) => ({ cpuMs: a.cpuMs + b.cpuMs, rss: a.rss + b.rss }));
}

function pct(xs: number[], p: number): number {
  if (xs.length === 0) {
    return NaN;
  }
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** With PENGUINCAST_BENCH_PROFILE=dir, the server processes write V8 CPU profiles there. */
function profileArgs(): string[] {
  const dir = process.env['PENGUINCAST_BENCH_PROFILE'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const port = await freePortPair();
  const cfg = writeConfig({
    Name: 'Bench',
    Host: '127.0.0.1',
    Socket: { Port: port },
    Limits: { Clients: N + 100, Sources: 2, WriteTimeOut: 30 },
    Auth: { AdminPassword: 'bench-admin' },
    Logging: { Loglevel: 2 },
    // A small metaint bounds the latency measurement's error: a title reaches a listener in the
    // first block at or after its position, up to one metaint (125 ms here) later in the audio.
    Mounts: [{ Name: MOUNT, Password: 'bench', MetaInt: 2000 }],
  });
  const procs: ServiceProcess[] = [];
  let nats: RestartableServerHandle | undefined;
  let redis: RestartableServerHandle | undefined;
  if (values.cluster) {
    nats = await startNats();
    redis = await startRedis();
    const ingestPort = await freePortPair();
    const env = {
      PENGUINCAST_NATS_URL: nats.url,
      PENGUINCAST_REDIS_URL: redis.url,
      PENGUINCAST_INGEST_PORT: String(ingestPort),
      PENGUINCAST_INGEST_URL: `http://127.0.0.1:${ingestPort}`,
      PENGUINCAST_ADMIN_PORT: String(await freePort()),
    };
    procs.push(startService('ingest', cfg.path, env, profileArgs()));
    procs.push(startService('edge', cfg.path, env, profileArgs()));
    await waitForHttp(`http://127.0.0.1:${ingestPort}/healthz`, 30_000, 200);
  } else {
    procs.push(startService(undefined, cfg.path, {}, profileArgs()));
  }
  const ticker: { timer?: NodeJS.Timeout } = {};
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, 200);
  const source = startFfmpegSource({
    url: `icecast://source:bench@127.0.0.1:${port}${MOUNT}`,
    codec: 'mp3',
    file: await makeTestAudio({ codec: 'mp3', seconds: 30, bitrate: 128 }),
    copy: true,
    loop: true,
  });
  try {
    await waitForHttp(`http://127.0.0.1:${port}${MOUNT}`, 20_000, 200).catch((err: Error) => {
      throw new Error(
        `${err.message}\nffmpeg: ${source.log()}\n${procs.map((p) => p.output()).join('\n')}`,
      );
    });
    await sleep(4000);
    const pids = procs.map((p) => p.pid);
    const base = sumUsage(pids);
    // Titles carry their send time, so listeners measure source-to-listener latency.
    ticker.timer = setInterval(() => {
      void fetch(
        `http://127.0.0.1:${port}/admin.cgi?mode=updinfo&mount=${MOUNT}&pass=bench&song=ts:${Date.now()}`,
      )
        .then((r) => r.body?.cancel())
        .catch(() => undefined);
    }, 2000);
    const per = Math.ceil(N / WORKERS);
    const workers = Array.from({ length: WORKERS }, (_, i) => {
      const count = Math.min(per, N - i * per);
      const child = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          WORKER,
          JSON.stringify({
            port,
            mount: MOUNT,
            count,
            rampMs: RAMP_S * 1000,
            holdMs: HOLD_S * 1000,
          }),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<WorkerReport>((resolve, reject) => {
        child.once('exit', () => {
          try {
            resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerReport);
          } catch (err) {
            reject(new Error(`worker ${i} gave no report: ${String(err)}`));
          }
        });
      });
    });
    await sleep(RAMP_S * 1000 + 2000);
    const steady = sumUsage(pids);
    const measureMs = Math.max(1000, HOLD_S * 1000 - 6000);
    await sleep(measureMs);
    const end = sumUsage(pids);
    const reports = await Promise.all(workers);
    const r = reports.reduce((a, b) => ({
      opened: a.opened + b.opened,
      ok: a.ok + b.ok,
      failed: a.failed + b.failed,
      ttfbMs: a.ttfbMs.concat(b.ttfbMs),
      latencyMs: a.latencyMs.concat(b.latencyMs),
      framingErrors: a.framingErrors + b.framingErrors,
      cleanStarts: a.cleanStarts + b.cleanStarts,
      bytes: a.bytes + b.bytes,
    }));
    const listenerMinutes = (r.ok * measureMs) / 60_000;
    const lines = [
      `mode                          ${values.cluster ? 'cluster (ingest + edge over NATS)' : 'single process'}`,
      `listeners                     ${r.ok} ok / ${r.opened} opened / ${r.failed} failed`,
      `server CPU-ms/listener-minute ${((end.cpuMs - steady.cpuMs) / listenerMinutes).toFixed(3)}`,
      `server CPU (steady)           ${(((end.cpuMs - steady.cpuMs) / measureMs) * 100).toFixed(1)} %`,
      `RSS per listener              ${((steady.rss - base.rss) / Math.max(1, r.ok) / 1024).toFixed(2)} KiB (RSS ${(steady.rss / 1048576).toFixed(0)} MiB, before listeners ${(base.rss / 1048576).toFixed(0)} MiB)`,
      `time to first byte p50/p99    ${pct(r.ttfbMs, 50).toFixed(1)} / ${pct(r.ttfbMs, 99).toFixed(1)} ms`,
      `source-to-listener p50/p99    ${pct(r.latencyMs, 50).toFixed(1)} / ${pct(r.latencyMs, 99).toFixed(1)} ms (${r.latencyMs.length} samples)`,
      `framing errors                ${r.framingErrors}`,
      `clean starts                  ${r.cleanStarts} / ${r.ok} (${((r.cleanStarts / Math.max(1, r.ok)) * 100).toFixed(1)} %)`,
      `bytes received                ${(r.bytes / 1048576).toFixed(1)} MiB`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    clearInterval(ticker.timer);
    await source.stop();
    await Promise.all(procs.map((p) => p.stop()));
    await nats?.stop();
    await redis?.stop();
  }
}

await main();
