/**
 * Integration tests of the server launchers: real nats-server and redis-server processes on
 * loopback, checked with raw sockets, restarted on the same port and stopped by pid.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startNats, startRedis, type RestartableServerHandle } from '../src/servers.js';
import { waitFor } from '../src/wait.js';

const T = { timeout: 30_000 };

/** Sends `send` (if any) and resolves with the first chunk the server answers. */
async function firstReply(port: number, send?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    sock.setTimeout(5_000, () => {
      sock.destroy();
      reject(new Error('no reply'));
    });
    sock.on('connect', () => {
      if (send) {
        sock.write(send);
      }
    });
    sock.once('data', (b) => {
      sock.destroy();
      resolve(b.toString('latin1'));
    });
    sock.on('error', reject);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startNats', () => {
  const started: RestartableServerHandle[] = [];
  after(async () => {
    await Promise.all(started.map((s) => s.stop()));
  });

  it('binds to loopback on a free port and greets with INFO', T, async () => {
    const nats = await startNats();
    started.push(nats);
    assert.notEqual(nats.port, 4222);
    assert.equal(nats.url, `nats://127.0.0.1:${nats.port}`);
    assert.match(await firstReply(nats.port), /^INFO \{/);
  });

  it('restarts on the same port with a new pid', T, async () => {
    const nats = await startNats();
    started.push(nats);
    const before = nats.pid;
    let downChecked = false;
    await nats.restart({
      whileDown: async () => {
        assert.equal(isAlive(before), false);
        await assert.rejects(firstReply(nats.port));
        downChecked = true;
      },
    });
    assert.equal(downChecked, true);
    assert.notEqual(nats.pid, before);
    assert.match(await firstReply(nats.port), /^INFO \{/);
  });

  it('starts with JetStream enabled', T, async () => {
    const nats = await startNats({ jetstream: true });
    started.push(nats);
    const info = JSON.parse((await firstReply(nats.port)).slice(5)) as { jetstream?: boolean };
    assert.equal(info.jetstream, true);
  });

  it('stop() waits for the process to exit', T, async () => {
    const nats = await startNats();
    const pid = nats.pid;
    assert.equal(isAlive(pid), true);
    await nats.stop();
    assert.equal(isAlive(pid), false);
    await nats.stop();
  });

  it('fails with an install hint when the binary is missing', T, async () => {
    await assert.rejects(
      startNats({ bin: '/nonexistent/nats-server' }),
      /apt-get install -y nats-server/,
    );
  });
});

describe('cleanup on exit', () => {
  it('kills servers a test process forgot to stop when it exits', T, async () => {
    const servers = fileURLToPath(new URL('../src/servers.ts', import.meta.url));
    const script = [
      `const { startNats, startRedis } = await import(${JSON.stringify(servers)});`,
      'const n = await startNats();',
      'const r = await startRedis();',
      'process.stdout.write(JSON.stringify([n.pid, r.pid]));',
      'process.exit(0);',
    ].join('\n');
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { timeout: 20_000 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      );
    });
    const pids = JSON.parse(out) as number[];
    assert.equal(pids.length, 2);
    await waitFor(() => !pids.some(isAlive), 5_000, 'both servers to exit').catch(() => undefined);
    assert.deepEqual(pids.map(isAlive), [false, false]);
  });
});

describe('startRedis', () => {
  it('answers PING and stops by pid', T, async () => {
    const redis = await startRedis();
    const pid = redis.pid;
    try {
      assert.notEqual(redis.port, 6379);
      assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
      assert.equal(await firstReply(redis.port, 'PING\r\n'), '+PONG\r\n');
      const save = await firstReply(redis.port, 'CONFIG GET save\r\n');
      assert.match(save, /save\r\n\$0\r\n/);
    } finally {
      await redis.stop();
    }
    assert.equal(isAlive(pid), false);
  });

  it('supports await using', T, async () => {
    let pid = -1;
    {
      await using redis = await startRedis();
      pid = redis.pid;
      assert.equal(isAlive(pid), true);
    }
    assert.equal(isAlive(pid), false);
  });

  it('fails with an install hint when the binary is missing', T, async () => {
    await assert.rejects(
      startRedis({ bin: '/nonexistent/redis-server' }),
      /apt-get install -y redis-server/,
    );
  });
});
