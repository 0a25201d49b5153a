/**
 * Tests of the rotating log file on a real file system: no line lost or torn under concurrent
 * writers across many rotations and an external logrotate-style move with reopen, archive
 * numbering and limits, headers, and failures reported instead of thrown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFileError } from '../errors.js';
import { LogFile } from './log-file.js';

const T = { timeout: 20_000 };

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-logfile-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

test(
  'concurrent writers across rotations and a reopen lose no line',
  T,
  withDir(async (dir) => {
    const path = join(dir, 'access.log');
    const maxBytes = 4096;
    const file = new LogFile({ path, maxBytes, archives: 1000 });
    const writers = 20;
    const perWriter = 150;
    let moved = false;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let i = 0; i < perWriter; i++) {
          file.write(`writer=${w} line=${i} ${'x'.repeat((w * 7 + i) % 60)}`);
          if (w === 3 && i === 70 && !moved) {
            // An external logrotate moves the live file, then sends SIGHUP.
            moved = true;
            renameSync(path, join(dir, 'access.log.moved'));
            file.reopen();
          }
          if (i % 10 === 0) {
            await new Promise((r) => setImmediate(r));
          }
        }
      }),
    );
    file.close();
    const files = readdirSync(dir);
    assert.ok(files.includes('access.log.moved'));
    assert.ok(files.length > 10, `${files.length} files: rotation happened many times`);
    const all = files.flatMap((f) => lines(join(dir, f)));
    assert.equal(all.length, writers * perWriter);
    assert.equal(new Set(all).size, all.length, 'every line once');
    for (const line of all) {
      assert.match(line, /^writer=\d+ line=\d+ x*$/, 'no torn line');
    }
    for (const f of files.filter((n) => /\.\d+$/.test(n))) {
      assert.ok(statSync(join(dir, f)).size < maxBytes + 100, `${f} stays near the limit`);
    }
    // Per writer, lines appear in the order written, oldest archive first.
    const ordered = files
      .filter((f) => /\.\d+$/.test(f))
      .sort((a, b) => Number(b.split('.').pop()) - Number(a.split('.').pop()));
    const seq = ordered.flatMap((f) => lines(join(dir, f)));
    const last = new Map<string, number>();
    for (const line of seq) {
      const [, w, i] = /writer=(\d+) line=(\d+)/.exec(line) as RegExpExecArray;
      assert.ok((last.get(w as string) ?? -1) < Number(i), 'order kept across archives');
      last.set(w as string, Number(i));
    }
  }),
);

test(
  'archives are numbered newest first and limited; zero archives truncates',
  T,
  withDir((dir) => {
    const path = join(dir, 'stat.log');
    const file = new LogFile({ path, maxBytes: 100, archives: 2, header: '#Time\t#Listeners' });
    for (let i = 0; i < 12; i++) {
      file.write(`line ${i} ${'y'.repeat(40)}`);
      file.flush();
    }
    file.close();
    assert.deepEqual(readdirSync(dir).sort(), ['stat.log', 'stat.log.1', 'stat.log.2']);
    assert.equal(lines(path)[0], '#Time\t#Listeners', 'each new file starts with the header');
    assert.equal(lines(`${path}.1`)[0], '#Time\t#Listeners');
    const newest = lines(path)
      .slice(1)
      .concat(lines(`${path}.1`).slice(1));
    assert.ok(newest.every((l) => l.startsWith('line ')));
    assert.ok(lines(`${path}.1`).at(-1)?.startsWith('line '));
    const lastNo = (p: string): number => Number(lines(p).at(-1)?.split(' ')[1]);
    assert.ok(lastNo(`${path}.2`) < lastNo(`${path}.1`), '.1 is newer than .2');

    const trunc = join(dir, 'error.log');
    const t = new LogFile({ path: trunc, maxBytes: 50, archives: 0, sync: true });
    for (let i = 0; i < 5; i++) {
      t.write(`entry ${i} ${'z'.repeat(30)}`);
    }
    t.close();
    assert.ok(!existsSync(`${trunc}.1`));
    assert.ok(!existsSync(trunc) || lines(trunc).length <= 1);
  }),
);

test(
  'an unwritable path is reported once and counted, never thrown',
  T,
  withDir((dir) => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const errors: LogFileError[] = [];
    const file = new LogFile({
      path: join(blocker, 'access.log'),
      maxBytes: 0,
      archives: 1,
      onError: (err) => errors.push(err),
    });
    file.write('a');
    file.write('b');
    file.flush();
    file.write('c');
    file.flush();
    file.close();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.operation, 'open');
    assert.equal(errors[0]?.code, 'LOG_FILE_FAILED');
    assert.equal(file.dropped, 3);
    assert.equal(file.written, 0);
    assert.throws(() => new LogFile({ path: 'x', maxBytes: -1, archives: 0 }), TypeError);
  }),
);
