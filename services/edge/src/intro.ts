/**
 * Intro files (`Mounts[].Intro`): read once when the edge starts and cut to whole frames by the
 * codec splitter, so the live audio after an intro starts on a frame boundary. Reading happens
 * only at start; serving an intro never touches the disk.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  codecFromContentType,
  contentTypeFromFileName,
  createFrameSplitter,
  type CodecKind,
} from '@penguincast/icy';
import type { Logger } from 'pino';
import type { MountSettings } from './config.js';

/** Largest intro kept in memory; an intro is a jingle, not a programme. */
export const MAX_INTRO_BYTES = 4 * 1024 * 1024;

/** One mount's intro, ready to send. */
export interface Intro {
  /** Whole frames of the file (Ogg and FLAC header pages included). */
  data: Uint8Array;
  /** The codec of the file, which must match the stream it precedes. */
  codec: CodecKind;
}

/** Reads one intro file and keeps its whole frames; throws when it cannot be framed. */
export async function loadIntro(path: string): Promise<Intro> {
  if ((await stat(path)).size > MAX_INTRO_BYTES) {
    throw new RangeError(`${basename(path)} is larger than ${MAX_INTRO_BYTES} bytes`);
  }
  const contentType = contentTypeFromFileName(path);
  const splitter = createFrameSplitter(contentType);
  if (!splitter.framed) {
    throw new TypeError(`${basename(path)}: intros must be MP3, AAC, Ogg or FLAC files`);
  }
  const bytes = await readFile(path);
  const data = Buffer.concat([splitter.push(bytes).data, splitter.flush().data]);
  if (data.length === 0) {
    throw new TypeError(`${basename(path)} holds no whole audio frames`);
  }
  return { data, codec: codecFromContentType(contentType) };
}

/**
 * Reads the intro of every mount that has one. A file that cannot be read is logged and left
 * out: the mount is served without an intro rather than not at all.
 */
export async function loadIntros(
  mounts: Iterable<MountSettings>,
  log: Logger,
): Promise<Map<string, Intro>> {
  const out = new Map<string, Intro>();
  for (const m of mounts) {
    if (m.intro === undefined) {
      continue;
    }
    try {
      const intro = await loadIntro(m.intro);
      out.set(m.name, intro);
      log.info({ mount: m.name, bytes: intro.data.length }, 'intro loaded');
    } catch (err) {
      log.error({ err, mount: m.name, file: m.intro }, 'cannot load the intro; serving without it');
    }
  }
  return out;
}
