/**
 * Listening and closing helpers for node:http and node:net servers, so every app factory starts
 * and stops its sockets the same way (stop closes idle keep-alive connections too).
 */
import type { Server as NetServer } from 'node:net';
import type { Server as HttpServer } from 'node:http';

/** Listens on `host:port` (port 0 picks a free one) and resolves with the bound port. */
export function listen(
  server: NetServer | HttpServer,
  port: number,
  host: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting, ends idle HTTP connections and resolves once the server is closed. */
export function closeServer(server: NetServer | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    if ('closeIdleConnections' in server) {
      server.closeIdleConnections();
    }
  });
}
