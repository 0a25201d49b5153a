/**
 * A chained Ogg Vorbis source (two links one after the other, as a playout that restarts its
 * encoder per track sends) through the single process at real-time rate: listeners who join
 * shortly after the link change, whose burst would reach back into the first link, must still
 * get a stream ffmpeg decodes without an error from its first byte.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { OggSplitter } from '@penguincast/icy';
import {
  decodeCheck,
  freePortPair,
  makeTestAudio,
  openListener,
  type ListenResult,
} from '@penguincast/testkit';
import { startService, waitForHttp, writeConfig, type ServiceProcess } from './harness.js';

// Longer than the default 64 KiB burst at 96 kbit/s, so every burst starts inside the first link.
const LINK1_SECONDS = 8;
let port = 0;
let station: ServiceProcess | undefined;
let stream: Buffer;
let boundary = 0;

before(async () => {
  const link1 = readFileSync(
    await makeTestAudio({ codec: 'vorbis', seconds: LINK1_SECONDS, frequency: 440 }),
  );
  const link2 = readFileSync(await makeTestAudio({ codec: 'vorbis', seconds: 8, frequency: 660 }));
  stream = Buffer.concat([link1, link2]);
  boundary = link1.length;
  port = await freePortPair();
  const cfg = writeConfig({
    Host: '127.0.0.1',
    Socket: { Port: port },
    Auth: { AdminPassword: 'adminpw', SourcePassword: 'srcpw' },
  });
  station = startService(undefined, cfg.path, { PENGUINCAST_LOG_DIR: `${cfg.dir}/log` });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, 200);
});

after(async () => {
  await station?.stop();
});

/** Each page of `data` with the time (ms from the start) at which a live encoder sends it. */
function pacedPages(data: Buffer): Array<{ at: number; bytes: Buffer }> {
  const s = new OggSplitter();
  const out: Array<{ at: number; bytes: Buffer }> = [];
  let ms = 0;
  for (const r of [s.push(data), s.flush()]) {
    for (const f of r.frames) {
      out.push({ at: ms, bytes: Buffer.from(r.data.subarray(f.offset, f.offset + f.length)) });
      ms += f.sampleRate > 0 ? (f.samples / f.sampleRate) * 1000 : 0;
    }
  }
  return out;
}

/** PUTs `data` as Ogg at real time; resolves with the socket once the 200 came. */
async function realTimeSource(data: Buffer): Promise<{ socket: Socket; boundaryAt: number }> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  const auth = Buffer.from('source:srcpw').toString('base64');
  socket.write(
    `PUT /chain.ogg HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${auth}\r\n` +
      'Content-Type: audio/ogg\r\nice-name: Chained\r\n\r\n',
  );
  await new Promise<void>((r) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString('latin1');
      if (got.includes('200 OK')) {
        socket.off('data', onData);
        r();
      }
    };
    socket.on('data', onData);
  });
  const pages = pacedPages(data);
  let offset = 0;
  let boundaryAt = 0;
  for (const p of pages) {
    if (offset === boundary) {
      boundaryAt = p.at;
    }
    offset += p.bytes.length;
  }
  const started = performance.now();
  let next = 0;
  const timer = setInterval(() => {
    const now = performance.now() - started;
    while (next < pages.length && pages[next]!.at <= now) {
      socket.write(pages[next]!.bytes);
      next += 1;
    }
    if (next >= pages.length) {
      clearInterval(timer);
    }
  }, 20);
  socket.once('close', () => clearInterval(timer));
  return { socket, boundaryAt: started + boundaryAt };
}

test(
  'listeners joining just after a chained Ogg link change decode cleanly',
  { timeout: 60_000 },
  async () => {
    const { socket, boundaryAt } = await realTimeSource(stream);
    try {
      const joins = [500, 1000, 1500];
      const results: Array<Promise<ListenResult>> = [];
      for (const delay of joins) {
        const wait = boundaryAt + delay - performance.now();
        await new Promise((r) => setTimeout(r, Math.max(0, wait)));
        results.push(
          openListener(`http://127.0.0.1:${port}/chain.ogg`, { metadata: true, durationMs: 2500 })
            .done,
        );
      }
      for (const [i, r] of (await Promise.all(results)).entries()) {
        assert.equal(r.status, 200);
        assert.deepEqual(r.framingErrors, []);
        assert.ok(r.audio.length > 10_000, `listener ${i}: only ${r.audio.length} bytes`);
        const check = await decodeCheck(r.audio, 'ogg');
        assert.deepEqual(check.errors, [], `listener ${i} joining ${joins[i]} ms after the change`);
      }
    } finally {
      socket.destroy();
    }
  },
);
