/** Public surface of `@penguincast/admin`: its app factory, config, errors and route types. */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
export type { AuthScope } from './auth.js';
export type { Reply, ReplyFormat, RouteContext, RouteSpec } from './route-table.js';
