/**
 * What a source session is created from: its mount, lease, stream facts and transport, and what
 * feeds it (an encoder, a relay or a file loop). Types only.
 */
import type { MountLease } from './lease.js';

/** What a session is created from, once its lease is held. */
export interface SessionInit {
  /** Normalised mount name. */
  mount: string;
  /** Random id of this connection. */
  id: string;
  /** The mount lease this session holds. */
  lease: MountLease;
  /** Content type of the stream (`audio/mpeg` for SHOUTcast and legacy SOURCE without one). */
  contentType: string;
  /** The source's `ice-*` / `icy-*` headers, lowercased. */
  info: Record<string, string>;
  /** Client address. */
  ip: string;
  /** Authenticated user name. */
  user?: string;
  /** The source's User-Agent. */
  userAgent?: string;
  /** Request line for connection events, e.g. `PUT /live.mp3 HTTP/1.1`. */
  request: string;
  /** Ends the transport (destroys the socket); called when the session is killed. */
  closeTransport: () => void;
  /** True for a SHOUTcast v1 source (its titles come through `admin.cgi`). */
  shoutcast?: boolean;
  /**
   * What feeds the session: an encoder (`source`, the default), a pull relay or a file loop.
   * Relays and file loops are never taken over by an encoder that happens to share their address.
   */
  kind?: SourceKind;
  /** Called once when the session ends, with the reason (relays and file loops restart from it). */
  onFinish?: (reason: string) => void;
}

/** What feeds a source session. */
export type SourceKind = 'source' | 'relay' | 'file';
