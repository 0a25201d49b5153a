/**
 * PROXY protocol v1 (HAProxy's text line, `PROXY TCP4 src dst sport dport\r\n`): the edge sends
 * it before a proxied SHOUTcast v1 source, which has no header to carry the encoder's address,
 * and ingest reads it. Only the line is handled here; whether to believe it is the caller's
 * decision (a trusted peer), never this module's. Pure: bytes and strings only, no sockets.
 */
import { ipVersion, normalisePeerAddress } from './ip-address.js';

/** The longest v1 line the specification allows, CRLF included. */
export const PROXY_V1_MAX_BYTES = 107;

const SIGNATURE = Buffer.from('PROXY ', 'latin1');

/** One end of a connection. */
export interface Endpoint {
  address: string | undefined;
  port: number | undefined;
}

/**
 * The v1 line for a connection from `source` to `destination`: `TCP4` or `TCP6` when both
 * addresses are of one family, `PROXY UNKNOWN` otherwise (the receiver then uses its peer).
 */
export function proxyV1Line(source: Endpoint, destination: Endpoint): string {
  const src = normalisePeerAddress(source.address);
  const dst = normalisePeerAddress(destination.address);
  const family = ipVersion(src);
  const ports = [source.port, destination.port];
  const portsOk = ports.every((p) => p !== undefined && Number.isInteger(p) && p >= 0 && p < 65536);
  if (family === 0 || family !== ipVersion(dst) || !portsOk) {
    return 'PROXY UNKNOWN\r\n';
  }
  return `PROXY TCP${family} ${src} ${dst} ${source.port} ${destination.port}\r\n`;
}

/** What a parsed v1 line says. */
export interface ProxyV1Header {
  /** The original client's address, or undefined for `PROXY UNKNOWN`. */
  sourceAddress?: string;
  sourcePort?: number;
}

/** Parses one v1 line (without CRLF); undefined when it is not a valid line. */
export function parseProxyV1Line(line: string): ProxyV1Header | undefined {
  const parts = line.split(' ');
  if (parts[0] !== 'PROXY') {
    return undefined;
  }
  if (parts[1] === 'UNKNOWN') {
    return {};
  }
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) {
    return undefined;
  }
  const [, proto, src, dst, sport, dport] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const family = proto === 'TCP4' ? 4 : 6;
  const portOk = (p: string): boolean => /^\d{1,5}$/.test(p) && Number(p) < 65536;
  if (ipVersion(src) !== family || ipVersion(dst) !== family || !portOk(sport) || !portOk(dport)) {
    return undefined;
  }
  return { sourceAddress: normalisePeerAddress(src), sourcePort: Number(sport) };
}

/** What the first bytes of a connection say about a PROXY v1 line, from {@link scanProxyV1}. */
export type ProxyV1Scan =
  /** The bytes do not start with `PROXY `: the stream has no line, all of it is payload. */
  | { kind: 'none' }
  /** A valid line of `length` bytes (CRLF included); the payload starts after it. */
  | { kind: 'header'; header: ProxyV1Header; length: number }
  /** A `PROXY ` line that is malformed or longer than the specification allows. */
  | { kind: 'invalid' }
  /** Not decided yet: more bytes are needed. */
  | { kind: 'more' };

/**
 * Looks at everything received so far on a fresh connection (call again with the grown buffer
 * after each read) and says whether it starts with a PROXY v1 line.
 */
export function scanProxyV1(buf: Uint8Array): ProxyV1Scan {
  const n = Math.min(buf.length, SIGNATURE.length);
  for (let i = 0; i < n; i++) {
    if (buf[i] !== SIGNATURE[i]) {
      return { kind: 'none' };
    }
  }
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = bytes.indexOf('\r\n');
  if (end === -1) {
    return bytes.length >= PROXY_V1_MAX_BYTES ? { kind: 'invalid' } : { kind: 'more' };
  }
  const header =
    end + 2 <= PROXY_V1_MAX_BYTES ? parseProxyV1Line(bytes.toString('latin1', 0, end)) : undefined;
  return header === undefined ? { kind: 'invalid' } : { kind: 'header', header, length: end + 2 };
}
