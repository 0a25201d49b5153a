/** Public surface of `@penguincast/ingest`: its app factory, config and errors. */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
