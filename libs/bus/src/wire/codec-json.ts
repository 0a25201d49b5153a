/**
 * JSON codecs (versioned with `v`, tagged with `t`) for title changes, burst requests, admin
 * commands and replies, connection events and service heartbeats. Decoders validate every field.
 */
import type {
  BurstRequest,
  ClientInfo,
  ConnectionEvent,
  ControlCommand,
  ControlReply,
  ServiceHeartbeat,
  TitleChange,
  TitleEntry,
} from './messages.js';
import { HEARTBEAT_FIGURE_NAME } from './messages.js';
import { CTL_KINDS, type CtlKind, type EvtKind } from './subjects.js';
import { Fields, compact, jsonCodec, type Obj } from './validate.js';

// ---- TitleChange --------------------------------------------------------------------------

const fTitle = new Fields('TitleChange');

/** Reads a title entry (position, title, url?, charset) from `o`; shared with the burst reply. */
export function readTitleEntry(f: Fields, o: Obj, path: string): TitleEntry {
  return compact({
    position: f.int(o, 'position', path),
    title: f.str(o, 'title', path),
    url: f.optStr(o, 'url', path),
    charset: f.str(o, 'charset', path, true),
  });
}

function readTitleChange(o: Obj): TitleChange {
  return compact({
    mount: fTitle.str(o, 'mount', '', true),
    session: fTitle.str(o, 'session', '', true),
    ...readTitleEntry(fTitle, o, ''),
    timestampMs: fTitle.optInt(o, 'timestampMs'),
  });
}

const titleChangeCodec = jsonCodec('title-change', fTitle, readTitleChange);

/** Encodes a title change for `<prefix>.meta.<m>`. Throws `TypeError` on invalid fields. */
export const encodeTitleChange = titleChangeCodec.encode;

/** Decodes a title change. Throws `MessageDecodeError` or `UnsupportedMessageVersionError`. */
export const decodeTitleChange = titleChangeCodec.decode;

// ---- BurstRequest -------------------------------------------------------------------------

const fBurstReq = new Fields('BurstRequest');

/**
 * Reads the fields every request about a mount's recent audio carries (`BurstRequest`, and
 * `TitlesRequest` with the same shape): the mount, an optional byte budget and the requester.
 */
export function readMountRequest(f: Fields, o: Obj): BurstRequest {
  return compact({
    mount: f.str(o, 'mount', '', true),
    maxBytes: f.optInt(o, 'maxBytes'),
    requester: f.optStr(o, 'requester'),
  });
}

const burstRequestCodec = jsonCodec('burst-request', fBurstReq, (o) =>
  readMountRequest(fBurstReq, o),
);

/** Encodes a burst request for `<prefix>.burst.<m>`. */
export const encodeBurstRequest = burstRequestCodec.encode;

/** Decodes a burst request. */
export const decodeBurstRequest = burstRequestCodec.decode;

// ---- ControlCommand -----------------------------------------------------------------------

const fCmd = new Fields('ControlCommand');

function readCommand(o: Obj): ControlCommand {
  const type = fCmd.oneOf(o, 'type', CTL_KINDS);
  switch (type) {
    case 'kill-client':
      return {
        type,
        mount: fCmd.str(o, 'mount', '', true),
        clientId: fCmd.str(o, 'clientId', '', true),
      };
    case 'kill-source':
    case 'list-clients':
      return { type, mount: fCmd.str(o, 'mount', '', true) };
    case 'move-clients':
      return { type, from: fCmd.str(o, 'from', '', true), to: fCmd.str(o, 'to', '', true) };
    case 'metadata-update':
      return compact({
        type,
        mount: fCmd.str(o, 'mount', '', true),
        title: fCmd.str(o, 'title'),
        url: fCmd.optStr(o, 'url'),
        charset: fCmd.optStr(o, 'charset'),
      });
    case 'set-fallback':
      return {
        type,
        mount: fCmd.str(o, 'mount', '', true),
        fallback: o['fallback'] === null ? null : fCmd.str(o, 'fallback'),
      };
  }
}

/** The ctl subject kind a command is sent on (the command's `type`). */
export function ctlKindOf(cmd: ControlCommand): CtlKind {
  return cmd.type;
}

const controlCommandCodec = jsonCodec('ctl-command', fCmd, readCommand);

/** Encodes an admin command for `<prefix>.ctl.<type>`. */
export const encodeControlCommand = controlCommandCodec.encode;

/** Decodes an admin command. */
export const decodeControlCommand = controlCommandCodec.decode;

// ---- ControlReply -------------------------------------------------------------------------

const fReply = new Fields('ControlReply');
// `set-fallback` is a broadcast nobody answers, so it has no reply type.
const REPLY_TYPES = [
  'kill-client',
  'kill-source',
  'move-clients',
  'metadata-update',
  'list-clients',
  'error',
] as const satisfies ReadonlyArray<CtlKind | 'error'>;

