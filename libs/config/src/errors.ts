/**
 * Errors of the config package: one `ConfigError` carrying every problem found, each with the
 * path of the offending value and what to do about it.
 */

/** One problem in the configuration. */
export interface ConfigProblem {
  /** Dotted path of the value, e.g. `Mounts[0].Password`; empty for the whole document. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** A configuration that cannot be used. Start-up stops and prints `message`. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[], source = 'config', options?: ErrorOptions) {
    const lines = problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`);
    super(
      `${source} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`,
      options,
    );
    this.name = 'ConfigError';
    this.problems = Object.freeze([...problems]);
  }
}
