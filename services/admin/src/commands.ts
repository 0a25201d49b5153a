/**
 * The bus commands admin sends to whichever ingest or edge holds a target: metadata updates and
 * source kills (answered by the holding ingest), listener kills, moves and lists (answered by the
 * edges), runtime fallbacks (broadcast to the edges), and titles requests that tell which title
 * a listener joining now would hear. It never asks for audio: no burst or audio subject here.
 */
import {
  BusError,
  decodeControlReply,
  decodeTitlesReply,
  encodeControlCommand,
  encodeTitlesRequest,
  type Bus,
  type ClientInfo,
  type ControlCommand,
  type ControlReply,
  type Subjects,
} from '@penguincast/bus';
import type { Logger } from 'pino';

/** Options of {@link AdminCommands}. */
export interface AdminCommandsOptions {
  bus: Bus;
  subjects: Subjects;
  instanceId: string;
  /** How long a single holder may take to answer. */
  commandTimeoutMs: number;
  /** How long replies of every edge are gathered. */
  gatherTimeoutMs: number;
  /** How long the ingest holding a mount may take to answer a titles request. */
  titlesTimeoutMs: number;
  /** How many edges are expected to answer, so gathering can stop early; undefined waits. */
  edgeCount: () => Promise<number | undefined>;
  log: Logger;
}

/** A mount's titles: what a listener joining now hears first, and the newest. */
export interface MountTitles {
  /** The title in force at the first byte a listener joining now receives. */
  atJoin: string;
  /** The newest title. */
  latest: string;
}

/** Sends admin commands over the bus and reads the replies. */
export class AdminCommands {
  readonly #o: AdminCommandsOptions;

  constructor(opts: AdminCommandsOptions) {
    this.#o = opts;
  }

  /** Sets a mount's title through its ingest; false when no source holds the mount. */
  async metadataUpdate(
    mount: string,
    title: string,
    url?: string,
    charset?: string,
  ): Promise<boolean> {
    const replies = await this.#ask(
      {
        type: 'metadata-update',
        mount,
        title,
        ...(url ? { url } : {}),
        ...(charset ? { charset } : {}),
      },
      1,
    );
    return replies.some((r) => r.type === 'metadata-update' && r.updated);
  }

  /**
   * Tells every edge the runtime fallback of `mount` (`null` clears it). Fire and forget: the
   * value is already stored, and an edge that misses this reads it from the state store when it
   * next starts.
   */
  setFallback(mount: string, fallback: string | null): void {
    const { bus, subjects, log } = this.#o;
    try {
      bus.publish(
        subjects.ctl('set-fallback'),
        encodeControlCommand({ type: 'set-fallback', mount, fallback }),
      );
    } catch (err) {
      if (!(err instanceof BusError)) {
        throw err;
      }
      log.warn({ err, mount }, 'runtime fallback not announced to the edges');
    }
  }

  /** Ends a mount's source; false when no ingest held it. */
  async killSource(mount: string): Promise<boolean> {
    const replies = await this.#ask({ type: 'kill-source', mount }, 1);
    return replies.some((r) => r.type === 'kill-source' && r.killed);
  }

  /** Ends one listener wherever it is; false when no edge holds it. */
  async killClient(mount: string, clientId: string): Promise<boolean> {
    // Only the edge holding the listener answers, and at once, so the short gather time is
    // enough and an unknown id costs no more than that.
    const replies = await this.#request(
      { type: 'kill-client', mount, clientId },
      this.#o.gatherTimeoutMs,
      1,
    );
    return replies.some((r) => r.type === 'kill-client' && r.killed);
  }

  /**
   * Moves every listener of `from` to `to` on every edge and returns how many moved. Edges
   * report a destination without a source as an error reply; one is enough to say so.
   */
  async moveClients(from: string, to: string): Promise<{ moved: number; errors: string[] }> {
    const replies = await this.#gather({ type: 'move-clients', from, to });
    let moved = 0;
    const errors: string[] = [];
    for (const r of replies) {
      if (r.type === 'move-clients') {
        moved += r.moved;
      } else if (r.type === 'error') {
        errors.push(r.code);
      }
    }
    return { moved, errors };
  }

  /** The listeners of `mount` on every edge, oldest connection first. */
  async listClients(mount: string): Promise<ClientInfo[]> {
    const replies = await this.#gather({ type: 'list-clients', mount });
    const clients = replies.flatMap((r) => (r.type === 'list-clients' ? r.clients : []));
    return clients.sort((a, b) => b.connectedSeconds - a.connectedSeconds);
  }

  /**
   * Asks the ingest holding `mount` for its titles around a burst of `maxBytes`: the title in
   * force at the burst's first byte (what a listener joining now hears first) and the newest
   * title, an empty string where none is set. Undefined when no ingest answers in time.
   */
  async mountTitles(mount: string, maxBytes: number): Promise<MountTitles | undefined> {
    const { bus, subjects, instanceId, titlesTimeoutMs, log } = this.#o;
    let data: Uint8Array;
    try {
      const msg = await bus.request(
        subjects.titles(mount),
        encodeTitlesRequest({ mount, maxBytes, requester: instanceId }),
        { timeoutMs: titlesTimeoutMs },
      );
      data = msg.data;
    } catch (err) {
      if (err instanceof BusError) {
        return undefined;
      }
      throw err;
    }
    try {
      const reply = decodeTitlesReply(data);
      return { atJoin: reply.atJoin?.title ?? '', latest: reply.latest?.title ?? '' };
    } catch (err) {
      log.warn({ err, mount }, 'undecodable titles reply ignored');
      return undefined;
    }
  }

  /** Sends a command answered by one holder; an empty list when nobody answered in time. */
  async #ask(cmd: ControlCommand, maxReplies: number): Promise<ControlReply[]> {
    return this.#request(cmd, this.#o.commandTimeoutMs, maxReplies);
  }

  /** Sends a command every edge answers and gathers the replies. */
  async #gather(cmd: ControlCommand): Promise<ControlReply[]> {
    const edges = await this.#o.edgeCount();
    return this.#request(cmd, this.#o.gatherTimeoutMs, edges === 0 ? undefined : edges);
  }

  async #request(
    cmd: ControlCommand,
    timeoutMs: number,
    maxReplies: number | undefined,
  ): Promise<ControlReply[]> {
    const { bus, subjects, log } = this.#o;
    let msgs;
    try {
      msgs = await bus.requestMany(subjects.ctl(cmd.type), encodeControlCommand(cmd), {
        timeoutMs,
        ...(maxReplies === undefined ? {} : { maxReplies }),
      });
    } catch (err) {
      if (err instanceof BusError) {
        log.warn({ err, command: cmd.type }, 'admin command not delivered');
        return [];
      }
      throw err;
    }
    const replies: ControlReply[] = [];
    for (const m of msgs) {
      try {
        replies.push(decodeControlReply(m.data));
      } catch (err) {
        log.warn({ err, command: cmd.type }, 'undecodable control reply ignored');
      }
    }
    return replies;
  }
}
