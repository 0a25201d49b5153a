/**
 * A pino logger whose lines are kept as objects, so tests assert on what a service logged
 * (`pinojs/pino:test/helper.js` `sink()`). It writes nowhere else.
 */
import { Writable } from 'node:stream';
import { pino, type Level, type Logger } from 'pino';

/** A logger and the lines it wrote. */
export interface LogSink {
  /** The logger to hand to the code under test. */
  readonly log: Logger;
  /** Every line written so far, parsed, oldest first. */
  readonly lines: Array<Record<string, unknown>>;
  /** The stream behind `log`, for code that builds its own logger. */
  readonly stream: Writable;
  /** The lines whose `msg` equals `msg`. */
  find(msg: string): Array<Record<string, unknown>>;
}

/** A logger at `level` (default `debug`) that keeps every line it writes as an object. */
export function logSink(level: Level = 'debug'): LogSink {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
      }
      cb();
    },
  });
  return {
    log: pino({ level }, stream),
    lines,
    stream,
    find: (msg) => lines.filter((l) => l['msg'] === msg),
  };
}
