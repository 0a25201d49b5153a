/**
 * Tests of the error.log destination behind a real root logger: Icecast's line format with its
 * two spaces and level names, `Loglevel` filtering, one line per record whatever the message
 * holds, and reopen after an external move.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createRootLogger } from '../logger.js';
import { ErrorLogDestination, errorLogTime, formatErrorLine, seedLevelOf } from './error-log.js';

const T = { timeout: 10_000 };
const quiet = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });
const LINE_RE =
  /^\[\d{4}-\d{2}-\d{2} {2}\d{2}:\d{2}:\d{2}\] (EROR|WARN|INFO|DBUG) (\S+)\/(\S+) (.*)$/;

function setup(loglevel: number): {
  dir: string;
  path: string;
  dest: ErrorLogDestination;
  lines: () => string[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'pc-errorlog-'));
  const path = join(dir, 'error.log');
  const dest = new ErrorLogDestination({ path, loglevel, maxBytes: 0, archives: 1 });
  return {
    dir,
    path,
    dest,
    lines: () => readFileSync(path, 'utf8').split('\n').filter(Boolean),
  };
}

test('lines are in Icecast format with service/component and context', T, () => {
  const { dir, dest, lines } = setup(4);
  try {
    const root = createRootLogger({
      service: 'edge',
      instance: 'e1',
      loglevel: 4,
      destination: quiet(),
      extraDestinations: [dest],
    });
    root.info('started');
    const log = root.child({ component: 'listener' });
    log.warn({ mount: '/live.mp3', listenerId: '17' }, 'fallen too far behind');
    log.error({ err: Object.assign(new Error('EPIPE write'), { code: 'EPIPE' }) }, 'write failed');
    log.debug({ ua: 'VLC "x"\r\nINFO forged' }, 'multi\nline\r\nmessage');
    const got = lines();
    assert.equal(got.length, 4);
    for (const line of got) {
      assert.match(line, LINE_RE);
    }
    assert.match(got[0] as string, / INFO edge\/edge started$/);
    assert.match(
      got[1] as string,
      / WARN edge\/listener fallen too far behind mount=\/live\.mp3 listenerId=17$/,
    );
    assert.match(
      got[2] as string,
      / EROR edge\/listener write failed: Error: EPIPE write \(EPIPE\)$/,
    );
    assert.match(
      got[3] as string,
      / DBUG edge\/listener multi\\nline\\r\\nmessage ua="VLC \\"x\\"\\r\\nINFO forged"$/,
    );
  } finally {
    dest.end();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Loglevel filters: 1 keeps errors, 2 adds warnings, 3 info, 4 debug', T, () => {
  for (const loglevel of [1, 2, 3, 4]) {
    const { dir, dest, lines } = setup(loglevel);
    try {
      const log = createRootLogger({
        service: 'ingest',
        instance: 'i1',
        loglevel: 4,
        destination: quiet(),
        extraDestinations: [dest],
      });
      log.fatal('f');
      log.error('e');
      log.warn('w');
      log.info('i');
      log.debug('d');
      const names = lines().map((l) => (LINE_RE.exec(l) as RegExpExecArray)[1]);
      const expected = ['EROR', 'EROR', 'WARN', 'INFO', 'DBUG'].slice(0, loglevel + 1);
      assert.deepEqual(names, expected, `Loglevel ${loglevel}`);
    } finally {
      dest.end();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.throws(
    () => new ErrorLogDestination({ path: 'x', loglevel: 5, maxBytes: 0, archives: 0 }),
    TypeError,
  );
});

test('partial chunks, raw text, reopen after a move', T, () => {
  const { dir, path, dest, lines } = setup(3);
  try {
    const rec = JSON.stringify({ level: 30, time: Date.UTC(2026, 10, 21, 5, 28, 49), msg: 'one' });
    dest.writeLines(rec.slice(0, 10));
    dest.writeLines(`${rec.slice(10)}\nnot json\n`);
    renameSync(path, `${path}.old`);
    dest.reopen();
    dest.writeLines(
      `${JSON.stringify({ level: 50, time: '2026-11-21T05:28:50.000Z', msg: 'two' })}\n`,
    );
    const old = readFileSync(`${path}.old`, 'utf8').split('\n').filter(Boolean);
    assert.equal(old.length, 2);
    assert.equal(old[0], '[2026-11-21  05:28:49] INFO main/main one');
    assert.match(old[1] as string, / INFO main\/main not json$/);
    assert.deepEqual(lines(), ['[2026-11-21  05:28:50] EROR main/main two']);
  } finally {
    dest.end();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('helpers: time stamp, level mapping and line cap', T, () => {
  assert.equal(errorLogTime(Date.UTC(2026, 10, 21, 5, 28, 49)), '[2026-11-21  05:28:49]');
  assert.deepEqual([60, 50, 40, 30, 20, 10].map(seedLevelOf), [1, 1, 2, 3, 4, 4]);
  const long = formatErrorLine({ level: 30, time: 0, msg: 'x'.repeat(20_000) });
  assert.ok(long.length <= 8192 + 3);
});
