import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codecFromContentType, contentTypeFromFileName } from './content-type.js';

describe('codecFromContentType', { timeout: 10_000 }, () => {
  it('maps every listed type to its codec', () => {
    const table: Array<[string, string]> = [
      ['audio/mpeg', 'mp3'],
      ['audio/mp3', 'mp3'],
      ['audio/mpeg3', 'mp3'],
      ['audio/aac', 'aac'],
      ['audio/aacp', 'aac'],
      ['audio/x-aac', 'aac'],
      ['application/ogg', 'ogg'],
      ['application/x-ogg', 'ogg'],
      ['audio/ogg', 'ogg'],
      ['audio/opus', 'ogg'],
      ['audio/vorbis', 'ogg'],
      ['video/ogg', 'ogg'],
      ['audio/flac', 'flac'],
      ['audio/x-flac', 'flac'],
    ];
    for (const [ct, codec] of table) {
      assert.equal(codecFromContentType(ct), codec, ct);
    }
  });

  it('ignores parameters, whitespace and case', () => {
    assert.equal(codecFromContentType('Audio/MPEG; charset=utf-8'), 'mp3');
    assert.equal(codecFromContentType('  audio/ogg ;codecs=opus'), 'ogg');
    assert.equal(codecFromContentType('AUDIO/AACP;'), 'aac');
  });

  it('returns unknown for missing, empty or unlisted types', () => {
    for (const ct of [undefined, '', ';', 'audio/wav', 'text/plain', 'audio/mpegurl', 'mpeg']) {
      assert.equal(codecFromContentType(ct), 'unknown', String(ct));
    }
  });
});

describe('contentTypeFromFileName', { timeout: 10_000 }, () => {
  it('maps audio file extensions to a type the splitters know, case ignored', () => {
    assert.equal(contentTypeFromFileName('/srv/offair.MP3'), 'audio/mpeg');
    assert.equal(contentTypeFromFileName('intro.aac'), 'audio/aac');
    assert.equal(codecFromContentType(contentTypeFromFileName('loop.opus')), 'ogg');
    assert.equal(codecFromContentType(contentTypeFromFileName('a.b/loop.flac')), 'flac');
    assert.equal(contentTypeFromFileName('notes.txt'), 'application/octet-stream');
    assert.equal(contentTypeFromFileName('no-extension'), 'application/octet-stream');
  });
});
