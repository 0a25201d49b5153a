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

/**
 * An ICY stream broke the metaint framing, found by `IcyStreamParser`. A relay reading such an
 * upstream answers 502; `audioOffset` is how many audio bytes came before the bad block.
 */
export class IcyFramingError extends IcyError {
  /** Audio bytes of the stream before the offending metadata block. */
  readonly audioOffset: number;

  constructor(message: string, code: string, audioOffset: number, options?: ErrorOptions) {
    super(message, code, 502, options);
    this.name = 'IcyFramingError';
    this.audioOffset = audioOffset;
  }
}

/** A metadata block has bytes other than NUL after its text, where only padding may be. */
export class IcyMetadataPaddingError extends IcyFramingError {
  constructor(message: string, audioOffset: number, options?: ErrorOptions) {
    super(message, 'ICY_META_PADDING', audioOffset, options);
    this.name = 'IcyMetadataPaddingError';
  }
}

/** A metadata block's text is not a sequence of `Key='value';` fields starting with StreamTitle. */
export class IcyMetadataSyntaxError extends IcyFramingError {
  constructor(message: string, audioOffset: number, options?: ErrorOptions) {
    super(message, 'ICY_META_SYNTAX', audioOffset, options);
    this.name = 'IcyMetadataSyntaxError';
  }
}

/** A metadata block's text is not valid in the charset the parser was told to expect. */
export class IcyMetadataCharsetError extends IcyFramingError {
  constructor(message: string, audioOffset: number, options?: ErrorOptions) {
    super(message, 'ICY_META_CHARSET', audioOffset, options);
    this.name = 'IcyMetadataCharsetError';
  }
}

/** An ICY stream ended inside a metadata block. */
export class IcyTruncatedBlockError extends IcyFramingError {
  constructor(message: string, audioOffset: number, options?: ErrorOptions) {
    super(message, 'ICY_META_TRUNCATED', audioOffset, options);
    this.name = 'IcyTruncatedBlockError';
  }
}

/** A request head (or SHOUTcast handshake line) is not well-formed; answered with 400. */
export class MalformedRequestError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'MALFORMED_REQUEST', 400, options);
    this.name = 'MalformedRequestError';
  }
}

/** The request line is longer than the configured limit; answered with 414. */
export class RequestLineTooLongError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'REQUEST_LINE_TOO_LONG', 414, options);
    this.name = 'RequestLineTooLongError';
  }
}

/** One header line is longer than the configured limit; answered with 431. */
export class HeaderLineTooLongError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'HEADER_LINE_TOO_LONG', 431, options);
    this.name = 'HeaderLineTooLongError';
  }
}

/** A request head carries more header lines than the configured limit; answered with 431. */
export class TooManyHeadersError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'TOO_MANY_HEADERS', 431, options);
    this.name = 'TooManyHeadersError';
  }
}

/** A request head is larger in total than the configured limit; answered with 431. */
export class HeadTooLargeError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'HEAD_TOO_LARGE', 431, options);
    this.name = 'HeadTooLargeError';
  }
}

/** The request method is a valid token that PenguinCast does not implement; answered with 501. */
export class MethodNotImplementedError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'METHOD_NOT_IMPLEMENTED', 501, options);
    this.name = 'MethodNotImplementedError';
  }
}

/** The request names a protocol version other than HTTP/1.0, HTTP/1.1 or ICE/1.0; answered with 505. */
export class VersionNotSupportedError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'VERSION_NOT_SUPPORTED', 505, options);
    this.name = 'VersionNotSupportedError';
  }
}

/** The request uses a transfer coding other than `chunked`; answered with 501. */
export class TransferEncodingNotImplementedError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'TRANSFER_ENCODING_NOT_IMPLEMENTED', 501, options);
    this.name = 'TransferEncodingNotImplementedError';
  }
}

/** A chunked body has a malformed chunk-size line, chunk terminator or trailer; answered with 400. */
export class BadChunkError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'BAD_CHUNK', 400, options);
    this.name = 'BadChunkError';
  }
}

/** A chunk-size line or the trailer section of a chunked body exceeds its limit; answered with 400. */
export class ChunkLineTooLongError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'CHUNK_LINE_TOO_LONG', 400, options);
    this.name = 'ChunkLineTooLongError';
  }
}

/** A SHOUTcast v1 source handshake line is malformed (the wire has no status, 400 is nominal). */
export class ShoutcastHandshakeError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'BAD_SHOUTCAST_HANDSHAKE', 400, options);
    this.name = 'ShoutcastHandshakeError';
  }
}

/** A mount name breaks the mount-name rules; answered with 400. */
export class InvalidMountNameError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'INVALID_MOUNT_NAME', 400, options);
    this.name = 'InvalidMountNameError';
  }
}

/**
 * A server's reply head (read by `ResponseHeadParser`) is not a well-formed `HTTP/1.x` or `ICY`
 * head; a relay reading such an upstream answers 502.
 */
export class MalformedResponseError extends IcyError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'MALFORMED_RESPONSE', 502, options);
    this.name = 'MalformedResponseError';
  }
}

/** Every error class of the package, by name (as nats.js exports its `errors`). */
export const errors = {
  IcyError,
  IcyFramingError,
  IcyMetadataPaddingError,
  IcyMetadataSyntaxError,
  IcyMetadataCharsetError,
  IcyTruncatedBlockError,
  MalformedRequestError,
  RequestLineTooLongError,
  HeaderLineTooLongError,
  TooManyHeadersError,
  HeadTooLargeError,
  MethodNotImplementedError,
  VersionNotSupportedError,
  TransferEncodingNotImplementedError,
  BadChunkError,
  ChunkLineTooLongError,
  ShoutcastHandshakeError,
  InvalidMountNameError,
  MalformedResponseError,
};
