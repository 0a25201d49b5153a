/**
 * Helpers for the end-to-end tests of the `penguincast` command: free port pairs, config files,
 * service processes started by pid and stopped by pid, and the checks every listener's
 * recording must pass (mp3check from its first byte, strict ICY framing, titles at position).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor, type ListenResult } from '@penguincast/testkit';

/** The CLI's source file, run through tsx like the tests themselves. */
export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Writes a config file into a fresh temp folder and returns its path and the folder. */
export function writeConfig(doc: Record<string, unknown>): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pc-e2e-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return { path, dir };
}

/** A `penguincast` process started by a test. */
export interface ServiceProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it printed (pino JSON lines), for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Starts `penguincast [service] --config path` with extra environment variables. */
export function startService(
  service: string | undefined,
  configPath: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): ServiceProcess {
  const args = [...nodeArgs, '--conditions=source', '--import', 'tsx', CLI];
  if (service !== undefined) {
    args.push(service);
  }
  args.push('--config', configPath);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 2_000_000) {
      out = out.slice(-1_000_000);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers `status` (default any), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 15_000, status?: number): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (status !== undefined && res.status !== status) {
        throw new Error(`status ${res.status}`);
      }
      return true;
    },
    { timeoutMs, intervalMs: 150 },
    url,
  );
}

/**
 * Where a listener's recording starts in the stream: the offset of its first bytes in the
 * ingest's dump file, which holds exactly the published frames from stream position 0.
 */
export function streamStart(dump: Buffer, audio: Buffer): number {
  const probe = audio.subarray(0, Math.min(4096, audio.length));
  const at = dump.indexOf(probe);
  if (at < 0) {
    return -1;
  }
  if (dump.indexOf(probe, at + 1) >= 0) {
    throw new Error('listener start is ambiguous in the dump');
  }
  return at;
}

/**
 * What went wrong with one listener's titles, or an empty list. The title took effect at a
 * stream position in `[lo, hi]` (equal when known exactly); the listener must first be told in
 * the first metadata block at or after that position, so within one `metaint` of it.
 */
export function titleProblems(
  result: ListenResult,
  start: number,
  title: string,
  range: { lo: number; hi: number },
  metaint: number,
): string[] {
  const end = start + result.audio.length;
  if (range.hi >= end - metaint) {
    return []; // The change came after this recording (or in its last block).
  }
  const firstSeen = result.titles.find((t) => t.title === title);
  if (firstSeen === undefined) {
    return [`title ${JSON.stringify(title)} never arrived (stream ${start}..${end})`];
  }
  const at = start + firstSeen.audioOffset;
  if (range.lo <= start) {
    // Already in force when the listener joined: its first block must carry it.
    return firstSeen.audioOffset <= metaint ? [] : [`title first sent at offset ${at - start}`];
  }
  if (at < range.lo || at > range.hi + metaint) {
    return [`title arrived at stream position ${at}, set within ${range.lo}..${range.hi}`];
  }
  return [];
}
