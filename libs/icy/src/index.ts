/** Public surface of `@penguincast/icy`: pure protocol code, no sockets, timers, clock or logging. */
export * from './errors.js';
export * from './metadata.js';
export * from './icy-framer.js';
export * from './icy-parser.js';
export * from './headers.js';
export * from './request-head.js';
export * from './chunked.js';
export * from './basic-auth.js';
export * from './shoutcast.js';
export * from './responses.js';
export * from './mount-name.js';
export * from './content-type.js';
export * from './ip-address.js';
export * from './proxy-protocol.js';
export * from './response-head.js';
export * from './codec/index.js';
