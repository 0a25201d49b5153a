/**
 * Ending a raw socket for good. `socket.end()` only closes our side: a client that never sends
 * its FIN would keep the descriptor for ever, so every final reply also arms a destroy timer.
 */
import type { Socket } from 'node:net';

/** How long a client gets to read a final reply and close before the socket is destroyed. */
export const END_GRACE_MS = 2000;

/** Writes `reply` (if any), ends the socket, and destroys it after `graceMs` at the latest. */
export function endThenDestroy(socket: Socket, reply?: Uint8Array, graceMs = END_GRACE_MS): void {
  if (socket.destroyed) {
    return;
  }
  if (reply !== undefined) {
    socket.end(reply);
  } else {
    socket.end();
  }
  const timer = setTimeout(() => socket.destroy(), graceMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
