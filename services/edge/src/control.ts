/**
 * Answers the admin commands about listeners: `kill-client` (only the edge holding the client
 * replies), `move-clients` and `list-clients` (every edge replies, the admin gathers them with
 * `requestMany`), and applies `set-fallback` broadcasts (no reply). Socket work is deferred out
 * of the bus callback.
 */
import {
  decodeControlCommand,
  encodeControlReply,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type ControlCommand,
  type ControlReply,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import type { Audience } from './audience.js';
import type { MountTable } from './mount-table.js';

/** Options of {@link Control}. */
export interface ControlOptions {
  bus: Bus;
  subjects: Subjects;
  instanceId: string;
  audience: Audience;
  table: MountTable;
  log: Logger;
}

/** The edge's control-command handlers. */
export class Control {
  #subs: BusSubscription[] = [];

  constructor(private readonly opts: ControlOptions) {}

  /** Subscribes to the listener and fallback commands. */
  start(): void {
    const { bus, subjects } = this.opts;
    for (const kind of ['kill-client', 'move-clients', 'list-clients', 'set-fallback'] as const) {
      this.#subs.push(bus.subscribe(subjects.ctl(kind), (msg) => this.#onCommand(msg)));
    }
  }

  /** Unsubscribes. */
  stop(): void {
    for (const sub of this.#subs.splice(0)) {
      sub.unsubscribe();
    }
  }

  #onCommand(msg: BusMsg): void {
    let cmd: ControlCommand;
    try {
      cmd = decodeControlCommand(msg.data);
    } catch (err) {
      this.opts.log.warn({ err, subject: msg.subject }, 'undecodable control command ignored');
      return;
    }
    // Killing and moving touch sockets and may wait for a burst, so they run after the callback.
    setImmediate(() => {
      this.#handle(cmd)
        .then((reply) => {
          if (reply !== undefined) {
            msg.respond(encodeControlReply(reply));
          }
        })
        .catch((err: unknown) => {
          this.opts.log.error({ err, command: cmd.type }, 'control command failed');
          msg.respond(
            encodeControlReply({
              instanceId: this.opts.instanceId,
              type: 'error',
              code: 'EDGE_CONTROL_FAILED',
              message: err instanceof Error ? err.message : String(err),
            }),
          );
        });
    });
  }

  async #handle(cmd: ControlCommand): Promise<ControlReply | undefined> {
    const { instanceId, audience, table, log } = this.opts;
    switch (cmd.type) {
      case 'kill-client': {
        const killed = audience.kill(cmd.mount, cmd.clientId);
        if (killed) {
          log.info({ mount: cmd.mount, listenerId: cmd.clientId }, 'listener killed by admin');
        }
        // Only the holder answers, so a single-reply request gets the edge that did it.
        return killed ? { instanceId, type: 'kill-client', killed } : undefined;
      }
      case 'list-clients':
        return { instanceId, type: 'list-clients', clients: audience.list(cmd.mount) };
      case 'move-clients': {
        const from = table.get(cmd.from);
        if (from === undefined || from.listeners.size === 0) {
          return { instanceId, type: 'move-clients', moved: 0 };
        }
        const res = await table.resolve(cmd.to);
        if (res.kind !== 'mount') {
          return {
            instanceId,
            type: 'error',
            code: 'DESTINATION_NOT_LIVE',
            message: `mount ${cmd.to} has no source`,
          };
        }
        const moved = table.fallbacks.moveAll(from, res.mount);
        log.info({ from: cmd.from, to: res.mount.name, moved }, 'listeners moved by admin');
        return { instanceId, type: 'move-clients', moved };
      }
      case 'set-fallback':
        table.fallbacks.setRuntime(cmd.mount, cmd.fallback);
        log.info({ mount: cmd.mount, fallback: cmd.fallback || null }, 'runtime fallback applied');
        return undefined;
      default:
        return undefined;
    }
  }
}
