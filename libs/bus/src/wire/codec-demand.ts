/**
 * JSON codecs of the on-demand relay messages on `<prefix>.demand.<m>`: the edge's demand and
 * the ingest's reply. Decoders validate every field; nothing here does I/O.
 */
import type { RelayDemand, RelayDemandReply } from './messages.js';
import { Fields, jsonCodec, type Obj } from './validate.js';

const fDemand = new Fields('RelayDemand');

function readDemand(o: Obj): RelayDemand {
  return {
    mount: fDemand.str(o, 'mount', '', true),
    requester: fDemand.str(o, 'requester', '', true),
    listeners: fDemand.int(o, 'listeners'),
  };
}

const relayDemandCodec = jsonCodec('relay-demand', fDemand, readDemand);

/** Encodes a relay demand. Throws `TypeError` on invalid fields. */
export const encodeRelayDemand = relayDemandCodec.encode;

/** Decodes a relay demand. Throws `MessageDecodeError` or `UnsupportedMessageVersionError`. */
export const decodeRelayDemand = relayDemandCodec.decode;

const fReply = new Fields('RelayDemandReply');

function readReply(o: Obj): RelayDemandReply {
  return {
    mount: fReply.str(o, 'mount', '', true),
    accepted: fReply.bool(o, 'accepted'),
    instanceId: fReply.str(o, 'instanceId', '', true),
  };
}

const relayDemandReplyCodec = jsonCodec('relay-demand-reply', fReply, readReply);

/** Encodes an ingest's answer to a relay demand. */
export const encodeRelayDemandReply = relayDemandReplyCodec.encode;

/** Decodes an ingest's answer to a relay demand. */
export const decodeRelayDemandReply = relayDemandReplyCodec.decode;
