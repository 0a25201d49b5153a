/** Public surface of `@penguincast/edge`: its app factory, routes, config and errors. */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
export { MAX_LISTENERS_TEXT, CONNECTION_LIMIT_TEXT, NOT_FOUND_TEXT } from './replies.js';
