/** Error classes of the admin service, one per failure mode. */

/** Base class of every error the admin service raises. */
export class AdminError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** Every error class of the service, by name. */
export const errors = { AdminError };
