/**
 * Admin commands ingest answers on `<prefix>.ctl.*`: `metadata-update` and `kill-source`, each
 * answered only by the instance that holds the mount (others stay silent, so a request gets the
 * holder's reply). Also the title-update path shared by SHOUTcast `admin.cgi`.
 */
import {
  BusError,
  decodeControlCommand,
  decodeControlReply,
  encodeControlCommand,
  encodeControlReply,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type ControlReply,
  type Keys,
  type StateStore,
  type Subjects,
} from '@penguincast/bus';
import { normaliseMountName } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { IngestConfig } from './config.js';
import { parseLeaseOwner } from './lease.js';
import type { LocalSessions } from './local-sessions.js';

/** What the control commands need from their app. */
export interface ControlDeps {
  /** The bus commands arrive and are forwarded on. */
  bus: Bus;
  /** Subject builders of this cluster. */
  subjects: Subjects;
  /** Key builders of this cluster (the mount lease names the holder). */
  keys: Keys;
  /** The store holding mount leases. */
  state: StateStore;
  /** The service's logger. */
  log: Logger;
  /** The sources live on this instance. */
  sessions: Pick<LocalSessions, 'get'>;
  /** Id of this process, named in replies. */
  instanceId: string;
  /** How long a forwarded title update waits for the holder. */
  settings: Pick<IngestConfig, 'killTimeoutMs'>;
}

/** Sets a mount's title wherever its source is; false when no source holds the mount. */
export type UpdateTitle = (
  mount: string,
  title: string,
  url: string | undefined,
  charset: string,
) => Promise<boolean>;

/** The charset recorded with titles whose sender named none. */
export const DEFAULT_TITLE_CHARSET = 'UTF-8';

function mountOf(raw: string): string | undefined {
  try {
    return normaliseMountName(raw);
  } catch {
    return undefined;
  }
}

function respond(msg: BusMsg, reply: ControlReply): void {
  msg.respond(encodeControlReply(reply));
}

/** Subscribes to the commands ingest serves; returns the subscriptions to end on stop. */
export function subscribeControl(deps: ControlDeps): BusSubscription[] {
  const log = deps.log.child({ component: 'control' });
  const handle = (msg: BusMsg): void => {
    let cmd;
    try {
      cmd = decodeControlCommand(msg.data);
    } catch (err) {
      log.debug({ err }, 'ignoring a malformed control command');
      return;
    }
    if (cmd.type !== 'metadata-update' && cmd.type !== 'kill-source') {
      return;
    }
    const mount = mountOf(cmd.mount);
    const session = mount === undefined ? undefined : deps.sessions.get(mount);
    if (session === undefined) {
      return;
    }
    if (cmd.type === 'metadata-update') {
      // An empty charset names none, like an absent one (the bus refuses an empty charset).
      session.setTitle(cmd.title, cmd.url, cmd.charset || DEFAULT_TITLE_CHARSET, 'control');
      respond(msg, { type: 'metadata-update', instanceId: deps.instanceId, updated: true });
      return;
    }
    session.log.info('source killed by a control command');
    // The down announcement is published inside kill(), before this reply, so whoever waits
    // for the reply sees the old source gone first.
    void session.kill('killed');
    respond(msg, { type: 'kill-source', instanceId: deps.instanceId, killed: true });
  };
  return [
    deps.bus.subscribe(deps.subjects.ctl('metadata-update'), handle),
    deps.bus.subscribe(deps.subjects.ctl('kill-source'), handle),
  ];
}

/**
 * Sets a mount's title wherever its source is: directly when this instance holds it, else by a
 * `metadata-update` request to the holder. Resolves false when no source holds the mount.
 */
export async function updateTitle(
  deps: ControlDeps,
  mount: string,
  title: string,
  url: string | undefined,
  charset: string,
): Promise<boolean> {
  const local = deps.sessions.get(mount);
  if (local !== undefined) {
    local.setTitle(title, url, charset, 'admin.cgi');
    return true;
  }
  let holder: string | null;
  try {
    holder = await deps.state.leaseOwner(deps.keys.mountLease(mount));
  } catch {
    // Without Redis the holder is unknown; the request below still reaches it if it exists.
    holder = '';
  }
  if (
    holder === null ||
    (holder !== '' && parseLeaseOwner(holder).instanceId === deps.instanceId)
  ) {
    return false;
  }
  const cmd = encodeControlCommand({
    type: 'metadata-update',
    mount,
    title,
    charset,
    ...(url ? { url } : {}),
  });
  try {
    const reply = await deps.bus.request(deps.subjects.ctl('metadata-update'), cmd, {
      timeoutMs: deps.settings.killTimeoutMs,
    });
    const decoded = decodeControlReply(reply.data);
    return decoded.type === 'metadata-update' && decoded.updated;
  } catch (err) {
    if (!(err instanceof BusError)) {
      throw err;
    }
    return false;
  }
}
