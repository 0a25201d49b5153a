/** Public surface of `@penguincast/icy`: pure protocol code, no sockets, timers, clock or logging. */
export * from './errors.js';
