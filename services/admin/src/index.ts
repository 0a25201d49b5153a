/** Public surface of `@penguincast/admin`: its app factory and config. */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
