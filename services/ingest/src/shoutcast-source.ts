/**
 * SHOUTcast v1 sources on the port after the main one: the password line (optionally
 * `/mount:password`), admission, `OK2`, then the `icy-*` header lines and the audio. A wrong
 * password gets `invalid password` and never touches the mount's lease.
 */
import type { Socket } from 'node:net';
import {
  IcyError,
  ShoutcastHandshakeParser,
  iceHeadersFromShoutcast,
  normaliseMountName,
  shoutcastInvalidPasswordReply,
  shoutcastOkReply,
  type ShoutcastEvent,
  type ShoutcastHeadersEvent,
} from '@penguincast/icy';
import { endThenDestroy } from '@penguincast/runtime';
import { DEFAULT_SOURCE_USER, checkSourcePassword, shoutcastMountForPassword } from './auth.js';
import { IngestError } from './errors.js';
import type { MountLease } from './lease.js';
import { UNLISTED_MOUNT_LABEL } from './metrics.js';
import { newSessionId, refuse, runSource, type SourceDoorDeps } from './source-connection.js';
import { safeContentType, sanitiseInfo } from './source-info.js';
import { LEGACY_DEFAULT_CONTENT_TYPE } from './http-source.js';

/** Handles a raw SHOUTcast v1 source socket before any byte was read; never throws. */
export function handleShoutcastSource(deps: SourceDoorDeps, socket: Socket, ip: string): void {
  const log = deps.log.child({ component: 'shoutcast' });
  const parser = new ShoutcastHandshakeParser();
  const pending: ShoutcastEvent[] = [];
  let admitted: { mount: string; sessionId: string; lease: MountLease } | undefined;
  let admitting = false;
  let done = false;

  const timer = setTimeout(() => {
    log.debug({ ip }, 'SHOUTcast handshake timed out');
    fail();
  }, deps.settings.headerTimeoutMs);
  timer.unref();

  const fail = (): void => {
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.destroy();
    if (admitted !== undefined) {
      void admitted.lease.release();
    }
  };

  const onData = (chunk: Buffer): void => {
    try {
      pending.push(...parser.push(chunk));
    } catch (err) {
      log.debug(
        { err: err instanceof IcyError ? err.message : err, ip },
        'bad SHOUTcast handshake',
      );
      fail();
      return;
    }
    step();
  };

  /** Handles the events in order; the password event pauses reading until admission ends. */
  const step = (): void => {
    while (!done && !admitting && pending.length > 0) {
      const event = pending.shift()!;
      if (event.type === 'password') {
        admitting = true;
        socket.pause();
        void admit(event.mount, event.password);
        return;
      }
      start(event);
    }
  };

  const admit = async (rawMount: string | undefined, password: string): Promise<void> => {
    let mount: string;
    try {
      mount =
        rawMount === undefined
          ? shoutcastMountForPassword(deps.settings, password)
          : normaliseMountName(rawMount);
    } catch {
      fail();
      return;
    }
    if (!checkSourcePassword(deps.settings, mount, password)) {
      const label = deps.settings.mounts.has(mount) ? mount : UNLISTED_MOUNT_LABEL;
      deps.metrics.authFailures.labels(label).inc();
      const delayMs = deps.throttle.fail(ip);
      log.info({ mount: label, ip, delayMs }, 'SHOUTcast source refused: invalid password');
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.on('data', () => {});
      socket.resume();
      setTimeout(() => endThenDestroy(socket, shoutcastInvalidPasswordReply()), delayMs).unref();
      return;
    }
    deps.throttle.succeed(ip);
    const sessionId = newSessionId();
    try {
      const lease = await deps.admission.admitSource({ mount, sessionId, ip });
      admitted = { mount, sessionId, lease };
    } catch (err) {
      done = true;
      clearTimeout(timer);
      socket.off('data', onData);
      if (err instanceof IngestError) {
        log.info({ mount, ip, code: err.code }, 'SHOUTcast source refused');
        refuse(socket, err);
      } else {
        log.error({ err, mount }, 'SHOUTcast admission failed');
        socket.destroy();
      }
      return;
    }
    if (socket.destroyed || done) {
      fail();
      return;
    }
    socket.write(shoutcastOkReply());
    admitting = false;
    socket.resume();
    step();
  };

  const start = (event: ShoutcastHeadersEvent): void => {
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    socket.pause();
    const { mount, sessionId, lease } = admitted!;
    const userAgent = event.headers.get('user-agent');
    const session = deps.openSession({
      mount,
      id: sessionId,
      lease,
      contentType: safeContentType(
        event.headers.get('content-type') ?? LEGACY_DEFAULT_CONTENT_TYPE,
      ),
      info: sanitiseInfo(iceHeadersFromShoutcast(event.headers)),
      ip,
      user: DEFAULT_SOURCE_USER,
      request: `SOURCE ${mount} ICY`,
      closeTransport: () => socket.destroy(),
      shoutcast: true,
      ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 512) }),
    });
    session.start();
    runSource(deps.settings, socket, session, event.rest, { kind: 'close' });
  };

  socket.on('data', onData);
  socket.once('close', () => {
    if (!done) {
      fail();
    }
  });
}
