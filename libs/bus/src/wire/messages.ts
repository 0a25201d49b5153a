/**
 * The typed messages that travel on the bus subjects, and the header names of audio chunks.
 * Types only; the codecs next to this file turn them into bytes and back.
 */
/**
 * Header names of an audio chunk on `<prefix>.audio.<m>`. The payload itself is raw bytes of
 * whole codec frames, never a partial frame.
 */
export const AUDIO_HEADERS = {
  /** Source session id; a new id means a new source connection (edges reset their state). */
  session: 'pc-session',
  /** Per-session sequence number, from 0, +1 per chunk; a jump means chunks were lost. */
  seq: 'pc-seq',
  /** Stream byte position of the chunk's first byte within the session. */
  position: 'pc-pos',
  /** The stream's content type, e.g. `audio/mpeg`. */
  contentType: 'content-type',
  /** Optional: how many codec frames the chunk holds. */
  frames: 'pc-frames',
  /** Optional: how many audio samples (per channel) the chunk holds. */
  samples: 'pc-samples',
  /** Optional: the sample rate, so `samples / sampleRate` is the exact duration. */
  sampleRate: 'pc-rate',
  /** Optional: wall-clock time ingest received the chunk, milliseconds since the epoch. */
  timestampMs: 'pc-ts',
  /**
   * Optional, `1` when set: the chunk starts with the first page of a new set of codec headers
   * (a chained Ogg link, or the stream's first headers). Edges start no listener before it.
   */
  codecHeaders: 'pc-hdr',
} as const;

/** One chunk of frame-aligned audio published by ingest. */
export interface AudioChunk {
  /** Source session id (visible ASCII, no spaces). */
  session: string;
  /** Per-session sequence number. */
  seq: number;
  /** Stream byte position of the first byte of `data`. */
  position: number;
  /** Content type of the stream. */
  contentType: string;
  /** Number of codec frames in `data`. */
  frames?: number;
  /** Number of samples per channel in `data`. */
  samples?: number;
  /** Sample rate in Hz. */
  sampleRate?: number;
  /** When ingest received the audio, milliseconds since the epoch. */
  timestampMs?: number;
  /**
   * True when `data` starts with the first page of a new set of codec headers (a new link of a
   * chained Ogg stream, or the stream's first headers): the audio after it needs these headers,
   * the audio before it the previous ones. Absent means false.
   */
  codecHeaders?: boolean;
  /** Whole codec frames. */
  data: Uint8Array;
}

/** A title change on `<prefix>.meta.<m>`, effective from a stream position. */
export interface TitleChange {
  /** The mount name. */
  mount: string;
  /** The source session the position belongs to. */
  session: string;
  /** Stream byte position where the new title starts. */
  position: number;
  /** The title (`StreamTitle`), already decoded to a JS string. */
  title: string;
  /** Optional `StreamUrl`. */
  url?: string;
  /** The charset the source sent the title in, e.g. `UTF-8` or `ISO-8859-1`. */
  charset: string;
  /** When the change arrived, milliseconds since the epoch. */
  timestampMs?: number;
}

/** Audio parameters of a source, from `ice-audio-info` or the stream itself. */
export interface AudioInfo {
  /** Codec name, e.g. `mp3`, `aac`, `vorbis`, `opus`, `flac`. */
  codec?: string;
  /** Bitrate in kbit/s. */
  bitrateKbps?: number;
  /** Sample rate in Hz. */
  sampleRate?: number;
  /** Number of channels. */
  channels?: number;
  /** Encoder quality setting as sent by the source. */
  quality?: string;
}

/** A source going up or down, on `<prefix>.source.<m>`. */
export interface SourceAnnouncement {
  /** Whether the source has just connected (`up`) or gone (`down`). */
  state: 'up' | 'down';
  /** The mount name. */
  mount: string;
  /** The source session id. */
  session: string;
  /** Content type of the stream. */
  contentType: string;
  /** The source's `ice-*` / `icy-*` headers, names lowercased (e.g. `ice-name`). */
  info: Record<string, string>;
  /** Audio parameters. */
  audio: AudioInfo;
  /** For Ogg streams: the codec header pages a new listener must receive first. */
  headerPages: Uint8Array[];
  /** When the source connected, milliseconds since the epoch. */
  startedAtMs: number;
  /** The source's IP address. */
  sourceIp: string;
  /** The source's User-Agent. */
  userAgent?: string;
  /** Id of the ingest instance that holds the mount. */
  instanceId: string;
  /** Stream position at the time of the announcement (0 when up, total bytes when down). */
  position: number;
  /** Why a source went down, e.g. `disconnect`, `killed`, `timeout`. */
  reason?: string;
}

