/**
 * A real Icecast 2.4 (Debian's `icecast2`) for the relay tests: a temp config bound to
 * 127.0.0.1, started by pid, killed or stopped by pid, and restartable on the same port; plus
 * helpers that read the `penguincast` processes' JSON log lines and classify a listener's audio
 * by the source it came from.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForHttp } from './harness.js';

/** Where Debian installs the Icecast binary. */
const ICECAST_BIN = '/usr/bin/icecast2';

/** Credentials of the test Icecast. */
export const ICECAST_AUTH = {
  source: 'hackme',
  relayUser: 'relay',
  relayPassword: 'relaypw',
  adminUser: 'admin',
  adminPassword: 'adminpw',
} as const;

/** A running test Icecast. */
export interface IcecastHandle {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The current process id. */
  readonly pid: number;
  /** SIGKILL (a crash), resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and waits until it answers. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s), resolves once the process is gone. */
  stop(): Promise<void>;
  /** Sets a mount's title through the admin API; resolves with the HTTP status. */
  setTitle(mount: string, title: string): Promise<number>;
}

function config(port: number, dir: string): string {
  // Icecast refuses to run as root; the test machine may be root, so it drops to nobody.
  const root = process.getuid?.() === 0;
  const owner = root ? '<changeowner><user>nobody</user><group>nogroup</group></changeowner>' : '';
  const a = ICECAST_AUTH;
  return `<icecast>
  <location>test</location><admin>test@localhost</admin><hostname>127.0.0.1</hostname>
  <limits><clients>100</clients><sources>8</sources><source-timeout>10</source-timeout>
    <burst-size>65535</burst-size></limits>
  <authentication><source-password>${a.source}</source-password>
    <relay-user>${a.relayUser}</relay-user><relay-password>${a.relayPassword}</relay-password>
    <admin-user>${a.adminUser}</admin-user><admin-password>${a.adminPassword}</admin-password>
  </authentication>
  <listen-socket><port>${port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>${dir}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog>
    <loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>${owner}</security>
</icecast>
`;
}

/** Starts Icecast on 127.0.0.1:`port` and waits until it answers. */
export async function startIcecast(port: number): Promise<IcecastHandle> {
  try {
    accessSync(ICECAST_BIN, constants.X_OK);
  } catch {
    throw new Error(`${ICECAST_BIN} is missing; install it with: apt-get install -y icecast2`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pc-icecast-'));
  // Writable by the user Icecast drops to.
  chmodSync(dir, 0o777);
  const path = join(dir, 'icecast.xml');
  writeFileSync(path, config(port, dir));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let out = '';
  const launch = async (): Promise<void> => {
    const c = spawn(ICECAST_BIN, ['-c', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    child = c;
    await waitForHttp(`${url}/status-json.xsl`, 10_000, 200).catch((err: Error) => {
      throw new Error(`${err.message}\nicecast2: ${out}`);
    });
  };
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === undefined || c.exitCode !== null || c.signalCode !== null) {
      return;
    }
    c.kill(sig);
    const timer = setTimeout(() => c.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    url,
    port,
    get pid() {
      return child?.pid ?? -1;
    },
    kill: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
    restart: launch,
    async setTitle(mount, title) {
      const q = new URLSearchParams({ mount, mode: 'updinfo', song: title });
      const auth = Buffer.from(`${ICECAST_AUTH.adminUser}:${ICECAST_AUTH.adminPassword}`);
      const res = await fetch(`${url}/admin/metadata?${q.toString()}`, {
        headers: { Authorization: `Basic ${auth.toString('base64')}` },
        signal: AbortSignal.timeout(3_000),
      });
      await res.body?.cancel();
      return res.status;
    },
  };
}

/** The JSON log lines of a process's output (pino), skipping anything else. */
export function logLines(output: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('{')) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line cut by the output buffer; skip it.
      }
    }
  }
  return lines;
}

/** The time of a pino line in milliseconds since the epoch. */
export function timeOf(line: Record<string, unknown>): number {
  const t = line['time'];
  return typeof t === 'number' ? t : Date.parse(String(t));
}

/**
 * Which source each stretch of a listener's audio came from: 4 KiB probes every `stride` bytes
 * are looked up in each source's audio, and runs of the same answer are collapsed. Probes that
 * match nothing (a switch inside them) are left out.
 */
export function sourceSequence(
  audio: Buffer,
  sources: Record<string, Buffer>,
  stride = 8192,
): string[] {
  const seq: string[] = [];
  for (let at = 0; at + 4096 <= audio.length; at += stride) {
    const probe = audio.subarray(at, at + 4096);
    const name = Object.keys(sources).find((k) => sources[k]!.indexOf(probe) >= 0);
    if (name !== undefined && seq[seq.length - 1] !== name) {
      seq.push(name);
    }
  }
  return seq;
}
