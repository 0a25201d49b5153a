/**
 * PUT and legacy SOURCE sources: mount and credentials from the request head, the Icecast
 * replies (401, 403 texts, `100 Continue` then `200 OK`), then the session. Bad credentials are
 * answered before any lease is touched, so they never disturb a live source.
 */
import type { Socket } from 'node:net';
import {
  InvalidMountNameError,
  normaliseMountName,
  parseBasicAuth,
  sourceContinueResponse,
  sourceOkResponse,
  httpErrorResponse,
  type ParsedHead,
} from '@penguincast/icy';
import { endThenDestroy } from '@penguincast/runtime';
import { checkSourceCredentials } from './auth.js';
import { IngestError, NoContentTypeError, SourceAuthError } from './errors.js';
import { UNLISTED_MOUNT_LABEL } from './metrics.js';
import { newSessionId, refuse, runSource, type SourceDoorDeps } from './source-connection.js';
import { infoFromHeaders, safeContentType } from './source-info.js';

/** What a legacy SOURCE request without Content-Type is taken to send (Icecast does the same). */
export const LEGACY_DEFAULT_CONTENT_TYPE = 'audio/mpeg';

/** Handles a PUT or SOURCE request whose head has been read; never throws. */
export async function handleHttpSource(
  deps: SourceDoorDeps,
  socket: Socket,
  head: ParsedHead,
  ip: string,
): Promise<void> {
  const log = deps.log.child({ component: 'source' });
  let mount: string;
  try {
    mount = normaliseMountName(head.path);
  } catch (err) {
    const message = err instanceof InvalidMountNameError ? err.message : 'invalid mount name';
    endThenDestroy(socket, httpErrorResponse(400, message));
    return;
  }
  const user = checkSourceCredentials(
    deps.settings,
    mount,
    parseBasicAuth(head.headers.get('authorization')),
  );
  if (user === undefined) {
    const label = deps.settings.mounts.has(mount) ? mount : UNLISTED_MOUNT_LABEL;
    deps.metrics.authFailures.labels(label).inc();
    const delayMs = deps.throttle.fail(ip);
    // Encoders probe without credentials first, so a missing header is routine: debug only.
    const level = head.headers.has('authorization') ? 'info' : 'debug';
    log[level]({ mount: label, ip, delayMs }, 'source refused: bad or missing credentials');
    refuse(socket, new SourceAuthError(), delayMs);
    return;
  }
  deps.throttle.succeed(ip);
  let contentType = head.headers.get('content-type');
  if (contentType === undefined || contentType.trim() === '') {
    if (head.method === 'PUT') {
      refuse(socket, new NoContentTypeError());
      return;
    }
    contentType = LEGACY_DEFAULT_CONTENT_TYPE;
  }
  const sessionId = newSessionId();
  let lease;
  try {
    lease = await deps.admission.admitSource({ mount, sessionId, ip });
  } catch (err) {
    if (err instanceof IngestError) {
      log.info({ mount, ip, code: err.code }, 'source refused');
      refuse(socket, err);
    } else {
      log.error({ err, mount }, 'source admission failed');
      socket.destroy();
    }
    return;
  }
  if (socket.destroyed || !socket.writable) {
    void lease.release();
    return;
  }
  const session = deps.openSession({
    mount,
    id: sessionId,
    lease,
    contentType: safeContentType(contentType),
    info: infoFromHeaders(head.headers),
    ip,
    user,
    request: `${head.method} ${head.path} ${head.version}`,
    closeTransport: () => socket.destroy(),
    ...(head.headers.has('user-agent')
      ? { userAgent: head.headers.get('user-agent')!.slice(0, 512) }
      : {}),
  });
  const expect = head.headers.get('expect')?.trim().toLowerCase() === '100-continue';
  socket.write(
    expect ? Buffer.concat([sourceContinueResponse(), sourceOkResponse()]) : sourceOkResponse(),
  );
  session.start();
  runSource(deps.settings, socket, session, head.rest, head.body);
}
