/**
 * The root pino logger of a service: JSON on stdout with `service` and `instance` bound, and
 * secrets redacted (Authorization headers, passwords, `pass=` in URLs). Created once per process
 * in a composition root and passed down as a parameter; extra destinations (the Icecast-style
 * `error.log` writer) receive the same redacted lines.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

/** Levels of the seed's `Logging.Loglevel` (1 errors .. 4 debug) as pino levels. */
export const LOGLEVEL_TO_PINO: Readonly<Record<number, pino.LevelWithSilent>> = {
  1: 'error',
  2: 'warn',
  3: 'info',
  4: 'debug',
};

/** Paths whose values never reach a log line. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.Password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

/** Options of `createRootLogger`. */
export interface RootLoggerOptions {
  /** Service name bound to every line, e.g. `edge`. */
  service: string;
  /** Instance id bound to every line (host name, pod name). */
  instance: string;
  /** Seed log level 1..4; default 3 (info). */
  loglevel?: number;
  /** Where lines go; stdout when omitted. Tests pass a sink. */
  destination?: DestinationStream;
  /**
   * More places every line goes besides `destination` (or stdout), e.g. the stats service's
   * `error.log` writer. Each receives the same JSON lines at the logger's level and filters
   * further by itself.
   */
  extraDestinations?: readonly DestinationStream[];
}

/** Replaces credentials carried in URLs or query strings with `***`. */
export function redactUrl(text: string): string {
  return text
    .replace(/([?&](?:pass|password|pw)=)[^&\s]*/gi, '$1***')
    .replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/g, '$1***@');
}

/** Creates the process's root logger. */
export function createRootLogger(opts: RootLoggerOptions): Logger {
  const level = LOGLEVEL_TO_PINO[opts.loglevel ?? 3] ?? 'info';
  const options: pino.LoggerOptions = {
    level,
    base: { service: opts.service, instance: opts.instance },
    redact: { paths: REDACT_PATHS, censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactUrl(a) : a));
        method.apply(this, redacted as Parameters<typeof method>);
      },
    },
  };
  const extra = opts.extraDestinations ?? [];
  if (extra.length === 0) {
    return opts.destination ? pino(options, opts.destination) : pino(options);
  }
  // A multistream entry without a level only gets `info` and above, so each one is given the
  // logger's level; the error.log writer applies `Loglevel` itself.
  // The same stdout stream pino builds when it is given no destination.
  const main = opts.destination ?? pino.destination(1);
  const streamLevel: pino.Level = level === 'silent' ? 'fatal' : level;
  const streams = [main, ...extra].map((stream) => ({ stream, level: streamLevel }));
  return pino(options, pino.multistream(streams));
}
