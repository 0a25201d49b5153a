/** Public surface of `@penguincast/testkit`: real servers, real sources and listeners for tests. */
export * from './servers.js';
export * from './listener.js';
export * from './audio.js';
export * from './silent-client.js';
export * from './wait.js';
export * from './log-sink.js';
export * from './raw-client.js';
