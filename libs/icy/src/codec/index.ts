/**
 * Codec frame splitting: picks the splitter for a source's content type through the one
 * content-type lookup, and re-exports the splitters and their types. Pure: no I/O, timers,
 * clock or logging.
 */

// Why not codec-parser (which the package also depends on): measured against the fixtures,
// codec-parser 2.5 is byte-faithful on clean input and can be fed incrementally, but it does
// not verify Ogg page CRCs (a page with junk inside passed through), drops junk and ID3 tags
// without counting them, discards the native FLAC metadata header a listener needs, and does
// not read comment titles. Those are this module's jobs, and the MPEG and ADTS header tables
// are small, so the splitters are written here; the tests use codec-parser as an independent
// oracle for frame boundaries instead.
import { codecFromContentType } from '../content-type.js';
import { AdtsSplitter } from './adts.js';
import { FlacSplitter } from './flac.js';
import { Mp3Splitter } from './mp3.js';
import { OggSplitter } from './ogg.js';
import { PassthroughSplitter } from './passthrough.js';
import type { FrameSplitter } from './types.js';

export type { FrameInfo, FrameSplitter, SplitResult, StreamTitle } from './types.js';
export { Mp3Splitter, parseMpegHeader, MPEG_HEADER_BYTES } from './mp3.js';
export type { MpegHeader } from './mp3.js';
export { AdtsSplitter, parseAdtsHeader, ADTS_HEADER_BYTES } from './adts.js';
export type { AdtsHeader } from './adts.js';
export { OggSplitter, OGG_PAGE_HEADER_BYTES } from './ogg.js';
export type { OggCodec } from './ogg-codecs.js';
export { FlacSplitter, parseFlacFrameHeader, FLAC_MAX_HEADER_BYTES } from './flac.js';
export type { FlacFrameHeader } from './flac.js';
export { PassthroughSplitter } from './passthrough.js';
export type { SyncFrameHeader } from './sync-splitter.js';

/**
 * Creates the frame splitter for a source's `Content-Type` (parameters and case ignored).
 * Types the lookup does not know, and a missing type, get the passthrough splitter.
 */
export function createFrameSplitter(contentType: string | undefined): FrameSplitter {
  switch (codecFromContentType(contentType)) {
    case 'mp3':
      return new Mp3Splitter();
    case 'aac':
      return new AdtsSplitter();
    case 'ogg':
      return new OggSplitter();
    case 'flac':
      return new FlacSplitter();
    default:
      return new PassthroughSplitter();
  }
}
