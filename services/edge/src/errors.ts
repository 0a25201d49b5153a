/** Error classes of the edge service, one per failure mode; those that reach HTTP carry a status. */

/** Base class of every error the edge raises. */
export class EdgeError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** The HTTP status a client is answered with. */
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EdgeError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** The station config cannot be turned into edge settings (e.g. a bad `Cluster.IngestUrl`). */
export class EdgeConfigError extends EdgeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'EDGE_CONFIG', 500, options);
    this.name = 'EdgeConfigError';
  }
}

/** A listener asked for a mount that has no source (404). */
export class SourceNotFoundError extends EdgeError {
  constructor(mount: string, options?: ErrorOptions) {
    super(`mount ${mount} has no source`, 'SOURCE_NOT_FOUND', 404, options);
    this.name = 'SourceNotFoundError';
  }
}

/** The cluster-wide listener limit (`Limits.Clients`) is reached (403). */
export class ConnectionLimitError extends EdgeError {
  constructor(limit: number, options?: ErrorOptions) {
    super(`listener limit of ${limit} reached`, 'CONNECTION_LIMIT', 403, options);
    this.name = 'ConnectionLimitError';
  }
}

/** A mount's `MaxListeners` is reached (403). */
export class MaxListenersError extends EdgeError {
  constructor(mount: string, limit: number, options?: ErrorOptions) {
    super(`mount ${mount} has its ${limit} listeners`, 'MAX_LISTENERS', 403, options);
    this.name = 'MaxListenersError';
  }
}

/** The ingest or admin service a request is forwarded to cannot be reached (502). */
export class UpstreamUnavailableError extends EdgeError {
  constructor(target: string, options?: ErrorOptions) {
    super(`cannot reach ${target}`, 'UPSTREAM_UNAVAILABLE', 502, options);
    this.name = 'UpstreamUnavailableError';
  }
}

/** Every error class of the service, by name. */
export const errors = {
  EdgeError,
  EdgeConfigError,
  SourceNotFoundError,
  ConnectionLimitError,
  MaxListenersError,
  UpstreamUnavailableError,
};
