/**
 * Spawns real `nats-server` and `redis-server` processes on 127.0.0.1 for tests, waits until
 * they answer, and stops them by pid. It never talks to the system daemons on 4222/6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';

/** The loopback address every spawned server binds to. */
export const TEST_HOST = '127.0.0.1';

/** A running test server. Always `stop()` it (or `await using` it) and await the result. */
export interface ServerHandle {
  /** Client URL, e.g. `nats://127.0.0.1:41234` or `redis://127.0.0.1:41235`. */
  readonly url: string;
  /** The TCP port the server listens on; it stays the same across `restart()`. */
  readonly port: number;
  /** The pid of the current server process; it changes after `restart()`. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after a timeout) and resolves once it has exited. */
  stop(): Promise<void>;
  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A test server that can be restarted on the same port, so clients can test reconnects. */
export interface RestartableServerHandle extends ServerHandle {
  /**
   * Stops the server, runs `whileDown` (for example to publish during the outage), waits
   * `downMs`, and starts a new process on the same port. Resolves once the new one is ready.
   */
  restart(opts?: RestartOptions): Promise<void>;
}

/** Options of `restart()`. */
export interface RestartOptions {
  /** Extra time to stay down after `whileDown` finished, in milliseconds. Default 0. */
  downMs?: number;
  /** Called while no server is listening. */
  whileDown?: () => unknown;
}

/** Options shared by `startNats()` and `startRedis()`. */
export interface StartOptions {
  /** Path of the binary; by default it is looked up on `PATH` and in the sbin folders. */
  bin?: string;
  /** How long to wait for the readiness probe, in milliseconds. Default 10000. */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL. Default 5000. */
  killTimeoutMs?: number;
}

/** Options of `startNats()`. */
export interface StartNatsOptions extends StartOptions {
  /** Enables JetStream with a store in a temporary folder. */
  jetstream?: boolean;
  /** Extra command-line arguments for `nats-server`. */
  args?: string[];
}

/** Options of `startRedis()`. */
export interface StartRedisOptions extends StartOptions {
  /** Extra command-line arguments for `redis-server`, e.g. `['--maxmemory', '10mb']`. */
  args?: string[];
}

/** Starts a `nats-server` on a free loopback port and waits until it sends its INFO line. */
export async function startNats(opts: StartNatsOptions = {}): Promise<RestartableServerHandle> {
  const hint = 'apt-get install -y nats-server';
  const bin = opts.bin ?? requireBinary('nats-server', hint);
  const dir = mkdtempSync(join(tmpdir(), 'pc-nats-'));
  // Port -1 lets the server pick a free port without the race of probing one first; a
  // restart asks for the port it got so clients can reconnect to the same address.
  const argsFor = (port: number): string[] => [
    ...['-a', TEST_HOST, '-p', String(port)],
    ...(opts.jetstream ? ['-js', '-sd', dir] : []),
    ...(opts.args ?? []),
  ];
  return launch({
    name: 'nats-server',
    bin,
    hint,
    dir,
    scheme: 'nats',
    argsFor,
    firstPort: async () => -1,
    portFromLog: /Listening for client connections on [^\s]*:(\d+)/,
    probe: probeNats,
    opts,
  });
}

/** Starts a `redis-server` without persistence on a free loopback port and waits for PONG. */
export async function startRedis(opts: StartRedisOptions = {}): Promise<RestartableServerHandle> {
  const hint = 'apt-get install -y redis-server';
  const bin = opts.bin ?? requireBinary('redis-server', hint);
  const dir = mkdtempSync(join(tmpdir(), 'pc-redis-'));
  const argsFor = (port: number): string[] => [
    ...['--port', String(port), '--bind', TEST_HOST, '--dir', dir],
    ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    ...(opts.args ?? []),
  ];
  return launch({
    name: 'redis-server',
    bin,
    hint,
    dir,
    scheme: 'redis',
    argsFor,
    // Redis treats port 0 as "no TCP", so a free port is probed first; the small race with
    // other processes is covered by retrying with a new port when the bind fails.
    firstPort: freePort,
    portFromLog: null,
    probe: probeRedis,
    opts,
  });
}

interface LaunchSpec {
  name: string;
  bin: string;
  hint: string;
  dir: string;
  scheme: string;
  argsFor: (port: number) => string[];
  firstPort: () => Promise<number>;
  portFromLog: RegExp | null;
  probe: (port: number, deadline: number, gone: () => boolean) => Promise<void>;
  opts: StartOptions;
}

interface Running {
  child: ChildProcess;
  exited: Promise<void>;
  log: () => string;
}

const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();

async function launch(spec: LaunchSpec): Promise<RestartableServerHandle> {
  liveDirs.add(spec.dir);
  const readyMs = spec.opts.readyTimeoutMs ?? 10_000;
  const killMs = spec.opts.killTimeoutMs ?? 5_000;
  let port = 0;
  let current: Running | null = null;
  let attempts = 0;
  for (;;) {
    const wanted = await spec.firstPort();
    try {
      const started = await startOnce(spec, wanted, readyMs);
      current = started.running;
      port = started.port;
      break;
    } catch (err) {
      attempts += 1;
      if (attempts >= 3 || !(err instanceof PortInUseError)) {
        removeDir(spec.dir);
        throw err;
      }
    }
  }
  let stopped = false;
  const handle: RestartableServerHandle = {
    url: `${spec.scheme}://${TEST_HOST}:${port}`,
    port,
    get pid(): number {
      return current?.child.pid ?? -1;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (current) {
        await kill(current, killMs);
      }
      removeDir(spec.dir);
    },
    async restart(opts: RestartOptions = {}): Promise<void> {
      if (stopped) {
        throw new Error(`${spec.name} on port ${port} was stopped; start a new one`);
      }
      if (current) {
        await kill(current, killMs);
      }
      current = null;
      await opts.whileDown?.();
      if (opts.downMs) {
        await new Promise((r) => setTimeout(r, opts.downMs));
      }
      current = (await startOnce(spec, port, readyMs)).running;
    },
    [Symbol.asyncDispose](): Promise<void> {
      return this.stop();
    },
  };
  return handle;
}

class PortInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortInUseError';
  }
}

