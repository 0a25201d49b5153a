/**
 * Public surface of `@penguincast/bus`: the `Bus` and `StateStore` ports, the wire (subject and
 * key builders, message types and codecs, the heartbeat instance model) and the NATS, Redis and
 * in-memory adapters. The wire never imports an adapter; adapters build on the wire and ports.
 */
export * from './errors.js';
export * from './wire/subjects.js';
export * from './wire/keys.js';
export * from './ports.js';
export * from './wire/messages.js';
export * from './wire/instances.js';
export { DEFAULT_MAX_PAYLOAD, assertHeaders, headerValue } from './wire/headers.js';
export { MESSAGE_VERSION } from './wire/validate.js';
export { ENVELOPE_MAGIC } from './wire/envelope.js';
export { encodeAudioChunk, decodeAudioChunk } from './wire/codec-audio.js';
export {
  encodeTitleChange,
  decodeTitleChange,
  encodeBurstRequest,
  decodeBurstRequest,
  encodeControlCommand,
  decodeControlCommand,
  encodeControlReply,
  decodeControlReply,
  encodeConnectionEvent,
  decodeConnectionEvent,
  encodeServiceHeartbeat,
  decodeServiceHeartbeat,
  ctlKindOf,
  evtKindOf,
} from './wire/codec-json.js';
export {
  encodeSourceAnnouncement,
  decodeSourceAnnouncement,
  encodeBurstReply,
  decodeBurstReply,
} from './wire/codec-binary.js';
export {
  encodeRelayDemand,
  decodeRelayDemand,
  encodeRelayDemandReply,
  decodeRelayDemandReply,
} from './wire/codec-demand.js';
export {
  encodeTitlesRequest,
  decodeTitlesRequest,
  encodeTitlesReply,
  decodeTitlesReply,
} from './wire/codec-titles.js';
export type { ErrorHook } from './adapters/bus-events.js';
export { MemoryBus, type MemoryBusOptions } from './adapters/memory-bus.js';
export {
  NatsBus,
  connectNatsBus,
  type NatsBusOptions,
  type ConnectNatsBusOptions,
} from './adapters/nats-bus.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './adapters/memory-state.js';
export {
  RedisStateStore,
  connectRedisStateStore,
  recommendedRedisOptions,
  type ConnectRedisOptions,
  type RedisStateStoreOptions,
} from './adapters/redis-state.js';
