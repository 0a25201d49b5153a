/**
 * JSON codecs of the on-demand relay messages on `<prefix>.demand.<m>`: the edge's demand and
 * the ingest's reply. Decoders validate every field; nothing here does I/O.
 */
import type { RelayDemand, RelayDemandReply } from './messages.js';
import {
  Fields,
  MESSAGE_VERSION,
  checkOutgoing,
  compact,
  jsonBytes,
  parseJsonMessage,
  type Obj,
} from './validate.js';

function encode(tag: string, body: Obj, read: (o: Obj) => unknown): Uint8Array {
  const wire = { v: MESSAGE_VERSION, t: tag, ...compact(body) };
  checkOutgoing(() => read(wire));
  return jsonBytes(wire);
}

const fDemand = new Fields('RelayDemand');

function readDemand(o: Obj): RelayDemand {
  return {
    mount: fDemand.str(o, 'mount', '', true),
    requester: fDemand.str(o, 'requester', '', true),
    listeners: fDemand.int(o, 'listeners'),
  };
}

/** Encodes a relay demand. Throws `TypeError` on invalid fields. */
export function encodeRelayDemand(msg: RelayDemand): Uint8Array {
  return encode('relay-demand', { ...msg }, readDemand);
}

/** Decodes a relay demand. Throws `MessageDecodeError` or `UnsupportedMessageVersionError`. */
export function decodeRelayDemand(bytes: Uint8Array): RelayDemand {
  return readDemand(parseJsonMessage(fDemand, 'relay-demand', bytes));
}

const fReply = new Fields('RelayDemandReply');

function readReply(o: Obj): RelayDemandReply {
  return {
    mount: fReply.str(o, 'mount', '', true),
    accepted: fReply.bool(o, 'accepted'),
    instanceId: fReply.str(o, 'instanceId', '', true),
  };
}

/** Encodes an ingest's answer to a relay demand. */
export function encodeRelayDemandReply(msg: RelayDemandReply): Uint8Array {
  return encode('relay-demand-reply', { ...msg }, readReply);
}

/** Decodes an ingest's answer to a relay demand. */
export function decodeRelayDemandReply(bytes: Uint8Array): RelayDemandReply {
  return readReply(parseJsonMessage(fReply, 'relay-demand-reply', bytes));
}
