/**
 * Rebuilds the live part of the station after the stats service (re)starts, when connections
 * made before it are unknown: live sources from the mount info hashes in the state store, then
 * each mount's listeners from every edge through the `list-clients` command. Best effort: a
 * failure leaves the station to learn from events alone.
 */
import {
  decodeControlReply,
  encodeControlCommand,
  type Bus,
  type Keys,
  type StateStore,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';
import type { Station } from './station.js';

/** What a resync needs. */
export interface ResyncDeps {
  station: Station;
  state: StateStore;
  keys: Keys;
  bus: Bus;
  subjects: Subjects;
  /** How long to collect `list-clients` replies, in milliseconds. */
  timeoutMs: number;
  log: Logger;
}

/** What a resync found. */
export interface ResyncResult {
  sources: number;
  listeners: number;
}

/** Runs one resync; never rejects. */
export async function resyncStation(deps: ResyncDeps): Promise<ResyncResult> {
  const { station, keys } = deps;
  const result: ResyncResult = { sources: 0, listeners: 0 };
  station.beginResync();
  try {
    const mounts: string[] = [];
    try {
      for (const key of await deps.state.scanKeys(keys.mountInfoPrefix())) {
        const mount = keys.mountFromInfoKey(key);
        const info = await deps.state.getHash(key);
        const session = info?.['session'];
        const instance = info?.['instance_id'];
        if (session && instance) {
          station.addMount(mount);
          mounts.push(mount);
          result.sources += station.seed('source', session, mount, instance) ? 1 : 0;
        }
      }
    } catch (err) {
      deps.log.warn({ err }, 'resync could not read mount info');
    }
    const replies = await Promise.all(
      mounts.map((mount) =>
        deps.bus
          .requestMany(
            deps.subjects.ctl('list-clients'),
            encodeControlCommand({ type: 'list-clients', mount }),
            { timeoutMs: deps.timeoutMs },
          )
          .then((msgs) => ({ mount, msgs }))
          .catch((err: unknown) => {
            deps.log.warn({ err, mount }, 'resync could not list clients');
            return { mount, msgs: [] };
          }),
      ),
    );
    for (const { mount, msgs } of replies) {
      for (const msg of msgs) {
        try {
          const reply = decodeControlReply(msg.data);
          if (reply.type === 'list-clients') {
            for (const c of reply.clients) {
              result.listeners += station.seed('listener', c.id, mount, reply.instanceId) ? 1 : 0;
            }
          }
        } catch (err) {
          deps.log.warn({ err, mount }, 'resync ignored a bad list-clients reply');
        }
      }
    }
  } finally {
    station.endResync();
  }
  return result;
}
