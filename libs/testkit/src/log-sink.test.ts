/** Unit tests of the log sink: lines kept as objects, the level honoured, lookup by message. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logSink } from './log-sink.js';

test('logSink keeps each line as an object, child bindings included', () => {
  const { log, lines, find } = logSink();
  log.debug({ a: 1 }, 'first');
  log.child({ component: 'x' }).info('second');
  assert.equal(lines.length, 2);
  assert.equal(lines[0]?.['a'], 1);
  assert.equal(find('second')[0]?.['component'], 'x');
  assert.deepEqual(find('missing'), []);
});

test('logSink honours its level', () => {
  const sink = logSink('info');
  sink.log.debug('hidden');
  sink.log.warn('shown');
  assert.deepEqual(
    sink.lines.map((l) => l['msg']),
    ['shown'],
  );
});
