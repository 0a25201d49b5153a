/**
 * The exact reply bytes the edge sends besides the listener header block, in one place, because
 * players and monitoring tools string-match Icecast's texts. Pure: builds bytes, no I/O.
 */
import {
  connectionLimitResponse,
  httpErrorResponse,
  notFoundResponse,
  type HeaderPairs,
} from '@penguincast/icy';

/** Icecast 2.4's body when a mount's `max-listeners` is reached (`auth.c`, 403). */
export const MAX_LISTENERS_TEXT = 'max listeners reached';

/** Icecast 2.4's body when the server's `clients` limit is reached (`client.c`, 403). */
export const CONNECTION_LIMIT_TEXT = 'Icecast connection limit reached';

/** Icecast's 404 body for a mount without a source. */
export const NOT_FOUND_TEXT = 'The file you requested could not be found';

/** The body when the edge cannot reach the service a request belongs to. */
export const BAD_GATEWAY_TEXT = 'Bad Gateway';

/** 403 for the cluster-wide listener limit. */
export function connectionLimitReply(extra?: HeaderPairs): Buffer {
  return connectionLimitResponse(extra);
}

/** 403 for a mount's listener limit. */
export function maxListenersReply(extra?: HeaderPairs): Buffer {
  return httpErrorResponse(403, MAX_LISTENERS_TEXT, extra);
}

/** 404 for a mount without a source. */
export function notFoundReply(extra?: HeaderPairs): Buffer {
  return notFoundResponse(NOT_FOUND_TEXT, extra);
}

/** 502 when ingest or admin cannot be reached. */
export function badGatewayReply(): Buffer {
  return httpErrorResponse(502, BAD_GATEWAY_TEXT);
}
