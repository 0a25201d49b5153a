/**
 * Error classes of the protocol library, one per failure mode. Errors that can reach an HTTP
 * reply carry a stable `code` and the `httpStatus` to answer with.
 */

/** Base class of every error thrown by `@penguincast/icy`. */
export class IcyError extends Error {
  /** Stable machine-readable code, e.g. `HEAD_TOO_LARGE`. */
  readonly code: string;
  /** The HTTP status a server should answer with when this error ends a request. */
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IcyError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}
