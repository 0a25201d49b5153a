/** Unit tests of source info headers, audio info parsing and content-type cleaning. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeaderMap } from '@penguincast/icy';
import { audioInfoOf, infoFromHeaders, oggCodecOf, safeContentType } from './source-info.js';

test('info keeps ice-/icy- headers lowercased, first value, sanitised', { timeout: 5_000 }, () => {
  const h = new HeaderMap([
    ['Ice-Name', 'My\tStation\x01'],
    ['ice-name', 'second'],
    ['icy-genre', 'Rock'],
    ['icy-metaint', '8192'],
    ['Authorization', 'Basic x'],
    ['ice-audio-info', 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2'],
  ]);
  assert.deepEqual(infoFromHeaders(h), {
    'ice-name': 'My Station',
    'icy-genre': 'Rock',
    'ice-audio-info': 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2',
  });
});

test('audio info from ice-audio-info, ice-bitrate and the config', { timeout: 5_000 }, () => {
  assert.deepEqual(
    audioInfoOf({ 'ice-audio-info': 'ice-samplerate=44100;ice-bitrate=128;ice-channels=2' }, 'mp3'),
    { codec: 'mp3', bitrateKbps: 128, sampleRate: 44100, channels: 2 },
  );
  assert.deepEqual(audioInfoOf({ 'ice-bitrate': '96', 'ice-audio-info': 'quality=0.5' }, 'ogg'), {
    codec: 'ogg',
    bitrateKbps: 96,
    quality: '0.5',
  });
  assert.deepEqual(audioInfoOf({}, 'unknown', 64), { bitrateKbps: 64 });
  assert.deepEqual(audioInfoOf({ 'ice-bitrate': 'lots' }, 'aac'), { codec: 'aac' });
});

test('Ogg codec names and safe content types', { timeout: 5_000 }, () => {
  assert.equal(oggCodecOf(Buffer.from('OggS....\x01vorbis')), 'vorbis');
  assert.equal(oggCodecOf(Buffer.from('OggS....OpusHead')), 'opus');
  assert.equal(oggCodecOf(Buffer.from('OggS')), undefined);
  assert.equal(safeContentType(' audio/mpeg '), 'audio/mpeg');
  assert.equal(safeContentType('audio/ógg'), 'audio/gg');
  assert.equal(safeContentType('\x01'), 'application/octet-stream');
});
