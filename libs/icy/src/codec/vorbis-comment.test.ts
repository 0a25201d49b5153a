/** Tests of title extraction from Vorbis comment lists, including truncated input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vorbisComments } from '../../test/synth.js';
import { titleFromComments } from './vorbis-comment.js';

describe('titleFromComments', { timeout: 5000 }, () => {
  it('joins ARTIST and TITLE as "Artist - Title", keys case-insensitive', () => {
    const c = vorbisComments(['title=Song', 'ALBUM=X', 'Artist=Band']);
    assert.equal(titleFromComments(c, 0), 'Band - Song');
  });

  it('uses whichever of TITLE and ARTIST is present', () => {
    assert.equal(titleFromComments(vorbisComments(['TITLE=Only']), 0), 'Only');
    assert.equal(titleFromComments(vorbisComments(['ARTIST=Solo']), 0), 'Solo');
  });

  it('returns undefined when neither is tagged', () => {
    assert.equal(titleFromComments(vorbisComments(['ALBUM=X', 'ENCODER=y']), 0), undefined);
    assert.equal(titleFromComments(vorbisComments([]), 0), undefined);
  });

  it('keeps the first TITLE and decodes UTF-8', () => {
    const c = vorbisComments(['TITLE=Früh', 'TITLE=Later']);
    assert.equal(titleFromComments(c, 0), 'Früh');
  });

  it('reads what a truncated list holds and never throws', () => {
    const c = vorbisComments(['TITLE=Kept', 'ARTIST=Cut off here']);
    for (let end = 0; end <= c.length; end++) {
      const t = titleFromComments(c.subarray(0, end), 0);
      assert.ok(t === undefined || t === 'Kept' || t === 'Cut off here - Kept', `end ${end}: ${t}`);
    }
    assert.equal(titleFromComments(c, 0, c.length - 3), 'Kept');
  });

  it('honours a start offset (a packet prefix such as "OpusTags")', () => {
    const c = vorbisComments(['TITLE=T']);
    const withPrefix = new Uint8Array(8 + c.length);
    withPrefix.set(new TextEncoder().encode('OpusTags'));
    withPrefix.set(c, 8);
    assert.equal(titleFromComments(withPrefix, 8), 'T');
  });
});
