/**
 * Public surface of `@penguincast/stats`: its app factory and config, and the access.log and
 * stat.log formatters (the error.log destination lives in `@penguincast/runtime`).
 */
export * from './app.js';
export * from './config.js';
export * from './errors.js';
export { formatAccessLine, requestWithoutQuery, clfDate } from './logs/access-log.js';
export { formatStatLine, STAT_LOG_HEADER, type StatSnapshot } from './logs/stat-log.js';
export { Station, MOUNT_OTHER } from './station/station.js';
