/**
 * JSON codecs of the titles request on `<prefix>.titles.<m>` and of the holding ingest's reply:
 * the title a listener joining now hears first and the newest one. Decoders validate every
 * field; nothing here does I/O.
 */
import { readMountRequest, readTitleEntry } from './codec-json.js';
import type { TitleEntry, TitlesReply, TitlesRequest } from './messages.js';
import { Fields, compact, jsonCodec, type Obj } from './validate.js';

const fRequest = new Fields('TitlesRequest');

const titlesRequestCodec = jsonCodec('titles-request', fRequest, (o): TitlesRequest =>
  readMountRequest(fRequest, o),
);

/** Encodes a titles request for `<prefix>.titles.<m>`. Throws `TypeError` on invalid fields. */
export const encodeTitlesRequest = titlesRequestCodec.encode;

/** Decodes a titles request. Throws `MessageDecodeError` or `UnsupportedMessageVersionError`. */
export const decodeTitlesRequest = titlesRequestCodec.decode;

const fReply = new Fields('TitlesReply');

function readOptTitle(o: Obj, key: string): TitleEntry | undefined {
  return o[key] == null ? undefined : readTitleEntry(fReply, fReply.obj(o[key], key), `${key}.`);
}

function readReply(o: Obj): TitlesReply {
  const joinPosition = fReply.int(o, 'joinPosition');
  const endPosition = fReply.int(o, 'endPosition');
  if (joinPosition > endPosition) {
    fReply.fail('joinPosition', 'expected at most endPosition');
  }
  const atJoin = readOptTitle(o, 'atJoin');
  if (atJoin !== undefined && atJoin.position > joinPosition) {
    fReply.fail('atJoin.position', 'expected at most joinPosition');
  }
  return compact({
    mount: fReply.str(o, 'mount', '', true),
    session: fReply.str(o, 'session', '', true),
    joinPosition,
    endPosition,
    atJoin,
    latest: readOptTitle(o, 'latest'),
  });
}

const titlesReplyCodec = jsonCodec('titles-reply', fReply, readReply);

/** Encodes the holding ingest's answer to a titles request. Throws `TypeError` when invalid. */
export const encodeTitlesReply = titlesReplyCodec.encode;

/** Decodes the answer to a titles request. */
export const decodeTitlesReply = titlesReplyCodec.decode;
