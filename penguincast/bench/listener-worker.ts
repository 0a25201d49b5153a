/**
 * One listener-generator process of the benchmark: opens `count` ICY listeners on raw sockets
 * over a ramp, parses every byte strictly, and prints one JSON report on stdout when done.
 * Bounded: every socket closes at the deadline and the process exits by itself.
 */
import { connect, type Socket } from 'node:net';
import { IcyStreamParser, parseMpegHeader } from '@penguincast/icy';

interface WorkerArgs {
  port: number;
  mount: string;
  count: number;
  rampMs: number;
  holdMs: number;
}

/** What the worker reports to the benchmark runner. */
export interface WorkerReport {
  opened: number;
  ok: number;
  failed: number;
  ttfbMs: number[];
  latencyMs: number[];
  framingErrors: number;
  cleanStarts: number;
  bytes: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const report: WorkerReport = {
  opened: 0,
  ok: 0,
  failed: 0,
  ttfbMs: [],
  latencyMs: [],
  framingErrors: 0,
  cleanStarts: 0,
  bytes: 0,
};
const sockets = new Set<Socket>();
/** Audio after which a listener has surely passed its burst (64 KiB) and hears live audio. */
const LIVE_AFTER_BYTES = 3 * 65536;
const deadline = Date.now() + args.rampMs + args.holdMs;

/** True when `audio` starts with an MPEG frame header followed by another one. */
function cleanStart(audio: Buffer): boolean {
  const h = parseMpegHeader(audio, 0);
  if (h == null) {
    return false;
  }
  return parseMpegHeader(audio, h.length) != null;
}

function openOne(): void {
  report.opened++;
  const sentAt = performance.now();
  const socket = connect(args.port, '127.0.0.1');
  sockets.add(socket);
  let head = Buffer.alloc(0);
  let parser: IcyStreamParser | undefined;
  let first: Buffer[] = [];
  let firstLen = 0;
  let checkedStart = false;
  let audioBytes = 0;
  let failedHere = false;
  socket.setNoDelay(true);
  socket.on('connect', () => {
    socket.write(`GET ${args.mount} HTTP/1.0\r\nIcy-MetaData: 1\r\nUser-Agent: pc-bench\r\n\r\n`);
  });
  const onBody = (chunk: Buffer): void => {
    report.bytes += chunk.length;
    if (parser === undefined || failedHere) {
      return;
    }
    let out;
    try {
      out = parser.push(chunk);
    } catch {
      report.framingErrors++;
      failedHere = true;
      return;
    }
    for (const a of out.audio) {
      audioBytes += a.length;
    }
    if (!checkedStart) {
      for (const a of out.audio) {
        first.push(Buffer.from(a));
        firstLen += a.length;
      }
      if (firstLen >= 4096) {
        checkedStart = true;
        if (cleanStart(Buffer.concat(first))) {
          report.cleanStarts++;
        }
        first = [];
      }
    }
    for (const b of out.blocks) {
      const m = /^ts:(\d+)$/.exec(b.meta?.title ?? '');
      // Titles inside the burst are seconds old by design; measure once the listener is live.
      if (m !== null && audioBytes > LIVE_AFTER_BYTES) {
        report.latencyMs.push(Date.now() - Number(m[1]));
      }
    }
  };
  socket.on('data', (chunk: Buffer) => {
    if (parser !== undefined) {
      onBody(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) {
      return;
    }
    const text = head.subarray(0, end).toString('latin1');
    const metaint = /icy-metaint:\s*(\d+)/i.exec(text);
    if (!/^(HTTP\/1\.[01]|ICY) 200/.test(text) || metaint === null) {
      report.failed++;
      socket.destroy();
      return;
    }
    report.ok++;
    report.ttfbMs.push(performance.now() - sentAt);
    parser = new IcyStreamParser(Number(metaint[1]));
    const rest = head.subarray(end + 4);
    head = Buffer.alloc(0);
    if (rest.length > 0) {
      onBody(rest);
    }
  });
  socket.on('error', () => {
    if (parser === undefined) {
      report.failed++;
    }
  });
  socket.on('close', () => sockets.delete(socket));
}

const gap = args.count > 1 ? args.rampMs / args.count : 0;
let opened = 0;
const opener = setInterval(
  () => {
    const due = gap === 0 ? args.count : Math.min(args.count, Math.ceil((Date.now() - t0) / gap));
    while (opened < due) {
      opened++;
      openOne();
    }
    if (opened >= args.count) {
      clearInterval(opener);
    }
  },
  Math.max(5, Math.min(100, gap)),
);
const t0 = Date.now();
setTimeout(
  () => {
    clearInterval(opener);
    for (const s of sockets) {
      s.destroy();
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    setTimeout(() => process.exit(0), 50);
  },
  Math.max(0, deadline - Date.now()),
);
