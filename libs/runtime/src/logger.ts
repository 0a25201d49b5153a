/**
 * The root pino logger of a service: JSON on stdout with `service` and `instance` bound, and
 * secrets redacted (Authorization headers, passwords, `pass=` in URLs). Created once per process
 * in a composition root and passed down as a parameter.
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
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
