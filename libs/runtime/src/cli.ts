/**
 * Command-line arguments shared by every service entry point: `--config PATH` (default
 * `config.json`, or `PENGUINCAST_CONFIG`) and `--help`. Pure: it only reads what it is given.
 */
import { parseArgs } from 'node:util';

/** What a service entry point was asked to do. */
export interface CliArgs {
  /** Path of the station config file. */
  configPath: string;
  /** Positional words left after the options (e.g. the service name). */
  positionals: string[];
  help: boolean;
}

/** Parses argv (without the node and script paths). Throws TypeError on unknown options. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  return {
    configPath: values.config ?? env['PENGUINCAST_CONFIG'] ?? 'config.json',
    positionals,
    help: values.help ?? false,
  };
}
