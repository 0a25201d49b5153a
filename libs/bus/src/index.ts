/**
 * Public surface of `@penguincast/bus`: subject and key builders, message types and codecs, the
 * `Bus` and `StateStore` ports, and their NATS, Redis and in-memory adapters.
 */
export * from './errors.js';
export * from './subjects.js';
export * from './keys.js';
export * from './ports.js';
export * from './messages.js';
export { DEFAULT_MAX_PAYLOAD, assertHeaders, headerValue } from './headers.js';
export { MESSAGE_VERSION } from './validate.js';
export { ENVELOPE_MAGIC } from './envelope.js';
export { encodeAudioChunk, decodeAudioChunk } from './codec-audio.js';
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
} from './codec-json.js';
export {
  encodeSourceAnnouncement,
  decodeSourceAnnouncement,
  encodeBurstReply,
  decodeBurstReply,
} from './codec-binary.js';
export {
  encodeRelayDemand,
  decodeRelayDemand,
  encodeRelayDemandReply,
  decodeRelayDemandReply,
} from './codec-demand.js';
export type { ErrorHook } from './status.js';
export { MemoryBus, type MemoryBusOptions } from './memory-bus.js';
export {
  NatsBus,
  connectNatsBus,
  type NatsBusOptions,
  type ConnectNatsBusOptions,
} from './nats-bus.js';
export { MemoryStateStore, type MemoryStateStoreOptions } from './memory-state.js';
export {
  RedisStateStore,
  connectRedisStateStore,
  recommendedRedisOptions,
  type ConnectRedisOptions,
  type RedisStateStoreOptions,
} from './redis-state.js';