async function startOnce(
  spec: LaunchSpec,
  wanted: number,
  readyMs: number,
): Promise<{ running: Running; port: number }> {
  const deadline = Date.now() + readyMs;
  const child = spawn(spec.bin, spec.argsFor(wanted), {
    cwd: spec.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const onData = (b: Buffer): void => {
    // Only the tail is kept: it is what explains a failed start.
    out = (out + b.toString('utf8')).slice(-16_384);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exitCode: number | null = null;
  let spawnError: Error | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : 0);
      resolve();
    });
  });
  void exited.then(() => live.delete(child));
  // The handle must not keep the test process alive if a test forgets to stop it; the exit
  // hook below kills whatever is left.
  child.unref();
  (child.stdout as Socket | null)?.unref();
  (child.stderr as Socket | null)?.unref();
  live.add(child);
  installExitHook();
  const running: Running = { child, exited, log: () => out };
  const failure = (why: string): Error => {
    const text = `${spec.name} ${why}\n--- output ---\n${out}`;
    if (/address already in use|bind: /i.test(out)) {
      return new PortInUseError(text);
    }
    return new Error(text);
  };
  try {
    let port = wanted;
    if (spec.portFromLog) {
      port = await waitForLog(
        spec.portFromLog,
        () => out,
        deadline,
        () => spawnError ?? (exitCode !== null ? new Error(`exited with code ${exitCode}`) : null),
      );
    }
    await Promise.race([
      spec.probe(port, deadline, () => exitCode !== null || spawnError !== null),
      exited.then(() => {
        throw spawnError ?? new Error(`exited with code ${String(exitCode)}`);
      }),
    ]);
    return { running, port };
  } catch (err) {
    await kill(running, 2_000);
    const e = err instanceof Error ? err : new Error(String(err));
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e.message.includes('ENOENT')) {
      throw new Error(`${spec.name} not found at ${spec.bin}; install it with: ${spec.hint}`, {
        cause: e,
      });
    }
    throw failure(`did not become ready: ${e.message}`);
  }
}

