/**
 * stat.log, the seed's listener/CPU/memory record: one tab-separated line every `StatInterval`
 * seconds. The first four columns are the original PenguinCast's (time, listeners, CPU %, memory
 * KB), so its gnuplot script still draws them; per-mount and per-instance columns follow.
 * Formatting is pure; `startStatLog` only owns the timer.
 */
import type { Station } from '../station/station.js';
import { escapeLogField } from '@penguincast/runtime';
import type { LogFile } from '@penguincast/runtime';

/** First line of every new stat.log: the column names, as a comment gnuplot skips. */
export const STAT_LOG_HEADER = [
  '#Time',
  '#Listeners',
  '#CpuUsage',
  '#MemUsage',
  '#MountListeners(mount=n)',
  '#Instances(service/instance=cpu%,memKB)',
].join('\t');

/** What one stat.log line reports. */
export interface StatSnapshot {
  /** Listeners over the whole station. */
  listeners: number;
  /** Listeners by mount label. */
  mounts: ReadonlyArray<readonly [string, number]>;
  /** Resource use of each running instance. */
  instances: ReadonlyArray<{
    service: string;
    instanceId: string;
    cpuPercent: number;
    rssBytes: number;
  }>;
}

/** `2026-11-21 05:30:00`, UTC, the time format the seed's gnuplot script parses. */
export function statTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * One stat.log line: time, station listeners, station CPU (sum over instances, percent of one
 * core), station memory (sum of resident sizes, KB), then `mount=n` pairs and
 * `service/instance=cpu%,memKB` entries, each list space-separated (`-` when empty).
 */
export function formatStatLine(s: StatSnapshot, nowMs: number): string {
  let cpu = 0;
  let rss = 0;
  for (const i of s.instances) {
    cpu += i.cpuPercent;
    rss += i.rssBytes;
  }
  const mounts = s.mounts.map(([m, n]) => `${escapeLogField(m, true)}=${n}`).join(' ');
  const instances = s.instances
    .map(
      (i) =>
        `${escapeLogField(i.service, true)}/${escapeLogField(i.instanceId, true)}=` +
        `${i.cpuPercent.toFixed(2)},${Math.round(i.rssBytes / 1024)}`,
    )
    .join(' ');
  return [
    statTime(nowMs),
    String(s.listeners),
    cpu.toFixed(2),
    String(Math.round(rss / 1024)),
    mounts || '-',
    instances || '-',
  ].join('\t');
}

/** The snapshot of a station for stat.log. */
export function statSnapshot(station: Station): StatSnapshot {
  return {
    listeners: station.listenerTotal(),
    mounts: [...station.listenersByMount()],
    instances: station.instances(),
  };
}

/** Writes one line now and then every `intervalMs`; returns the function that stops it. */
export function startStatLog(opts: {
  file: LogFile;
  station: Station;
  intervalMs: number;
  now: () => number;
}): () => void {
  const tick = (): void => {
    opts.station.expire();
    opts.file.write(formatStatLine(statSnapshot(opts.station), opts.now()));
  };
  tick();
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
