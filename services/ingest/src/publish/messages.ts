/**
 * Builders of what a source session tells the rest of the cluster: its announcements, its
 * connection events, its mount info hash fields, its burst replies and its titles replies.
 * Pure: they read a snapshot of the session and return messages; the session publishes them.
 */
import {
  encodeBurstReply,
  type AudioInfo,
  type BurstReply,
  type ConnectionEvent,
  type SourceAnnouncement,
  type TitleEntry,
  type TitlesReply,
} from '@penguincast/bus';
import type { BurstBuffer } from './burst-buffer.js';

/** Room left in a burst reply for its JSON, titles and per-frame overhead. */
const BURST_REPLY_OVERHEAD = 64 * 1024;

/** A snapshot of one session's state, as the builders need it. */
export interface SessionFacts {
  mount: string;
  id: string;
  ip: string;
  instanceId: string;
  contentType: string;
  info: Record<string, string>;
  audio: AudioInfo;
  headerPages: Uint8Array[];
  startedAtMs: number;
  /** Stream position of the next byte to be published. */
  position: number;
  bytesRead: number;
  lastDataMs: number;
  /** Sequence number of the next audio chunk. */
  nextSeq: number;
  request: string;
  /** What feeds the session: `source`, `relay` or `file`. */
  kind: string;
  title?: string;
  user?: string;
  userAgent?: string;
}

/** The `pc.source.<m>` message of a session going (or still being) up, or down. */
export function announcement(
  f: SessionFacts,
  state: 'up' | 'down',
  reason?: string,
): SourceAnnouncement {
  return {
    state,
    mount: f.mount,
    session: f.id,
    contentType: f.contentType,
    info: f.info,
    audio: f.audio,
    headerPages: f.headerPages,
    startedAtMs: f.startedAtMs,
    sourceIp: f.ip,
    instanceId: f.instanceId,
    position: f.position,
    ...(f.userAgent === undefined ? {} : { userAgent: f.userAgent }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/** The `pc.evt.source-*` record of a session connecting or disconnecting at `now`. */
export function connectionEvent(
  f: SessionFacts,
  action: 'connect' | 'disconnect',
  now: number,
): ConnectionEvent {
  const connect = action === 'connect';
  return {
    role: 'source',
    action,
    mount: f.mount,
    id: f.id,
    ip: f.ip,
    request: f.request,
    status: 200,
    bytes: connect ? 0 : f.bytesRead,
    seconds: connect ? 0 : Math.max(0, (now - f.startedAtMs) / 1000),
    instanceId: f.instanceId,
    timestampMs: now,
    ...(f.user === undefined ? {} : { user: f.user }),
    ...(f.userAgent === undefined ? {} : { userAgent: f.userAgent }),
  };
}

/**
 * Fields of the mount info hash (`Keys.mountInfo`), named like Icecast's stats where one
 * exists: the source's `ice-*`/`icy-*` headers as sent, `session`, `instance_id`,
 * `content_type`, `source_ip`, `user_agent`, `stream_start_ms`, `stream_start_iso8601`, `title`,
 * `bitrate`, `total_bytes_read`, `last_data_ms` and `source_kind` (`source`, `relay`, `file`).
 */
export function mountInfoFields(f: SessionFacts): Record<string, string> {
  return {
    ...f.info,
    session: f.id,
    instance_id: f.instanceId,
    content_type: f.contentType,
    source_ip: f.ip,
    user_agent: f.userAgent ?? '',
    stream_start_ms: String(f.startedAtMs),
    stream_start_iso8601: new Date(f.startedAtMs).toISOString(),
    title: f.title ?? '',
    bitrate: f.audio.bitrateKbps === undefined ? '' : String(f.audio.bitrateKbps),
    total_bytes_read: String(f.bytesRead),
    last_data_ms: String(f.lastDataMs),
    source_kind: f.kind,
  };
}

/** A burst reply as it would be sent, with its encoded bytes. */
export interface CutBurst {
  /** The reply. */
  reply: BurstReply;
  /** The reply encoded, at most the bus's payload limit. */
  bytes: Uint8Array;
}

/**
 * The burst reply of at most `wanted` audio bytes, kept under `maxPayload`: the budget is capped
 * at half the payload limit and halved again while the encoded reply is too large (tiny chunks
 * cost JSON per frame). Undefined when even a small reply does not fit.
 */
export function cutBurst(
  f: SessionFacts,
  burst: BurstBuffer,
  wanted: number,
  maxPayload: number,
): CutBurst | undefined {
  const headerBytes = f.headerPages.reduce((n, p) => n + p.length, 0);
  let budget = Math.min(
    wanted,
    Math.max(0, Math.floor(maxPayload / 2) - headerBytes - BURST_REPLY_OVERHEAD),
  );
  for (let attempt = 0; attempt < 4; attempt++) {
    const snap = burst.snapshot(budget);
    const reply: BurstReply = {
      mount: f.mount,
      session: f.id,
      contentType: f.contentType,
      headerPages: f.headerPages,
      frames: snap.frames,
      endPosition: snap.endPosition,
      // Short of the newest chunk while a new header set arrives: the edge takes the rest live.
      nextSeq: snap.nextSeq ?? f.nextSeq,
      title: snap.title,
      titles: snap.titles,
      announcement: announcement(f, 'up'),
    };
    const bytes = encodeBurstReply(reply);
    if (bytes.length <= maxPayload) {
      return { reply, bytes };
    }
    budget = Math.floor(budget / 2);
  }
  return undefined;
}

/**
 * The titles reply for a burst of `wanted` bytes: the burst is cut and sized exactly as a burst
 * reply is (its bytes are measured, never sent), so the title in force at its first frame is
 * what a listener joining now hears first. Undefined when no burst reply would fit either.
 */
export function titlesReply(
  f: SessionFacts,
  burst: BurstBuffer,
  wanted: number,
  maxPayload: number,
): TitlesReply | undefined {
  const cut = cutBurst(f, burst, wanted, maxPayload);
  if (cut === undefined) {
    return undefined;
  }
  const { frames, endPosition, titles, title } = cut.reply;
  const joinPosition = frames[0]?.position ?? endPosition;
  const atJoin = titleAt(titles, joinPosition);
  return {
    mount: f.mount,
    session: f.id,
    joinPosition,
    endPosition,
    ...(atJoin === undefined ? {} : { atJoin }),
    ...(title === null ? {} : { latest: title }),
  };
}

/** The title in force at stream position `position`: the last one starting at or before it. */
export function titleAt(titles: readonly TitleEntry[], position: number): TitleEntry | undefined {
  let found: TitleEntry | undefined;
  for (const t of titles) {
    if (t.position <= position) {
      found = t;
    }
  }
  return found;
}
