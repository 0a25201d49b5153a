/**
 * Master/slave mirroring: fetches the upstream's `/admin/streamlist.txt` (with the `Master`
 * credentials) now and every `Master.Interval`, and hands the mount list to the relay manager.
 * A failed fetch keeps the current list, as Icecast does. It never publishes audio itself.
 */
import { basicAuthHeader, isReservedMountName, normaliseMountName } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { IngestConfig, MasterSettings } from '../config.js';
import { publicUrl } from './upstream.js';

/** Largest stream list read; a few thousand mounts fit well below it. */
const MAX_LIST_BYTES = 1024 * 1024;
/** Time the upstream has to answer the stream list. */
const LIST_TIMEOUT_MS = 10_000;

/** `base` with a trailing slash, so relative paths resolve below it rather than beside it. */
function baseOf(url: string): URL {
  const base = new URL(url);
  base.search = '';
  base.hash = '';
  if (!base.pathname.endsWith('/')) {
    base.pathname += '/';
  }
  return base;
}

/** The URL of the upstream's stream list. */
export function streamListUrl(masterUrl: string): URL {
  return new URL('admin/streamlist.txt', baseOf(masterUrl));
}

/** The URL a mirrored `mount` is pulled from: the mount's path below the master's base URL. */
export function mirrorUrl(masterUrl: string, mount: string): string {
  const base = baseOf(masterUrl);
  const url = new URL(base);
  url.pathname = `${base.pathname}${mount.replace(/^\/+/, '')}`;
  return url.href;
}

/**
 * Reads a stream list: one mount a line (Icecast writes `/live.mp3`; some servers write whole
 * URLs, whose path is taken). Blank lines, comments and names that are not valid mounts are
 * skipped; the result is sorted and without duplicates.
 */
export function parseStreamList(text: string): string[] {
  const mounts = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    let path = line;
    if (/^https?:\/\//i.test(line)) {
      try {
        path = decodeURIComponent(new URL(line).pathname);
      } catch {
        continue;
      }
    }
    try {
      const mount = normaliseMountName(path);
      // A server page's path is never a mount here, whatever the master lists.
      if (!isReservedMountName(mount)) {
        mounts.add(mount);
      }
    } catch {
      // Not a mount name this server could serve; ignore the line.
    }
  }
  return [...mounts].sort();
}

/** What the master mirror needs from its app. */
export interface MasterMirrorDeps {
  /** The service's logger. */
  log: Logger;
  /** The User-Agent of the stream list request. */
  settings: Pick<IngestConfig, 'relayUserAgent'>;
}

/** Fetches the master's mount list on a timer. */
export class MasterMirror {
  readonly #deps: MasterMirrorDeps;
  readonly #settings: MasterSettings;
  readonly #onList: (mounts: string[]) => void;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** `onList` receives every list fetched successfully. */
  constructor(
    deps: MasterMirrorDeps,
    settings: MasterSettings,
    onList: (mounts: string[]) => void,
  ) {
    this.#deps = deps;
    this.#settings = settings;
    this.#onList = onList;
    this.#log = deps.log.child({ component: 'master', master: publicUrl(settings.url) });
  }

  /** Fetches now, then every interval. */
  start(): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#settings.intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a fetch in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Fetches the list once (overlapping calls share one fetch). */
  refresh(): Promise<void> {
    this.#running ??= this.#fetch().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #fetch(): Promise<void> {
    const s = this.#settings;
    const headers: Record<string, string> = { 'User-Agent': this.#deps.settings.relayUserAgent };
    if (s.password !== undefined) {
      headers['Authorization'] = basicAuthHeader(s.user, s.password);
    }
    try {
      const res = await fetch(streamListUrl(s.url), {
        headers,
        signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status !== 200) {
        throw new Error(`stream list answered ${res.status}`);
      }
      if (text.length > MAX_LIST_BYTES) {
        throw new Error('stream list too large');
      }
      if (this.#stopped) {
        return;
      }
      const mounts = parseStreamList(text);
      if (this.#failing) {
        this.#failing = false;
        this.#log.info('master stream list fetched again');
      }
      this.#log.debug({ mounts: mounts.length }, 'master stream list fetched');
      this.#onList(mounts);
    } catch (err) {
      if (!this.#failing) {
        this.#failing = true;
        this.#log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'cannot fetch the master stream list; keeping the mounts mirrored so far',
        );
      }
    }
  }
}