function readClient(v: unknown, path: string): ClientInfo {
  const o = fReply.obj(v, path);
  const p = `${path}.`;
  return compact({
    id: fReply.str(o, 'id', p, true),
    ip: fReply.str(o, 'ip', p),
    connectedSeconds: fReply.num(o, 'connectedSeconds', p),
    bytes: fReply.int(o, 'bytes', p),
    user: fReply.optStr(o, 'user', p),
    userAgent: fReply.optStr(o, 'userAgent', p),
    referer: fReply.optStr(o, 'referer', p),
    lagBytes: fReply.optInt(o, 'lagBytes', p),
  });
}

function readReply(o: Obj): ControlReply {
  const type = fReply.oneOf(o, 'type', REPLY_TYPES);
  const instanceId = fReply.str(o, 'instanceId', '', true);
  switch (type) {
    case 'kill-client':
    case 'kill-source':
      return { type, instanceId, killed: fReply.bool(o, 'killed') };
    case 'move-clients':
      return { type, instanceId, moved: fReply.int(o, 'moved') };
    case 'metadata-update':
      return { type, instanceId, updated: fReply.bool(o, 'updated') };
    case 'list-clients':
      return {
        type,
        instanceId,
        clients: fReply.arr(o['clients'], 'clients').map((c, i) => readClient(c, `clients[${i}]`)),
      };
    case 'error':
      return {
        type,
        instanceId,
        code: fReply.str(o, 'code', '', true),
        message: fReply.str(o, 'message'),
      };
  }
}

const controlReplyCodec = jsonCodec('ctl-reply', fReply, readReply);

/** Encodes the answer to an admin command. */
export const encodeControlReply = controlReplyCodec.encode;

/** Decodes the answer to an admin command. */
export const decodeControlReply = controlReplyCodec.decode;

// ---- ConnectionEvent ----------------------------------------------------------------------

const fEvt = new Fields('ConnectionEvent');

function readEvent(o: Obj): ConnectionEvent {
  return compact({
    role: fEvt.oneOf(o, 'role', ['listener', 'source'] as const),
    action: fEvt.oneOf(o, 'action', ['connect', 'disconnect'] as const),
    mount: fEvt.str(o, 'mount'),
    id: fEvt.str(o, 'id', '', true),
    ip: fEvt.str(o, 'ip'),
    user: fEvt.optStr(o, 'user'),
    request: fEvt.str(o, 'request'),
    status: fEvt.int(o, 'status'),
    bytes: fEvt.int(o, 'bytes'),
    seconds: fEvt.num(o, 'seconds'),
    referer: fEvt.optStr(o, 'referer'),
    userAgent: fEvt.optStr(o, 'userAgent'),
    instanceId: fEvt.str(o, 'instanceId', '', true),
    timestampMs: fEvt.int(o, 'timestampMs'),
  });
}

/** The evt subject kind an event is sent on (`<role>-<action>`). */
export function evtKindOf(evt: Pick<ConnectionEvent, 'role' | 'action'>): EvtKind {
  return `${evt.role}-${evt.action}`;
}

const connectionEventCodec = jsonCodec('connection-event', fEvt, readEvent);

/** Encodes a connection event for `<prefix>.evt.<role>-<action>`. */
export const encodeConnectionEvent = connectionEventCodec.encode;

/** Decodes a connection event. */
export const decodeConnectionEvent = connectionEventCodec.decode;

// ---- ServiceHeartbeat ---------------------------------------------------------------------

const fBeat = new Fields('ServiceHeartbeat');
/** A heartbeat carries a handful of figures; more means a buggy publisher. */
const MAX_FIGURES = 64;

function readFigures(o: Obj): Record<string, number> {
  const rec = fBeat.obj(o['figures'], 'figures');
  const names = Object.keys(rec);
  if (names.length > MAX_FIGURES) {
    fBeat.fail('figures', `more than ${MAX_FIGURES} figures`);
  }
  const out: Record<string, number> = {};
  for (const name of names) {
    if (!HEARTBEAT_FIGURE_NAME.test(name)) {
      fBeat.fail(`figures.${name}`, 'figure names are lowercase snake_case');
    }
    out[name] = fBeat.num(rec, name, 'figures.');
  }
  return out;
}

function readHeartbeat(o: Obj): ServiceHeartbeat {
  const stopping = o['stopping'] == null ? undefined : fBeat.bool(o, 'stopping');
  return compact({
    service: fBeat.str(o, 'service', '', true),
    instanceId: fBeat.str(o, 'instanceId', '', true),
    timestampMs: fBeat.int(o, 'timestampMs'),
    intervalMs: fBeat.int(o, 'intervalMs', '', 1),
    uptimeSeconds: fBeat.num(o, 'uptimeSeconds'),
    cpuPercent: fBeat.num(o, 'cpuPercent'),
    rssBytes: fBeat.int(o, 'rssBytes'),
    heapUsedBytes: fBeat.int(o, 'heapUsedBytes'),
    heapTotalBytes: fBeat.int(o, 'heapTotalBytes'),
    figures: readFigures(o),
    stopping,
  });
}

const serviceHeartbeatCodec = jsonCodec('service-heartbeat', fBeat, readHeartbeat);

/** Encodes a service heartbeat for `<prefix>.stats.heartbeat`. Throws `TypeError` when invalid. */
export const encodeServiceHeartbeat = serviceHeartbeatCodec.encode;

/** Decodes a service heartbeat. */
export const decodeServiceHeartbeat = serviceHeartbeatCodec.decode;
