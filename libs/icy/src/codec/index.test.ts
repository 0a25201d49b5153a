/**
 * Tests of the splitter choice by content type and of the passthrough splitter used for
 * content types that cannot be framed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdtsSplitter,
  FlacSplitter,
  Mp3Splitter,
  OggSplitter,
  PassthroughSplitter,
  createFrameSplitter,
} from './index.js';

describe('createFrameSplitter', { timeout: 5000 }, () => {
  it('picks the splitter through the content-type lookup', () => {
    assert.ok(createFrameSplitter('audio/mpeg') instanceof Mp3Splitter);
    assert.ok(createFrameSplitter('Audio/MPEG; charset=utf-8') instanceof Mp3Splitter);
    assert.ok(createFrameSplitter('audio/aacp') instanceof AdtsSplitter);
    assert.ok(createFrameSplitter('application/ogg') instanceof OggSplitter);
    assert.ok(createFrameSplitter('audio/ogg') instanceof OggSplitter);
    assert.ok(createFrameSplitter('audio/flac') instanceof FlacSplitter);
    assert.ok(createFrameSplitter('video/webm') instanceof PassthroughSplitter);
    assert.ok(createFrameSplitter(undefined) instanceof PassthroughSplitter);
  });

  it('reports kind and framing', () => {
    assert.equal(createFrameSplitter('audio/mpeg').kind, 'mp3');
    assert.equal(createFrameSplitter('audio/aac').kind, 'aac');
    assert.equal(createFrameSplitter('audio/ogg').kind, 'ogg');
    assert.equal(createFrameSplitter('audio/flac').kind, 'flac');
    assert.equal(createFrameSplitter('audio/mpeg').framed, true);
    assert.equal(createFrameSplitter('text/plain').kind, 'unknown');
    assert.equal(createFrameSplitter('text/plain').framed, false);
  });

  it('rejects a push that is not a Uint8Array with a TypeError', () => {
    for (const ct of ['audio/mpeg', 'audio/ogg', 'audio/flac', 'x/unknown']) {
      assert.throws(() => createFrameSplitter(ct).push('abc' as unknown as Uint8Array), TypeError);
    }
  });
});

describe('PassthroughSplitter', { timeout: 5000 }, () => {
  it('returns every byte at once, unframed, as a copy', () => {
    const s = new PassthroughSplitter();
    const chunk = Uint8Array.of(1, 2, 3, 0xff, 0xfb);
    const r = s.push(chunk);
    assert.deepEqual(r.data, chunk);
    chunk[0] = 9;
    assert.equal(r.data[0], 1);
    assert.deepEqual(r.frames, []);
    assert.equal(r.skippedBytes, 0);
    assert.equal(s.pendingBytes, 0);
    assert.equal(s.flush().data.length, 0);
  });
});
