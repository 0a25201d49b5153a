/**
 * Codecs of the messages that carry bytes, source announcements (Ogg header pages) and burst
 * replies (recent frames), in the binary envelope so the bytes travel raw.
 */
import { readTitleEntry } from './codec-json.js';
import { blobAt, decodeEnvelope, encodeEnvelope } from './envelope.js';
import type { AudioInfo, BurstReply, SourceAnnouncement, TitleEntry } from './messages.js';
import {
  Fields,
  MESSAGE_VERSION,
  checkHeader,
  checkOutgoing,
  compact,
  type Obj,
} from './validate.js';

/** Collects blobs while a message is flattened, handing out their indices. */
class BlobList {
  readonly blobs: Uint8Array[] = [];

  add(bytes: Uint8Array): number {
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError('binary fields must be Uint8Array');
    }
    this.blobs.push(bytes);
    return this.blobs.length - 1;
  }
}

function pack(
  tag: string,
  body: Obj,
  list: BlobList,
  read: (o: Obj, blobs: Uint8Array[]) => unknown,
): Uint8Array {
  const wire = { v: MESSAGE_VERSION, t: tag, ...compact(body) };
  checkOutgoing(() => read(wire, list.blobs));
  return encodeEnvelope(wire, list.blobs);
}

function unpack(f: Fields, tag: string, bytes: Uint8Array): { o: Obj; blobs: Uint8Array[] } {
  const { json, blobs } = decodeEnvelope(f, bytes);
  return { o: checkHeader(f, tag, json), blobs };
}

function blobList(f: Fields, o: Obj, key: string, blobs: Uint8Array[]): Uint8Array[] {
  return f.arr(o[key], key).map((v, i) => blobAt(f, blobs, v, `${key}[${i}]`));
}

// ---- SourceAnnouncement -------------------------------------------------------------------

const fSource = new Fields('SourceAnnouncement');

function readAudio(o: Obj): AudioInfo {
  const a = fSource.obj(o['audio'], 'audio');
  return compact({
    codec: fSource.optStr(a, 'codec', 'audio.'),
    bitrateKbps: a['bitrateKbps'] == null ? undefined : fSource.num(a, 'bitrateKbps', 'audio.'),
    sampleRate: fSource.optInt(a, 'sampleRate', 'audio.'),
    channels: fSource.optInt(a, 'channels', 'audio.'),
    quality: fSource.optStr(a, 'quality', 'audio.'),
  });
}

function readSource(o: Obj, blobs: Uint8Array[]): SourceAnnouncement {
  return compact({
    state: fSource.oneOf(o, 'state', ['up', 'down'] as const),
    mount: fSource.str(o, 'mount', '', true),
    session: fSource.str(o, 'session', '', true),
    contentType: fSource.str(o, 'contentType'),
    info: fSource.strRecord(o, 'info'),
    audio: readAudio(o),
    headerPages: blobList(fSource, o, 'headerPages', blobs),
    startedAtMs: fSource.int(o, 'startedAtMs'),
    sourceIp: fSource.str(o, 'sourceIp'),
    userAgent: fSource.optStr(o, 'userAgent'),
    instanceId: fSource.str(o, 'instanceId', '', true),
    position: fSource.int(o, 'position'),
    reason: fSource.optStr(o, 'reason'),
  });
}

/** Encodes a source announcement for `<prefix>.source.<m>`. Throws `TypeError` on bad fields. */
export function encodeSourceAnnouncement(msg: SourceAnnouncement): Uint8Array {
  const list = new BlobList();
  return pack('source', flattenSource(msg, list), list, readSource);
}

/** The announcement as JSON with its header pages moved into `list`. */
function flattenSource(msg: SourceAnnouncement, list: BlobList): Obj {
  return {
    ...msg,
    audio: compact({ ...msg.audio }),
    headerPages: msg.headerPages.map((p) => list.add(p)),
  };
}

/**
 * Decodes a source announcement. Header pages are views into `bytes`; copy them if they must
 * outlive the message buffer's owner. Throws `MessageDecodeError`.
 */
export function decodeSourceAnnouncement(bytes: Uint8Array): SourceAnnouncement {
  const { o, blobs } = unpack(fSource, 'source', bytes);
  return readSource(o, blobs);
}

// ---- BurstReply ---------------------------------------------------------------------------

const fBurst = new Fields('BurstReply');

function readTitles(o: Obj): TitleEntry[] {
  return fBurst
    .arr(o['titles'], 'titles')
    .map((t, i) => readTitleEntry(fBurst, fBurst.obj(t, `titles[${i}]`), `titles[${i}].`));
}

function readBurst(o: Obj, blobs: Uint8Array[]): BurstReply {
  const frames = fBurst.arr(o['frames'], 'frames').map((v, i) => {
    const fr = fBurst.obj(v, `frames[${i}]`);
    return {
      position: fBurst.int(fr, 'position', `frames[${i}].`),
      data: blobAt(fBurst, blobs, fr['data'], `frames[${i}].data`),
    };
  });
  const title =
    o['title'] == null ? null : readTitleEntry(fBurst, fBurst.obj(o['title'], 'title'), 'title.');
  const announcement =
    o['announcement'] == null
      ? undefined
      : readSource(fBurst.obj(o['announcement'], 'announcement'), blobs);
  return compact({
    mount: fBurst.str(o, 'mount', '', true),
    session: fBurst.str(o, 'session', '', true),
    contentType: fBurst.str(o, 'contentType'),
    headerPages: blobList(fBurst, o, 'headerPages', blobs),
    frames,
    endPosition: fBurst.int(o, 'endPosition'),
    nextSeq: fBurst.int(o, 'nextSeq'),
    title,
    titles: readTitles(o),
    announcement,
  });
}

/**
 * Encodes a burst reply. Callers must keep the result under the bus's `maxPayload`; frames
 * are carried as one blob each, so the overhead is a few bytes of JSON per frame.
 */
export function encodeBurstReply(msg: BurstReply): Uint8Array {
  const list = new BlobList();
  const body = {
    ...msg,
    headerPages: msg.headerPages.map((p) => list.add(p)),
    frames: msg.frames.map((fr) => ({ position: fr.position, data: list.add(fr.data) })),
    title: msg.title === null ? null : compact({ ...msg.title }),
    titles: msg.titles.map((t) => compact({ ...t })),
    announcement:
      msg.announcement === undefined ? undefined : flattenSource(msg.announcement, list),
  };
  return pack('burst-reply', body, list, readBurst);
}

/** Decodes a burst reply; frame data and header pages are views into `bytes`. */
export function decodeBurstReply(bytes: Uint8Array): BurstReply {
  const { o, blobs } = unpack(fBurst, 'burst-reply', bytes);
  return readBurst(o, blobs);
}
