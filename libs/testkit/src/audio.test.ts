/**
 * Tests of the audio helpers with the real tools: cached synthetic files for every codec,
 * ffmpeg decode checks, mp3check, and ffmpeg as a PUT and SOURCE client of a tiny node:net
 * server on 127.0.0.1 that records what it receives.
 */
import assert from 'node:assert/strict';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createFrameSplitter } from '@penguincast/icy';
import { waitFor } from './wait.js';
import {
  contentTypeFor,
  decodeCheck,
  makeTestAudio,
  mp3check,
  startFfmpegSource,
  type TestCodec,
} from './audio.js';

describe('audio helpers', { timeout: 60000 }, () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pc-audio-test-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const codecs: TestCodec[] = ['mp3', 'aac', 'vorbis', 'opus', 'flac'];
  for (const codec of codecs) {
    it(`makeTestAudio(${codec}) encodes a file that decodes cleanly and frames fully`, async () => {
      const path = await makeTestAudio({ codec, seconds: 1, dir });
      const check = await decodeCheck(path);
      assert.deepEqual(check, { ok: true, errors: [] });
      const bytes = readFileSync(path);
      const splitter = createFrameSplitter(contentTypeFor(codec));
      const r = splitter.push(bytes);
      const rest = splitter.flush();
      assert.equal(r.data.length + rest.data.length, bytes.length);
      assert.ok(r.durationMs + rest.durationMs >= 900, `${codec} lasts about a second`);
    });
  }

  it('makeTestAudio caches by parameters', async () => {
    const a = await makeTestAudio({ codec: 'mp3', seconds: 1, bitrate: 64, dir });
    const before = statSync(a).mtimeMs;
    const b = await makeTestAudio({ codec: 'mp3', seconds: 1, bitrate: 64, dir });
    assert.equal(b, a);
    assert.equal(statSync(b).mtimeMs, before);
    const c = await makeTestAudio({
      codec: 'mp3',
      seconds: 1,
      bitrate: 32,
      sampleRate: 22050,
      channels: 1,
      dir,
    });
    assert.notEqual(c, a);
  });

  it('decodeCheck reports errors for damaged bytes', async () => {
    const path = await makeTestAudio({ codec: 'vorbis', seconds: 1, dir });
    const bytes = readFileSync(path);
    const damaged = Buffer.concat([bytes.subarray(0, 4000), bytes.subarray(6000)]);
    const r = await decodeCheck(damaged, 'ogg');
    assert.equal(r.ok, false);
    assert.ok(r.errors.length > 0);
    assert.equal((await decodeCheck(bytes, 'ogg')).ok, true);
  });

  it('mp3check accepts clean frames and reports junk from the first byte', async () => {
    const path = await makeTestAudio({ codec: 'mp3', seconds: 1, dir });
    const bytes = readFileSync(path);
    assert.deepEqual(await mp3check(path), { ok: true, output: '' });
    // A capture cut mid-frame is tolerated unless strictEnd is set.
    const cut = bytes.subarray(0, bytes.length - 100);
    assert.equal((await mp3check(cut)).ok, true);
    assert.equal((await mp3check(cut, { strictEnd: true })).ok, false);
    const junk = await mp3check(Buffer.concat([Buffer.from('junk'), bytes]));
    assert.equal(junk.ok, false);
    assert.match(junk.output, /junk/);
  });
});

/** Body bytes the sink received from the current source, for waiting until audio flows. */
let bodyBytes = 0;

interface Received {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A minimal Icecast stand-in on node:net: node:http cannot take a PUT without Content-Length or
 * chunking, which is how sources send. It answers 100 Continue when asked and records the
 * request head and every body byte until the source hangs up. It sends no final 200 OK, unlike
 * Icecast: ffmpeg never reads one, and a reply left unread in its socket makes its close a
 * reset, which throws away the body bytes the sink has not read yet (a quick file source then
 * seems to send only its first Ogg page).
 */
function sourceSink(onDone: (r: Received) => void): NetServer {
  return createNetServer((socket) => {
    let head = Buffer.alloc(0);
    let entry: Received | undefined;
    const body: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      if (entry) {
        body.push(chunk);
        bodyBytes += chunk.length;
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        return;
      }
      const [requestLine = '', ...lines] = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method = '', url = ''] = requestLine.split(' ');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      entry = { method, url, headers, body: Buffer.alloc(0) };
      body.push(head.subarray(end + 4));
      if (headers['expect']?.toLowerCase() === '100-continue') {
        socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (entry) {
        entry.body = Buffer.concat(body);
        onDone(entry);
      }
    });
  });
}

describe('startFfmpegSource', { timeout: 60000 }, () => {
  let server: NetServer;
  let port = 0;
  let arrived: (r: Received) => void = () => {};

  before(async () => {
    server = sourceSink((r) => arrived(r));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const next = () => {
    bodyBytes = 0;
    return new Promise<Received>((resolve) => (arrived = resolve));
  };

  it('streams a live tone with PUT, credentials and ice headers, in real time', async () => {
    const got = next();
    const started = Date.now();
    const source = startFfmpegSource({
      url: `icecast://source:hackme@127.0.0.1:${port}/live.mp3`,
      codec: 'mp3',
      seconds: 1,
      iceName: 'Test Radio',
      iceGenre: 'Tests',
      icePublic: false,
    });
    assert.ok(source.pid > 0);
    const r = await got;
    assert.equal(await source.exited, 0, source.log());
    assert.ok(Date.now() - started >= 900, 'realtime input took about a second');
    assert.equal(r.method, 'PUT');
    assert.equal(r.url, '/live.mp3');
    assert.equal(r.headers['content-type'], 'audio/mpeg');
    assert.equal(r.headers['ice-name'], 'Test Radio');
    assert.equal(r.headers['ice-genre'], 'Tests');
    assert.equal(r.headers['ice-public'], '0');
    assert.equal(
      r.headers.authorization,
      `Basic ${Buffer.from('source:hackme').toString('base64')}`,
    );
    assert.deepEqual(await mp3check(r.body), { ok: true, output: '' });
  });

  it('sends a file with the legacy SOURCE method and Ogg titles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-audio-src-'));
    try {
      const file = await makeTestAudio({ codec: 'vorbis', seconds: 1, dir });
      const got = next();
      const source = startFfmpegSource({
        url: `icecast://source:pw@127.0.0.1:${port}/ogg`,
        codec: 'vorbis',
        file,
        copy: true,
        realtime: false,
        legacyIcecast: true,
        metadata: { title: 'Copied', artist: 'Testkit' },
      });
      const r = await got;
      assert.equal(await source.exited, 0, source.log());
      assert.equal(r.method, 'SOURCE');
      assert.equal(r.headers['content-type'], 'audio/ogg');
      const split = createFrameSplitter('audio/ogg').push(r.body);
      assert.equal(split.title?.title, 'Testkit - Copied');
      assert.equal((await decodeCheck(r.body, 'ogg')).ok, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stop() ends an endless looping source and waits for its exit', async () => {
    const got = next();
    const source = startFfmpegSource({
      url: `icecast://source:pw@127.0.0.1:${port}/loop`,
      codec: 'aac',
    });
    await waitFor(() => bodyBytes > 0, 10_000, 'audio from the looping source');
    await source.stop();
    const code = await source.exited;
    assert.notEqual(code, undefined);
    assert.throws(() => process.kill(source.pid, 0), /ESRCH/);
    const r = await got;
    assert.ok(r.body.length > 0);
  });
});