/** A request for a mount's recent audio, on `<prefix>.burst.<m>`. */
export interface BurstRequest {
  /** The mount name. */
  mount: string;
  /** The most audio bytes wanted; the ingest's burst size when absent. */
  maxBytes?: number;
  /** Id of the asking edge, for logs. */
  requester?: string;
}

/** A title valid from a stream position, as kept in a burst's title timeline. */
export interface TitleEntry {
  /** Stream byte position where the title starts. */
  position: number;
  /** The title. */
  title: string;
  /** Optional `StreamUrl`. */
  url?: string;
  /** The charset the source sent the title in. */
  charset: string;
}

/** One frame-aligned chunk of recent audio with its stream position. */
export interface BurstFrame {
  /** Stream byte position of the first byte. */
  position: number;
  /** Whole codec frames. */
  data: Uint8Array;
}

/** The reply to a `BurstRequest`: everything a fresh edge needs to serve a full burst at once. */
export interface BurstReply {
  /** The mount name. */
  mount: string;
  /** The source session the frames belong to. */
  session: string;
  /** Content type of the stream. */
  contentType: string;
  /** For Ogg streams: the codec header pages to send first. */
  headerPages: Uint8Array[];
  /** Recent audio, oldest first. */
  frames: BurstFrame[];
  /** Stream position just past the last frame (where live audio continues). */
  endPosition: number;
  /** Sequence number the next live chunk will carry. */
  nextSeq: number;
  /** The title on air at `endPosition`, or `null` when none was set. */
  title: TitleEntry | null;
  /** Titles in effect over the frames, oldest first, so each listener hears the right one. */
  titles: TitleEntry[];
  /**
   * The source's current announcement (content type, `ice-*` info, header pages), so an edge
   * that missed the `up` message can still answer listeners with the right headers.
   */
  announcement?: SourceAnnouncement;
}

/**
 * A request for a mount's titles, on `<prefix>.titles.<m>`: what a listener joining now would
 * hear first and what is newest, without any audio. Admin sends it to show "now playing".
 */
export interface TitlesRequest {
  /** The mount name. */
  mount: string;
  /**
   * The burst size of a listener joining now, in bytes: the join position is where a burst of
   * this many bytes would start. The ingest's burst size for the mount when absent.
   */
  maxBytes?: number;
  /** Id of the asking instance, for logs. */
  requester?: string;
}

/**
 * The answer of the ingest holding a mount to a `TitlesRequest`. Positions are stream byte
 * positions of `session`, as on `<prefix>.audio.<m>`. It carries no audio.
 */
export interface TitlesReply {
  /** The mount name. */
  mount: string;
  /** The source session the positions belong to. */
  session: string;
  /**
   * Where a burst of the asked size starts (a frame boundary): the first byte a listener joining
   * now receives. Equal to `endPosition` when no audio is held yet.
   */
  joinPosition: number;
  /** Stream position just past the newest audio a burst would carry. */
  endPosition: number;
  /**
   * The title in force at `joinPosition`, so what a listener joining now hears (and is told)
   * first; its `position` is where that title started. Absent when no title was set by then.
   */
  atJoin?: TitleEntry;
  /** The newest title, possibly starting after `joinPosition`; absent when none was ever set. */
  latest?: TitleEntry;
}

/** An admin command on `<prefix>.ctl.<kind>`; `type` names the kind. */
export type ControlCommand =
  | { type: 'kill-client'; mount: string; clientId: string }
  | { type: 'kill-source'; mount: string }
  | { type: 'move-clients'; from: string; to: string }
  | { type: 'metadata-update'; mount: string; title: string; url?: string; charset?: string }
  | { type: 'list-clients'; mount: string }
  /**
   * Broadcast (no reply) after the admin stored a runtime fallback under `Keys.fallback(mount)`:
   * every edge applies it in memory. `null` or an empty string clears it.
   */
  | { type: 'set-fallback'; mount: string; fallback: string | null };

/** One listener as reported by `list-clients`. */
export interface ClientInfo {
  /** Connection id. */
  id: string;
  /** Client IP address. */
  ip: string;
  /** Seconds since the client connected. */
  connectedSeconds: number;
  /** Bytes sent so far. */
  bytes: number;
  /** Authenticated user name. */
  user?: string;
  /** The client's User-Agent. */
  userAgent?: string;
  /** The client's Referer. */
  referer?: string;
  /** How far behind the newest audio the client is, in bytes. */
  lagBytes?: number;
}

