/**
 * Real audio for tests: synthetic files made by ffmpeg (cached), ffmpeg running as an Icecast
 * source, and checks of received audio with ffmpeg's decoder and mp3check. Every process is
 * spawned asynchronously, so servers in the same process keep running, and stopped by its pid.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './binaries.js';

/** Codecs the helpers encode; `vorbis` and `opus` go in Ogg, `flac` is native FLAC. */
export type TestCodec = 'mp3' | 'aac' | 'vorbis' | 'opus' | 'flac';

interface CodecSpec {
  encoder: string;
  format: string;
  ext: string;
  contentType: string;
  /** Default bitrate in kbit/s; 0 for lossless. */
  bitrate: number;
  sampleRate: number;
}

function spec(
  encoder: string,
  format: string,
  ext: string,
  contentType: string,
  bitrate: number,
  sampleRate: number,
): CodecSpec {
  return { encoder, format, ext, contentType, bitrate, sampleRate };
}

const CODECS: Record<TestCodec, CodecSpec> = {
  mp3: spec('libmp3lame', 'mp3', 'mp3', 'audio/mpeg', 128, 44100),
  aac: spec('aac', 'adts', 'aac', 'audio/aac', 64, 44100),
  vorbis: spec('libvorbis', 'ogg', 'ogg', 'audio/ogg', 96, 44100),
  // Opus only encodes at 48 kHz and its submultiples.
  opus: spec('libopus', 'ogg', 'opus', 'audio/ogg', 64, 48000),
  flac: spec('flac', 'flac', 'flac', 'audio/flac', 0, 44100),
};

/** The Content-Type a source of this codec announces. */
export function contentTypeFor(codec: TestCodec): string {
  return CODECS[codec].contentType;
}

/** Encoding parameters shared by {@link makeTestAudio} and {@link startFfmpegSource}. */
export interface EncodeOptions {
  /** Output codec. */
  codec: TestCodec;
  /** Bitrate in kbit/s; by default 128 (mp3), 64 (aac, opus), 96 (vorbis); ignored for flac. */
  bitrate?: number;
  /** Sample rate in Hz; default 44100 (48000 for opus). */
  sampleRate?: number;
  /** Channel count; default 2. */
  channels?: 1 | 2;
  /** Tone frequency of the synthetic signal in Hz; default 440. */
  frequency?: number;
}

/** Options of {@link makeTestAudio}. */
export interface TestAudioOptions extends EncodeOptions {
  /** Length in seconds. */
  seconds: number;
  /** Cache folder; default `$TMPDIR/penguincast-test-audio`. */
  dir?: string;
}

/**
 * Encodes `seconds` of a tone mixed with quiet pink noise and returns the file's path. Files
 * are cached by their parameters, so repeated calls across tests cost nothing. MP3 files carry
 * no ID3 tag and no Xing frame, like a live source's stream.
 */
export async function makeTestAudio(opts: TestAudioOptions): Promise<string> {
  const spec = CODECS[opts.codec];
  const e = encodeParams(opts);
  const dir = opts.dir ?? join(tmpdir(), 'penguincast-test-audio');
  mkdirSync(dir, { recursive: true });
  const name = `${opts.codec}-${opts.seconds}s-${e.bitrate}k-${e.sampleRate}-${e.channels}ch-${e.frequency}.${spec.ext}`;
  const path = join(dir, name);
  if (existsSync(path) && statSync(path).size > 0) {
    return path;
  }
  // Encode under a private name and rename, so concurrent test files never read a half file.
  const partial = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
  const input = ['-f', 'lavfi', '-i', signal(e.sampleRate, e.frequency)];
  const args = [...QUIET, '-y', ...input, '-t', String(opts.seconds), ...codecArgs(opts.codec, e)];
  args.push(partial);
  const r = await run(requireBinary('ffmpeg', FFMPEG_HINT), args, { timeoutMs: 60000 });
  if (r.code !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`ffmpeg could not encode ${name}: ${r.stderr.trim()}`);
  }
  renameSync(partial, path);
  return path;
}

/** Options of {@link startFfmpegSource}. */
export interface FfmpegSourceOptions extends EncodeOptions {
  /** Target, e.g. `icecast://source:hackme@127.0.0.1:8000/live.mp3`. */
  url: string;
  /** Input file; without it a synthetic tone is generated live. */
  file?: string;
  /** A lavfi source graph used instead of the default tone when no `file` is given. */
  lavfi?: string;
  /** Sends the file's audio unchanged (`-c:a copy`) instead of re-encoding it. */
  copy?: boolean;
  /** Content-Type to announce; by default the codec's. */
  contentType?: string;
  /** Reads input at its native rate (`-re`), as a live source sends; default true. */
  realtime?: boolean;
  /** Repeats the input file forever. */
  loop?: boolean;
  /** Stops after this many seconds of output. */
  seconds?: number;
  /** `ice-name`, `ice-description`, `ice-genre`, `ice-url` and `ice-public` of the stream. */
  iceName?: string;
  iceDescription?: string;
  iceGenre?: string;
  iceUrl?: string;
  icePublic?: boolean;
  /** Uses the pre-2.4 `SOURCE` method instead of `PUT`. */
  legacyIcecast?: boolean;
  /** User-Agent header to send. */
  userAgent?: string;
  /** Metadata (e.g. `{ title: 'x' }`), written into Ogg comments by the muxer. */
  metadata?: Record<string, string>;
  /** Further arguments inserted before the URL. */
  extraArgs?: string[];
  /** How long `stop()` waits after SIGTERM before SIGKILL; default 5000 ms. */
  killTimeoutMs?: number;
}

