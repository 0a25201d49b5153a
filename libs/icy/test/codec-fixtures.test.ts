/**
 * The splitters against real encoder output (fixtures from scripts/make-audio-fixtures.sh):
 * frame counts as ffprobe reported them, byte fidelity, chunking invariance, agreement with
 * codec-parser as an independent oracle, cut streams and junk between frames.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import CodecParser from 'codec-parser';
import type { CodecFrame, MimeType, OggPage } from 'codec-parser';
import { createFrameSplitter } from '../src/index.js';
import { chunkInvariant, collect, collectBytewise, concat, fixture } from './synth.js';

interface Case {
  file: string;
  contentType: string;
  /** Audio frames (or Ogg pages) ffprobe counted once with `-count_frames` (pages: OggS count). */
  frames: number;
  /** Header frames or pages before and between the audio ones. */
  headers: number;
  /** Total samples per channel: frames times frame size, FLAC's STREAMINFO, or final granules. */
  samples: number;
  /** Leading bytes that are not frames (an ID3v2 tag). */
  leading: number;
}

const CASES: Case[] = [
  {
    file: 'mp3-32k-22050-mono.mp3',
    contentType: 'audio/mpeg',
    frames: 79,
    headers: 0,
    samples: 79 * 576,
    leading: 0,
  },
  {
    file: 'mp3-128k-44100-stereo.mp3',
    contentType: 'audio/mpeg',
    frames: 78,
    headers: 0,
    samples: 78 * 1152,
    leading: 0,
  },
  {
    file: 'mp3-320k-48000-stereo.mp3',
    contentType: 'audio/mpeg',
    frames: 43,
    headers: 0,
    samples: 43 * 1152,
    leading: 0,
  },
  {
    file: 'mp3-vbr-44100.mp3',
    contentType: 'audio/mpeg',
    frames: 78,
    headers: 0,
    samples: 78 * 1152,
    leading: 0,
  },
  {
    file: 'mp3-8k-11025-mono.mp3',
    contentType: 'audio/mpeg',
    frames: 41,
    headers: 0,
    samples: 41 * 576,
    leading: 0,
  },
  {
    file: 'mp3-64k-44100-id3.mp3',
    contentType: 'audio/mpeg',
    frames: 40,
    headers: 0,
    samples: 40 * 1152,
    leading: 96,
  },
  {
    file: 'mp2-128k-48000.mp2',
    contentType: 'audio/mpeg',
    frames: 42,
    headers: 0,
    samples: 42 * 1152,
    leading: 0,
  },
  {
    file: 'aac-64k-44100.aac',
    contentType: 'audio/aac',
    frames: 88,
    headers: 0,
    samples: 88 * 1024,
    leading: 0,
  },
  {
    file: 'aac-24k-22050-mono.aac',
    contentType: 'audio/aacp',
    frames: 45,
    headers: 0,
    samples: 45 * 1024,
    leading: 0,
  },
  {
    file: 'native.flac',
    contentType: 'audio/flac',
    frames: 28,
    headers: 1,
    samples: 16000,
    leading: 0,
  },
  {
    file: 'vorbis.ogg',
    contentType: 'application/ogg',
    frames: 8,
    headers: 2,
    samples: 88200,
    leading: 0,
  },
  {
    file: 'opus.opus',
    contentType: 'audio/ogg',
    frames: 8,
    headers: 2,
    samples: 96312,
    leading: 0,
  },
  { file: 'flac.oga', contentType: 'audio/ogg', frames: 4, headers: 2, samples: 8000, leading: 0 },
  {
    file: 'chained.ogg',
    contentType: 'audio/ogg',
    frames: 4,
    headers: 4,
    samples: 2 * 22050,
    leading: 0,
  },
];

const ORACLE_MIME: Record<string, MimeType> = {
  'audio/mpeg': 'audio/mpeg',
  'audio/aac': 'audio/aac',
  'audio/aacp': 'audio/aac',
  'audio/flac': 'audio/flac',
  'application/ogg': 'application/ogg',
  'audio/ogg': 'audio/ogg',
};

const JUNK = new TextEncoder().encode('\r\n--junk from a confused source--\r\n');

for (const c of CASES) {
  describe(`fixture ${c.file}`, { timeout: 20000 }, () => {
    const input = fixture(c.file);
    const audio = input.subarray(c.leading);
    const split = () => createFrameSplitter(c.contentType);
    const whole = collect(split(), input);

    it('splits into the frames ffprobe counted, byte for byte', () => {
      assert.equal(whole.frames.filter((f) => !f.header).length, c.frames);
      assert.equal(whole.frames.filter((f) => f.header).length, c.headers);
      assert.deepEqual(whole.data, audio);
      assert.equal(whole.skipped, c.leading);
      assert.equal(whole.samples, c.samples);
    });

    it('gives the same output fed one byte at a time or in odd chunks', () => {
      const reference = chunkInvariant(whole);
      assert.deepEqual(chunkInvariant(collectBytewise(split(), input)), reference);
      assert.deepEqual(chunkInvariant(collect(split(), input, [7, 1000, 333, 4096])), reference);
    });

    it('agrees with codec-parser on every frame boundary', () => {
      const parser = new CodecParser(ORACLE_MIME[c.contentType]!, { enableFrameCRC32: false });
      const theirs = parser
        .parseAll(input)
        .map((f) => ('rawData' in f ? (f as OggPage).rawData : (f as CodecFrame).data).length);
      // codec-parser discards the native FLAC metadata block, which is a header frame here.
      const ours = whole.frames
        .filter((f) => c.contentType !== 'audio/flac' || !f.header)
        .map((f) => f.length);
      assert.deepEqual(ours, theirs);
    });

    it('loses only the partial frame when the stream is cut mid-frame', () => {
      const middle = whole.frames[Math.floor(whole.frames.length / 2)]!;
      const cutAt = c.leading + middle.offset + Math.ceil(middle.length / 2);
      const cut = collect(split(), input.subarray(0, cutAt));
      assert.deepEqual(cut.data, audio.subarray(0, middle.offset));
      assert.equal(cut.skipped, c.leading + Math.ceil(middle.length / 2));
    });

    it('skips junk between frames and counts it', () => {
      const at = whole.frames[whole.frames.length - 3]!;
      const withJunk = concat(
        input.subarray(0, c.leading + at.offset),
        JUNK,
        input.subarray(c.leading + at.offset),
      );
      const r = collect(split(), withJunk);
      if (c.contentType === 'audio/flac') {
        // A FLAC frame ends only where the next sync confirms it, so the frame before junk goes.
        const before = whole.frames[whole.frames.length - 4]!;
        assert.equal(r.skipped, JUNK.length + before.length);
        assert.equal(r.frames.length, whole.frames.length - 1);
      } else {
        assert.deepEqual(r.data, audio);
        assert.equal(r.skipped, c.leading + JUNK.length);
      }
    });
  });
}
