/**
 * Unit tests of the relay's ICY demultiplexer: audio without metadata, titles between the right
 * bytes whatever the chunking, repeated and empty titles dropped, streams without a metaint.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeMetadataBlock } from '@penguincast/icy';
import { IcyDemux, metaintOf } from './icy-demux.js';

const T = { timeout: 5_000 };

function block(title: string): Buffer {
  return Buffer.from(encodeMetadataBlock({ title }, { charset: 'utf-8' }));
}

function run(wire: Buffer, metaint: number | undefined, piece: number) {
  const events: Array<string | number> = [];
  let audio = Buffer.alloc(0);
  const demux = new IcyDemux(metaint, {
    audio: (b) => {
      audio = Buffer.concat([audio, b]);
    },
    title: (t, url) => events.push(`${audio.length}:${t}${url === undefined ? '' : `|${url}`}`),
  });
  for (let at = 0; at < wire.length; at += piece) {
    demux.push(wire.subarray(at, at + piece));
  }
  return { audio, events };
}

test('titles land between the audio bytes they sat between, in any chunking', T, () => {
  const a = Buffer.alloc(10, 1);
  const b = Buffer.alloc(10, 2);
  const c = Buffer.alloc(10, 3);
  const d = Buffer.alloc(4, 4);
  const wire = Buffer.concat([a, block(''), b, block('One'), c, block('One'), d]);
  for (const piece of [1, 3, 7, 1000]) {
    const r = run(wire, 10, piece);
    assert.ok(r.audio.equals(Buffer.concat([a, b, c, d])), `audio, piece ${piece}`);
    // The leading empty title and the repeat are dropped.
    assert.deepEqual(r.events, ['20:One'], `titles, piece ${piece}`);
  }
  const cleared = run(Buffer.concat([a, block('X'), b, block(''), c]), 10, 4);
  assert.deepEqual(cleared.events, ['10:X', '20:']);
  const empty = run(Buffer.concat([a, Buffer.of(0), b]), 10, 5);
  assert.deepEqual(empty.events, []);
  assert.equal(empty.audio.length, 20);
});

test('without a metaint everything is audio; bad metaints are ignored', T, () => {
  const wire = Buffer.concat([Buffer.alloc(30, 9), block('Not metadata')]);
  assert.ok(run(wire, undefined, 8).audio.equals(wire));
  assert.equal(metaintOf('16000'), 16000);
  assert.equal(metaintOf(' 8192 '), 8192);
  for (const bad of [undefined, '', '0', '-1', 'abc', '99999999']) {
    assert.equal(metaintOf(bad), undefined, String(bad));
  }
});
