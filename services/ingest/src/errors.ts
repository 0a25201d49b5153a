/**
 * Error classes of the ingest service, one per failure mode. Each carries a stable `code`, the
 * `httpStatus` a source is answered with, and the exact text body Icecast encoders string-match.
 */
import {
  httpErrorResponse,
  mountInUseResponse,
  noContentTypeResponse,
  tooManySourcesResponse,
  unauthorizedResponse,
} from '@penguincast/icy';

/** Base class of every error the ingest service raises. */
export class IngestError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
    this.httpStatus = httpStatus;
  }

  /** The bytes to write to the client before closing; Icecast's wording where it has one. */
  reply(): Buffer {
    return httpErrorResponse(this.httpStatus, this.message);
  }
}

/** Bad or missing source credentials (401 with Icecast's realm). */
export class SourceAuthError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('You need to authenticate', 'SOURCE_AUTH', 401, options);
    this.name = 'SourceAuthError';
  }

  override reply(): Buffer {
    return unauthorizedResponse();
  }
}

/** The mount already has a live source that may not be taken over. */
export class MountInUseError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('Mountpoint in use', 'MOUNT_IN_USE', 403, options);
    this.name = 'MountInUseError';
  }

  override reply(): Buffer {
    return mountInUseResponse();
  }
}

/** `Limits.Sources` sources are already live over the cluster. */
export class TooManySourcesError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('too many sources connected', 'TOO_MANY_SOURCES', 403, options);
    this.name = 'TooManySourcesError';
  }

  override reply(): Buffer {
    return tooManySourcesResponse();
  }
}

/** A PUT source sent no Content-Type (Icecast requires one for PUT). */
export class NoContentTypeError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('No Content-type given', 'NO_CONTENT_TYPE', 403, options);
    this.name = 'NoContentTypeError';
  }

  override reply(): Buffer {
    return noContentTypeResponse();
  }
}

/**
 * The mount name belongs to one of the server's own pages (`/admin/…`, `/status-json.xsl`, a
 * playlist file…): a source there would hide the page or never be heard, so it is refused.
 */
export class ReservedMountError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('Mountpoint name is reserved for a server page', 'MOUNT_RESERVED', 403, options);
    this.name = 'ReservedMountError';
  }
}

/**
 * The state store (Redis) cannot answer, so no lease can be taken: new sources are refused at
 * once rather than left hanging. Sources already live are not affected.
 */
export class SourceStateUnavailableError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('Source state unavailable, try again later', 'STATE_UNAVAILABLE', 503, options);
    this.name = 'SourceStateUnavailableError';
  }
}

/** A title update names a mount that has no live source (Icecast's admin wording). */
export class SourceNotFoundError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('Source does not exist', 'SOURCE_NOT_FOUND', 400, options);
    this.name = 'SourceNotFoundError';
  }
}

/** A request ingest does not serve (wrong method or path on its own port, bad admin.cgi mode). */
export class UnsupportedRequestError extends IngestError {
  constructor(message: string, httpStatus = 400, options?: ErrorOptions) {
    super(message, 'UNSUPPORTED_REQUEST', httpStatus, options);
    this.name = 'UnsupportedRequestError';
  }
}

/**
 * A relay's upstream could not be reached or read: refused connection, timeout, or a reply
 * that is not an HTTP or ICY response. The relay retries with backoff.
 */
export class UpstreamUnreachableError extends IngestError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'UPSTREAM_UNREACHABLE', 502, options);
    this.name = 'UpstreamUnreachableError';
  }
}

/** A relay's upstream answered with a status other than 200 (or a redirect it followed). */
export class UpstreamStatusError extends IngestError {
  /** The upstream's status code. */
  readonly upstreamStatus: number;

  constructor(upstreamStatus: number, options?: ErrorOptions) {
    super(`upstream answered ${upstreamStatus}`, 'UPSTREAM_STATUS', 502, options);
    this.name = 'UpstreamStatusError';
    this.upstreamStatus = upstreamStatus;
  }
}

/** A relay's upstream redirected more times than allowed (or in a loop). */
export class TooManyRedirectsError extends IngestError {
  constructor(options?: ErrorOptions) {
    super('too many redirects', 'TOO_MANY_REDIRECTS', 502, options);
    this.name = 'TooManyRedirectsError';
  }
}

/** Every error class of the service, by name. */
export const errors = {
  IngestError,
  SourceAuthError,
  MountInUseError,
  TooManySourcesError,
  NoContentTypeError,
  ReservedMountError,
  SourceStateUnavailableError,
  SourceNotFoundError,
  UnsupportedRequestError,
  UpstreamUnreachableError,
  UpstreamStatusError,
  TooManyRedirectsError,
};
