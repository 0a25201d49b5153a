/** Error classes of the runtime kit, one per failure mode. */

/**
 * A log file could not be opened, written or rotated (missing folder permissions, full disk).
 * Logged once per failure streak; the lines it concerns are counted as dropped.
 */
export class LogFileError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** The file concerned. */
  readonly path: string;
  /** What failed: `open`, `write` or `rotate`. */
  readonly operation: string;

  constructor(path: string, operation: string, options?: ErrorOptions) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`cannot ${operation} log file ${path}${cause}`, options);
    this.name = 'LogFileError';
    this.code = 'LOG_FILE_FAILED';
    this.path = path;
    this.operation = operation;
  }
}
