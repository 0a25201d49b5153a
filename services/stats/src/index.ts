/** Public surface of `@penguincast/stats`: its app factory and config. */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