/** A running ffmpeg source. Always `await stop()` it (or `await using` it). */
export interface FfmpegSourceHandle {
  /** The ffmpeg process id. */
  readonly pid: number;
  /** Resolves with ffmpeg's exit code (`null` when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** ffmpeg's stderr so far, for assertion messages. */
  log(): string;
  /** Sends SIGTERM (SIGKILL after the timeout) and resolves once the process has exited. */
  stop(): Promise<void>;
  /** Same as `stop()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts ffmpeg streaming to an Icecast-compatible server as a source client. */
export function startFfmpegSource(opts: FfmpegSourceOptions): FfmpegSourceHandle {
  const bin = requireBinary('ffmpeg', FFMPEG_HINT);
  const e = encodeParams(opts);
  const pre = opts.realtime === false ? [] : ['-re'];
  const input = opts.file
    ? [...(opts.loop ? ['-stream_loop', '-1'] : []), ...pre, '-i', opts.file]
    : [...pre, '-f', 'lavfi', '-i', opts.lavfi ?? signal(e.sampleRate, e.frequency)];
  const encode = opts.copy
    ? ['-c:a', 'copy', '-f', CODECS[opts.codec].format]
    : codecArgs(opts.codec, e);
  const ice: string[] = ['-content_type', opts.contentType ?? CODECS[opts.codec].contentType];
  const text: [string, string | undefined][] = [
    ['-ice_name', opts.iceName],
    ['-ice_description', opts.iceDescription],
    ['-ice_genre', opts.iceGenre],
    ['-ice_url', opts.iceUrl],
    ['-user_agent', opts.userAgent],
  ];
  for (const [flag, value] of text) {
    if (value !== undefined) {
      ice.push(flag, value);
    }
  }
  if (opts.icePublic !== undefined) {
    ice.push('-ice_public', opts.icePublic ? '1' : '0');
  }
  if (opts.legacyIcecast) {
    ice.push('-legacy_icecast', '1');
  }
  const meta = Object.entries(opts.metadata ?? {}).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
  const limit = opts.seconds !== undefined ? ['-t', String(opts.seconds)] : [];
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', ...input, ...limit, ...encode];
  args.push(...meta, ...ice, ...(opts.extraArgs ?? []), opts.url);
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    // Only the tail is kept: a source that runs for minutes may log continuously.
    stderr = (stderr + d).slice(-64 * 1024);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      stderr += String(err);
      resolve(null);
    });
    child.on('exit', (code) => resolve(code));
  });
  const pid = child.pid ?? -1;
  const stop = () => stopProcess(pid, exited, opts.killTimeoutMs ?? 5000);
  return { pid, exited, log: () => stderr, stop, [Symbol.asyncDispose]: stop };
}

/** The outcome of {@link decodeCheck}. */
export interface DecodeCheckResult {
  /** True when ffmpeg decoded everything with no error message and exit code 0. */
  readonly ok: boolean;
  /** ffmpeg's error lines (and a line for a non-zero exit code). */
  readonly errors: string[];
}

/**
 * Decodes a file or bytes with `ffmpeg -v error -i … -f null -` and collects every error, so
 * a test can assert that what a listener received is clean audio. `format` forces the demuxer
 * (`mp3`, `adts`, `ogg`, `flac`) where probing a short buffer might guess wrong.
 */
export async function decodeCheck(
  input: string | Uint8Array,
  format?: string,
  timeoutMs = 30000,
): Promise<DecodeCheckResult> {
  const bin = requireBinary('ffmpeg', FFMPEG_HINT);
  const source = typeof input === 'string' ? input : 'pipe:0';
  const demuxer = format ? ['-f', format] : [];
  const args = [...QUIET, ...demuxer, '-i', source, '-f', 'null', '-'];
  const bytes = typeof input === 'string' ? undefined : input;
  const r = await run(bin, args, { input: bytes, timeoutMs });
  const errors = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (r.code !== 0) {
    errors.push(`ffmpeg exited with ${r.code}`);
  }
  return { ok: errors.length === 0, errors };
}

