/** Public surface of `@penguincast/runtime`: what every service's composition root shares. */
export * from './logger.js';
export * from './metrics.js';
export * from './health.js';
export * from './cli.js';
export * from './adapters.js';
export * from './service.js';
export * from './http.js';
export * from './read-head.js';
export * from './heartbeat.js';
export * from './errors.js';
export * from './logs/log-escape.js';
export * from './logs/log-file.js';
export * from './logs/error-log.js';
export * from './socket-end.js';
export * from './trusted-proxies.js';
export * from './read-proxy-v1.js';
export * from './auth-throttle.js';
