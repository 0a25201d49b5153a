/**
 * Error classes of the admin service, one per failure mode. Each carries a stable `code` and the
 * `httpStatus` it answers with; texts that Icecast clients string-match are Icecast 2.4's own.
 */

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

/** Icecast's 401 body; encoders and tools match it. */
export const AUTH_REQUIRED_TEXT = 'You need to authenticate';

/** Missing or wrong credentials (401 with `WWW-Authenticate: Basic realm="Icecast2 Server"`). */
export class AuthRequiredError extends AdminError {
  constructor(options?: ErrorOptions) {
    super(AUTH_REQUIRED_TEXT, 'AUTH_REQUIRED', 401, options);
    this.name = 'AuthRequiredError';
  }
}

/** An admin command names a mount without a source (Icecast: 400 `Source does not exist`). */
export class SourceNotFoundError extends AdminError {
  constructor(options?: ErrorOptions) {
    super('Source does not exist', 'SOURCE_NOT_FOUND', 400, options);
    this.name = 'SourceNotFoundError';
  }
}

/** A typed-API request names a mount without a source (404, as REST clients expect). */
export class MountNotFoundError extends AdminError {
  constructor(mount: string, options?: ErrorOptions) {
    super(`mount ${mount} has no source`, 'MOUNT_NOT_FOUND', 404, options);
    this.name = 'MountNotFoundError';
  }
}

/** A required query parameter is absent (Icecast: 400 `Missing parameter`). */
export class MissingParameterError extends AdminError {
  /** The parameter's name, for logs. */
  readonly parameter: string;

  constructor(parameter: string, options?: ErrorOptions) {
    super('Missing parameter', 'MISSING_PARAMETER', 400, options);
    this.name = 'MissingParameterError';
    this.parameter = parameter;
  }
}

/** A request that cannot be carried out as asked (400 with an Icecast-style reason). */
export class BadRequestError extends AdminError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'BAD_REQUEST', 400, options);
    this.name = 'BadRequestError';
  }
}

/** Icecast's 404 text. */
export const NOT_FOUND_TEXT = 'The file you requested could not be found';

/** Nothing is served at this path (404). */
export class NotFoundError extends AdminError {
  constructor(options?: ErrorOptions) {
    super(NOT_FOUND_TEXT, 'NOT_FOUND', 404, options);
    this.name = 'NotFoundError';
  }
}

/**
 * A request refused outright (403): a path that tries to leave the web folder (the file system
 * is never touched), or a cross-site browser request for a state-changing command.
 */
export class ForbiddenError extends AdminError {
  constructor(options?: ErrorOptions) {
    super('Forbidden', 'FORBIDDEN', 403, options);
    this.name = 'ForbiddenError';
  }
}

/** Too many monitor pages are connected (503). */
export class TooManyClientsError extends AdminError {
  constructor(options?: ErrorOptions) {
    super('Too many monitor clients', 'TOO_MANY_CLIENTS', 503, options);
    this.name = 'TooManyClientsError';
  }
}

/** Every error class of the service, by name. */
export const errors = {
  AdminError,
  AuthRequiredError,
  SourceNotFoundError,
  MountNotFoundError,
  MissingParameterError,
  BadRequestError,
  NotFoundError,
  ForbiddenError,
  TooManyClientsError,
};
