/**
 * Error classes of the bus package, one per failure mode. Each carries a stable `code` and the
 * `httpStatus` an admin or API handler should answer with when the error ends a request.
 */

/** Base class of every error thrown by `@penguincast/bus` (bad arguments throw `TypeError`). */
export class BusError extends Error {
  /** Stable machine-readable code, e.g. `BUS_TIMEOUT`. */
  readonly code: string;
  /** The HTTP status a server should answer with when this error ends a request. */
  readonly httpStatus: number;

  constructor(message: string, code: string, httpStatus: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** A subject token that is not a valid encoded mount name (it came from the wire). */
export class InvalidMountTokenError extends BusError {
  /** The offending token. */
  readonly token: string;

  constructor(token: string, why: string, options?: ErrorOptions) {
    super(`invalid mount token ${JSON.stringify(token)}: ${why}`, 'BAD_MOUNT_TOKEN', 400, options);
    this.name = 'InvalidMountTokenError';
    this.token = token;
  }
}

/** A message that could not be decoded: bad JSON, bad envelope, a missing or mistyped field. */
export class MessageDecodeError extends BusError {
  /** Which message type was being decoded, e.g. `TitleChange`. */
  readonly messageType: string;
  /** Dotted path of the offending field, empty for the whole message. */
  readonly field: string;

  constructor(messageType: string, field: string, why: string, options?: ErrorOptions) {
    super(
      `cannot decode ${messageType}${field ? ` at ${field}` : ''}: ${why}`,
      'BAD_MESSAGE',
      502,
      options,
    );
    this.name = 'MessageDecodeError';
    this.messageType = messageType;
    this.field = field;
  }
}

/** A message whose version field is newer than this build understands. */
export class UnsupportedMessageVersionError extends BusError {
  /** The version the message carried. */
  readonly version: number;

  constructor(messageType: string, version: number, options?: ErrorOptions) {
    super(
      `${messageType} version ${version} is not supported`,
      'BAD_MESSAGE_VERSION',
      502,
      options,
    );
    this.name = 'UnsupportedMessageVersionError';
    this.version = version;
  }
}

/** An operation on a bus that was closed or is draining. */
export class BusClosedError extends BusError {
  constructor(options?: ErrorOptions) {
    super('the bus is closed', 'BUS_CLOSED', 503, options);
    this.name = 'BusClosedError';
  }
}

/** The first connection to the bus server could not be made. */
export class BusConnectError extends BusError {
  /** The server URL(s) tried. */
  readonly servers: string;

  constructor(servers: string, why: string, options?: ErrorOptions) {
    super(`cannot connect to ${servers}: ${why}`, 'BUS_CONNECT_FAILED', 503, options);
    this.name = 'BusConnectError';
    this.servers = servers;
  }
}

/** A request that got no reply within its timeout. */
export class BusTimeoutError extends BusError {
  /** The subject the request was sent to. */
  readonly subject: string;

  constructor(subject: string, timeoutMs: number, options?: ErrorOptions) {
    super(`no reply on ${subject} within ${timeoutMs} ms`, 'BUS_TIMEOUT', 504, options);
    this.name = 'BusTimeoutError';
    this.subject = subject;
  }
}

/** A request sent to a subject that nobody subscribes to. */
export class NoRespondersError extends BusError {
  /** The subject the request was sent to. */
  readonly subject: string;

  constructor(subject: string, options?: ErrorOptions) {
    super(`no responders on ${subject}`, 'NO_RESPONDERS', 503, options);
    this.name = 'NoRespondersError';
    this.subject = subject;
  }
}

/** A request that failed for another reason, e.g. the connection dropped while it waited. */
export class BusRequestError extends BusError {
  /** The subject the request was sent to. */
  readonly subject: string;

  constructor(subject: string, why: string, options?: ErrorOptions) {
    super(`request on ${subject} failed: ${why}`, 'BUS_REQUEST_FAILED', 503, options);
    this.name = 'BusRequestError';
    this.subject = subject;
  }
}

/** The state store could not answer (Redis down, timed out, or refused the command). */
export class StateUnavailableError extends BusError {
  /** The store operation that failed, e.g. `acquireLease`. */
  readonly operation: string;

  constructor(operation: string, why: string, options?: ErrorOptions) {
    super(`state store ${operation} failed: ${why}`, 'STATE_UNAVAILABLE', 503, options);
    this.name = 'StateUnavailableError';
    this.operation = operation;
  }
}

/** Every error class of the package, for `instanceof` checks without many imports. */
export const errors = {
  BusError,
  InvalidMountTokenError,
  MessageDecodeError,
  UnsupportedMessageVersionError,
  BusClosedError,
  BusConnectError,
  BusTimeoutError,
  NoRespondersError,
  BusRequestError,
  StateUnavailableError,
} as const;
