/**
 * SHOUTcast v1 title updates: `GET /admin.cgi?mode=updinfo&pass=PW&song=TITLE[&mount=/m]`,
 * authorised by the mount's source password or the admin password, answered with Icecast's
 * XML success body. Titles sent in Latin-1 (as old encoders do) are decoded as such.
 */
import type { Socket } from 'node:net';
import { normaliseMountName, parseBasicAuth, type ParsedHead } from '@penguincast/icy';
import { endThenDestroy } from '@penguincast/runtime';
import { checkTitleUpdatePassword } from './auth.js';
import { DEFAULT_TITLE_CHARSET, type UpdateTitle } from './control.js';
import {
  IngestError,
  SourceAuthError,
  SourceNotFoundError,
  UnsupportedRequestError,
} from './errors.js';
import type { LocalSessions } from './local-sessions.js';
import { UNLISTED_MOUNT_LABEL } from './metrics.js';
import { refuse, type CredentialDeps } from './source-connection.js';

/** What `admin.cgi` needs from its app. */
export interface AdminCgiDeps extends CredentialDeps {
  /** The sources live on this instance. */
  sessions: Pick<LocalSessions, 'all'>;
  /** Sets a mount's title wherever its source is. */
  updateTitle: UpdateTitle;
}

/** Icecast's body for a successful metadata update. */
export const METADATA_SUCCESS_XML =
  '<?xml version="1.0"?>\n<iceresponse><message>Metadata update successful</message><return>1</return></iceresponse>';

/** Longest title accepted; ICY blocks cannot carry more than 4080 bytes anyway. */
const MAX_TITLE_CHARS = 4096;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads query parameter `name` from the raw target, percent-decoding to bytes and then reading
 * them as UTF-8 or, when that fails, Latin-1 (URLSearchParams would turn Latin-1 into U+FFFD).
 */
export function rawQueryParam(target: string, name: string): string | undefined {
  const q = target.indexOf('?');
  if (q === -1) {
    return undefined;
  }
  for (const pair of target.slice(q + 1).split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (key !== name) {
      continue;
    }
    const raw = (eq === -1 ? '' : pair.slice(eq + 1)).replace(/\+/g, ' ');
    const bytes: number[] = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      const hex = raw.slice(i + 1, i + 3);
      if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(raw[i]!, 'utf8'));
      }
    }
    const buf = Buffer.from(bytes);
    try {
      return utf8.decode(buf);
    } catch {
      return buf.toString('latin1');
    }
  }
  return undefined;
}

function xmlResponse(body: string): Buffer {
  return Buffer.from(
    'HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n' +
      `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\nConnection: Close\r\n\r\n${body}`,
    'utf8',
  );
}

/**
 * The mount a title update without `mount=` means: the SHOUTcast source live on this instance
 * (SHOUTcast v1 knows one stream per server), else the default SHOUTcast mount.
 */
function defaultMount(deps: AdminCgiDeps): string {
  return deps.sessions.all().find((s) => s.shoutcast)?.mount ?? deps.settings.shoutcastMount;
}

/** Handles `GET /admin.cgi`; never throws. */
export async function handleAdminCgi(
  deps: AdminCgiDeps,
  socket: Socket,
  head: ParsedHead,
  ip: string,
): Promise<void> {
  const log = deps.log.child({ component: 'admin-cgi' });
  try {
    const mode = head.query.get('mode');
    if (mode !== 'updinfo') {
      throw new UnsupportedRequestError('Unsupported admin.cgi mode');
    }
    const rawMount = head.query.get('mount');
    const mount = rawMount ? normaliseMountName(rawMount) : defaultMount(deps);
    const basic = parseBasicAuth(head.headers.get('authorization'));
    const password = head.query.get('pass') ?? basic?.password ?? '';
    const user = head.query.has('pass') ? undefined : basic?.user;
    if (!checkTitleUpdatePassword(deps.settings, mount, password, user)) {
      const label = deps.settings.mounts.has(mount) ? mount : UNLISTED_MOUNT_LABEL;
      deps.metrics.authFailures.labels(label).inc();
      const delayMs = deps.throttle.fail(ip);
      log.info({ mount: label, ip, delayMs }, 'title update refused: bad password');
      refuse(socket, new SourceAuthError(), delayMs);
      return;
    }
    deps.throttle.succeed(ip);
    const song = rawQueryParam(head.target, 'song');
    const artist = rawQueryParam(head.target, 'artist');
    const titleOnly = rawQueryParam(head.target, 'title');
    const title =
      song ?? (artist && titleOnly ? `${artist} - ${titleOnly}` : (titleOnly ?? artist ?? ''));
    const url = rawQueryParam(head.target, 'url');
    // `charset=` with no value names no charset: the default, not an empty one.
    const charset = head.query.get('charset') || DEFAULT_TITLE_CHARSET;
    const updated = await deps.updateTitle(
      mount,
      title.slice(0, MAX_TITLE_CHARS),
      url?.slice(0, 1024),
      charset,
    );
    if (!updated) {
      throw new SourceNotFoundError();
    }
    endThenDestroy(socket, xmlResponse(METADATA_SUCCESS_XML));
  } catch (err) {
    if (err instanceof IngestError) {
      refuse(socket, err);
      return;
    }
    if (err instanceof Error && 'httpStatus' in err) {
      // An invalid mount name (InvalidMountNameError, 400) from the query.
      refuse(socket, new UnsupportedRequestError(err.message));
      return;
    }
    log.error({ err }, 'title update failed');
    socket.destroy();
  }
}