/** Options of {@link mp3check}. */
export interface Mp3CheckOptions {
  /** Also report a truncated last frame (a capture usually ends mid-frame); default false. */
  strictEnd?: boolean;
}

/** The outcome of {@link mp3check}. */
export interface Mp3CheckResult {
  /** True when mp3check exited 0 and printed nothing. */
  readonly ok: boolean;
  /** mp3check's messages, one per line. */
  readonly output: string;
}

/**
 * Checks MPEG audio with `mp3check -e -s -B`: headers and CRCs of every frame, with errors
 * from the first byte on (junk or a partial frame in front is reported), bitrate switching
 * allowed for VBR, and a truncated last frame tolerated (`-T`) unless `strictEnd`. mp3check
 * does not know MPEG-2.5 (8, 11.025, 12 kHz) and calls such streams "not an audio mpeg stream".
 */
export async function mp3check(
  input: string | Uint8Array,
  opts: Mp3CheckOptions = {},
): Promise<Mp3CheckResult> {
  const bin = requireBinary('mp3check', 'apt-get install -y mp3check');
  // mp3check reads files only (it maps them), so bytes go through a temporary file.
  let dir: string | undefined;
  let path = typeof input === 'string' ? input : '';
  if (typeof input !== 'string') {
    dir = mkdtempSync(join(tmpdir(), 'pc-mp3check-'));
    path = join(dir, 'stream.mp3');
    writeFileSync(path, input);
  }
  try {
    const args = ['-e', '-s', '-B', ...(opts.strictEnd ? [] : ['-T']), path];
    const r = await run(bin, args, { timeoutMs: 30000 });
    const output = (r.stdout + r.stderr).trim();
    return { ok: r.code === 0 && output === '', output };
  } finally {
    if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const FFMPEG_HINT = 'apt-get install -y ffmpeg';
/** Leading ffmpeg arguments of the one-shot runs: no banner, no stdin prompts, errors only. */
const QUIET = ['-hide_banner', '-nostdin', '-v', 'error'];

interface EncodeParams {
  bitrate: number;
  sampleRate: number;
  channels: number;
  frequency: number;
}

function encodeParams(o: EncodeOptions): EncodeParams {
  const spec = CODECS[o.codec];
  return {
    bitrate: spec.bitrate === 0 ? 0 : (o.bitrate ?? spec.bitrate),
    sampleRate: o.sampleRate ?? spec.sampleRate,
    channels: o.channels ?? 2,
    frequency: o.frequency ?? 440,
  };
}

/** A lavfi graph of a tone mixed with quiet pink noise, so encoders see realistic content. */
function signal(sampleRate: number, frequency: number): string {
  return (
    `sine=frequency=${frequency}:sample_rate=${sampleRate}[tone];` +
    `anoisesrc=color=pink:amplitude=0.03:sample_rate=${sampleRate}:seed=7[noise];` +
    '[tone][noise]amix=inputs=2:duration=shortest:normalize=0[out0]'
  );
}

function codecArgs(codec: TestCodec, e: EncodeParams): string[] {
  const spec = CODECS[codec];
  const args = ['-ar', String(e.sampleRate), '-ac', String(e.channels), '-c:a', spec.encoder];
  if (e.bitrate > 0) {
    args.push('-b:a', `${e.bitrate}k`);
  }
  if (codec === 'mp3') {
    args.push('-id3v2_version', '0', '-write_xing', '0');
  }
  if (codec === 'flac') {
    args.push('-sample_fmt', 's16');
  }
  return [...args, '-f', spec.format];
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, feeding `input` on stdin; kills it by pid on timeout. */
async function run(
  bin: string,
  args: string[],
  o: { input?: Uint8Array; timeoutMs: number },
): Promise<RunResult> {
  const child = spawn(bin, args, { stdio: [o.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      stderr += String(err);
      resolve(null);
    });
    child.on('close', (code) => resolve(code));
  });
  if (o.input && child.stdin) {
    // A tool that stops reading early closes its stdin; its exit code tells the story.
    child.stdin.on('error', () => {});
    child.stdin.end(o.input);
  }
  const pid = child.pid ?? -1;
  const timer = setTimeout(() => {
    stderr += `\n${bin} timed out after ${o.timeoutMs} ms`;
    void stopProcess(pid, exited, 1000);
  }, o.timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** SIGTERM to `pid`, SIGKILL after `killTimeoutMs`, and resolves when `exited` settles. */
async function stopProcess(
  pid: number,
  exited: Promise<unknown>,
  killTimeoutMs: number,
): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone: nothing to signal.
    }
  };
  if (pid <= 0) {
    await exited;
    return;
  }
  let done = false;
  void exited.then(() => (done = true));
  signal('SIGTERM');
  const timer = setTimeout(() => {
    if (!done) {
      signal('SIGKILL');
    }
  }, killTimeoutMs);
  await exited;
  clearTimeout(timer);
}
