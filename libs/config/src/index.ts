/** Public surface of `@penguincast/config`: the station config schema, its parser and loader. */
export * from './errors.js';
export * from './schema.js';
export * from './env.js';
export * from './parse.js';
export * from './load.js';
export * from './trusted-proxy.js';
