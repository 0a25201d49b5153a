/** Error classes of the stats service, one per failure mode. */

/** Base class of every error the stats service raises. */
export class StatsError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StatsError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** Every error class of the service, by name. */
export const errors = { StatsError };
