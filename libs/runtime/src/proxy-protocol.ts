/**
 * PROXY protocol v1 (HAProxy's text line, `PROXY TCP4 src dst sport dport\r\n`): the edge sends
 * it before a proxied SHOUTcast v1 source, which has no header to carry the encoder's address,
 * and ingest reads it. Only the line is handled here; whether to believe it is the caller's
 * decision (a trusted peer), never this module's.
 */
import { isIP, type Socket } from 'node:net';
import { normalisePeerAddress } from './trusted-proxies.js';

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
  const family = isIP(src);
  const ports = [source.port, destination.port];
  const portsOk = ports.every((p) => p !== undefined && Number.isInteger(p) && p >= 0 && p < 65536);
  if (family === 0 || family !== isIP(dst) || !portsOk) {
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
  if (isIP(src) !== family || isIP(dst) !== family || !portOk(sport) || !portOk(dport)) {
    return undefined;
  }
  return { sourceAddress: normalisePeerAddress(src), sourcePort: Number(sport) };
}

/** The outcome of {@link readProxyV1}. */
export type ProxyV1Read =
  /** The connection did not start with `PROXY `: its first bytes were put back. */
  | { kind: 'none' }
  /** A valid line was read and consumed; the bytes after it were put back. */
  | { kind: 'header'; header: ProxyV1Header }
  /** A `PROXY ` line that is malformed, too long or unfinished before the deadline or close. */
  | { kind: 'invalid' };

/**
 * Looks at the first bytes of a fresh socket for a PROXY v1 line. Everything read that is not
 * the line goes back with `unshift`, so the next reader sees the stream as the client sent it.
 * The socket is paused when this resolves.
 */
export function readProxyV1(socket: Socket, timeoutMs: number): Promise<ProxyV1Read> {
  return new Promise((resolve) => {
    let buf: Buffer = Buffer.alloc(0);
    const finish = (result: ProxyV1Read, rest?: Buffer): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (rest !== undefined && rest.length > 0) {
        socket.unshift(rest);
      }
      resolve(result);
    };
    const onClose = (): void => finish({ kind: 'invalid' });
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const n = Math.min(buf.length, SIGNATURE.length);
      if (!buf.subarray(0, n).equals(SIGNATURE.subarray(0, n))) {
        finish({ kind: 'none' }, buf);
        return;
      }
      const end = buf.indexOf('\r\n');
      if (end === -1) {
        if (buf.length >= PROXY_V1_MAX_BYTES) {
          finish({ kind: 'invalid' });
        }
        return;
      }
      const header =
        end + 2 <= PROXY_V1_MAX_BYTES
          ? parseProxyV1Line(buf.toString('latin1', 0, end))
          : undefined;
      finish(
        header === undefined ? { kind: 'invalid' } : { kind: 'header', header },
        buf.subarray(end + 2),
      );
    };
    const timer = setTimeout(() => finish({ kind: 'invalid' }), timeoutMs);
    timer.unref();
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}