/** The answer to a `ControlCommand` from the instance that handled it. */
export type ControlReply = { instanceId: string } & (
  | { type: 'kill-client'; killed: boolean }
  | { type: 'kill-source'; killed: boolean }
  | { type: 'move-clients'; moved: number }
  | { type: 'metadata-update'; updated: boolean }
  | { type: 'list-clients'; clients: ClientInfo[] }
  | { type: 'error'; code: string; message: string }
);

/** A listener or source connecting or disconnecting, on `<prefix>.evt.<role>-<action>`. */
export interface ConnectionEvent {
  /** Who connected. */
  role: 'listener' | 'source';
  /** What happened. */
  action: 'connect' | 'disconnect';
  /** The mount name. */
  mount: string;
  /** Connection id. */
  id: string;
  /** Client IP address. */
  ip: string;
  /** Authenticated user name. */
  user?: string;
  /** The request line, e.g. `GET /live.mp3 HTTP/1.1`. */
  request: string;
  /** HTTP status answered. */
  status: number;
  /** Bytes transferred (0 at connect). */
  bytes: number;
  /** Seconds connected (0 at connect). */
  seconds: number;
  /** The client's Referer. */
  referer?: string;
  /** The client's User-Agent. */
  userAgent?: string;
  /** Id of the edge or ingest instance that served the connection. */
  instanceId: string;
  /** When it happened, milliseconds since the epoch. */
  timestampMs: number;
}

/**
 * What a figure name in `ServiceHeartbeat.figures` looks like: a short snake_case word, so it can
 * become a metric or column name. Publishers drop other names; the decoder refuses them.
 */
export const HEARTBEAT_FIGURE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * Names of the figures a service may report in `ServiceHeartbeat.figures`, so publishers and the
 * stats service agree on them without building strings of their own. Counters (`*_total`
 * figures) are cumulative since the instance started; the stats service turns their increases
 * into station-wide Prometheus counters.
 */
export const HEARTBEAT_FIGURES = {
  /** Listeners connected to this instance now (edges). */
  listeners: 'listeners',
  /** Sources connected to this instance now (ingests). */
  sources: 'sources',
  /** Audio bytes sent to listeners since the instance started (edges). */
  bytesSent: 'bytes_sent_total',
  /** Audio bytes received from sources since the instance started (ingests). */
  bytesReceived: 'bytes_received_total',
  /** Listeners dropped for falling too far behind since the instance started (edges). */
  slowListenerDrops: 'slow_listener_drops_total',
} as const;

/**
 * A periodic report of one running process on `<prefix>.stats.heartbeat`: its resource use and
 * its own figures. The stats service aggregates them into `stat.log` and per-instance metrics,
 * and forgets an instance whose heartbeats stop for three intervals.
 */
export interface ServiceHeartbeat {
  /** Service name, e.g. `edge`, `ingest`, `admin`, `stats`, or `server` for the single process. */
  service: string;
  /** Unique id of the process (`<host>-<pid>`). */
  instanceId: string;
  /** When the heartbeat was sent, milliseconds since the epoch. */
  timestampMs: number;
  /** Milliseconds until the next heartbeat; the instance counts as gone after three of them. */
  intervalMs: number;
  /** Seconds since the process started. */
  uptimeSeconds: number;
  /** CPU used since the previous heartbeat, in percent of one core (may exceed 100). */
  cpuPercent: number;
  /** Resident set size in bytes. */
  rssBytes: number;
  /** V8 heap in use, in bytes. */
  heapUsedBytes: number;
  /** V8 heap reserved, in bytes. */
  heapTotalBytes: number;
  /** The service's own figures by name (see `HEARTBEAT_FIGURES`); finite numbers >= 0. */
  figures: Record<string, number>;
  /** True on the last heartbeat of an instance that is stopping cleanly. */
  stopping?: boolean;
}

/**
 * Listener demand for a mount relayed on demand, on `<prefix>.demand.<m>`. An edge sends it as a
 * request when a first listener asks for the mount (and holds that listener until audio comes),
 * then as a plain message every few seconds while it has listeners for the mount, on it or moved
 * to a fallback; an on-demand relay that hears no demand for a while stops.
 */
export interface RelayDemand {
  /** The mount name. */
  mount: string;
  /** Id of the edge with the listeners. */
  requester: string;
  /** Listeners of the mount on that edge, on it or on a fallback (0 for a first listener held). */
  listeners: number;
}

/** The answer of an ingest to a `RelayDemand` request. */
export interface RelayDemandReply {
  /** The mount name. */
  mount: string;
  /** True when the mount is relayed on demand and its relay is starting or already running. */
  accepted: boolean;
  /** Id of the ingest instance that answered. */
  instanceId: string;
}