async function waitForLog(
  re: RegExp,
  text: () => string,
  deadline: number,
  dead: () => Error | null,
): Promise<number> {
  for (;;) {
    const m = re.exec(text());
    if (m?.[1]) {
      return Number(m[1]);
    }
    const err = dead();
    if (err) {
      throw err;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for its port in the log');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function kill(running: Running, killMs: number): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await running.exited;
    return;
  }
  const pid = child.pid;
  signal(pid, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    running.exited.then(() => false),
    new Promise<boolean>((r) => {
      timer = setTimeout(() => r(true), killMs);
    }),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    signal(pid, 'SIGKILL');
    await running.exited;
  }
}

function removeDir(dir: string): void {
  liveDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    // ESRCH means it already exited between the check and the signal, which is the goal.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw err;
    }
  }
}

let hookInstalled = false;

function installExitHook(): void {
  if (hookInstalled) {
    return;
  }
  hookInstalled = true;
  const killAll = (): void => {
    for (const child of live) {
      if (child.pid !== undefined) {
        signal(child.pid, 'SIGKILL');
      }
    }
    live.clear();
    for (const dir of [...liveDirs]) {
      try {
        removeDir(dir);
      } catch {
        // A just-killed server may still be writing; a stray temp folder is harmless.
      }
    }
  };
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      killAll();
      // Restore the default behaviour (exit by signal) unless someone else handles it.
      if (process.listenerCount(sig) === 0) {
        process.kill(process.pid, sig);
      }
    };
    // A listener would suppress the default exit, so it removes itself before re-raising.
    process.once(sig, onSignal);
  }
}

/** Connects until the NATS server sends its `INFO {...}` greeting. */
async function probeNats(port: number, deadline: number, gone: () => boolean): Promise<void> {
  await probe(port, deadline, gone, null, (text) =>
    /^INFO \{.*\} *\r\n/.test(text) ? true : null,
  );
}

/** Connects and sends PING until Redis answers PONG (it answers -LOADING while starting). */
async function probeRedis(port: number, deadline: number, gone: () => boolean): Promise<void> {
  await probe(port, deadline, gone, 'PING\r\n', (text) => {
    if (text.startsWith('+PONG\r\n')) {
      return true;
    }
    return text.includes('\r\n') ? false : null;
  });
}

async function probe(
  port: number,
  deadline: number,
  gone: () => boolean,
  send: string | null,
  check: (received: string) => boolean | null,
): Promise<void> {
  let last = 'no attempt';
  // The loop also ends when the process is gone, so no timer outlives a failed start.
  while (Date.now() < deadline && !gone()) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: TEST_HOST, port });
      let text = '';
      const done = (v: boolean, why: string): void => {
        last = why;
        clearTimeout(timer);
        sock.destroy();
        resolve(v);
      };
      const timer = setTimeout(() => done(false, 'no answer'), 1_000);
      sock.on('connect', () => {
        if (send) {
          sock.write(send);
        }
      });
      sock.on('data', (b) => {
        text += b.toString('latin1');
        const verdict = check(text);
        if (verdict !== null) {
          done(verdict, `answered ${JSON.stringify(text.slice(0, 80))}`);
        }
      });
      sock.on('error', (err) => done(false, err.message));
      sock.on('close', () => done(false, 'closed'));
    });
    if (ok) {
      return;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`readiness probe on port ${port} failed: ${last}`);
}

/** Returns a port that was free a moment ago on the loopback address. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, TEST_HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true when `port` can be bound on the loopback address right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.unref();
    s.once('error', () => resolve(false));
    s.listen(port, TEST_HOST, () => s.close(() => resolve(true)));
  });
}

/**
 * A free port P whose neighbour P + 1 is free too: a PenguinCast public port, whose SHOUTcast
 * v1 source port is always the next one.
 */
export async function freePortPair(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    if (p < 65000 && (await portFree(p + 1))) {
      return p;
    }
  }
  throw new Error(`no free port pair on ${TEST_HOST}`);
}
