/**
 * One relayed mount: takes the mount's lease, pulls the upstream into an ordinary source session
 * (ICY metadata stripped and republished as titles at their positions), and when the upstream
 * drops, retries with backoff whose first step is well under 2 s. An on-demand relay runs only
 * while edges report demand. It never writes to a listener.
 */
import { iceHeadersFromShoutcast, type HeaderMap } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { Admission } from '../admission.js';
import type { IngestConfig } from '../config.js';
import { MountInUseError } from '../errors.js';
import type { MountLease } from '../lease.js';
import type { OpenSession, SourceSession } from '../session.js';
import { newSessionId, runSource } from '../source-connection.js';
import { safeContentType, sanitiseInfo } from '../source-info.js';
import { IcyDemux, metaintOf } from './icy-demux.js';
import { openUpstream, publicUrl, type UpstreamStream } from './upstream.js';

/** What a relay runner needs from its app. */
export interface RelayRunnerDeps {
  /** The service's logger. */
  log: Logger;
  /** The wall clock in milliseconds. */
  now: () => number;
  /** Relay timing, the relay User-Agent and the source idle timeout. */
  settings: Pick<
    IngestConfig,
    | 'onDemandIdleMs'
    | 'leaseRenewMs'
    | 'relayStableMs'
    | 'relayRetryMinMs'
    | 'relayRetryMaxMs'
    | 'relayUserAgent'
    | 'relayConnectTimeoutMs'
    | 'sourceIdleTimeoutMs'
  >;
  /** Hands out free mount leases. */
  admission: Pick<Admission, 'admitManaged'>;
  /** Creates the session the upstream feeds. */
  openSession: OpenSession;
}

/** One relayed mount as the relay manager runs it. */
export interface RelaySpec {
  /** Normalised mount name. */
  mount: string;
  /** The upstream stream URL. */
  url: string;
  /** Basic credentials for the upstream. */
  user?: string;
  password?: string;
  /** Pull only while edges report demand. */
  onDemand: boolean;
  /** `config` for a `Mounts[].Relay`, `master` for a mount mirrored from `Master`. */
  origin: 'config' | 'master';
}

/** What one attempt came to. */
type Outcome =
  | { kind: 'held' }
  | { kind: 'failed'; err: unknown }
  | { kind: 'ended'; reason: string; lastedMs: number };

/** Content type assumed when an upstream names none (SHOUTcast v1 servers often do not). */
const DEFAULT_CONTENT_TYPE = 'audio/mpeg';
/** How often a running on-demand relay checks that someone still wants it. */
const DEMAND_CHECK_MS = 1_000;
/** Session end reason of an on-demand relay that lost its listeners. */
const NO_LISTENERS = 'no-listeners';

/** The `ice-*` info of a relayed stream from the upstream's `icy-*` and `ice-*` reply headers. */
export function relayInfo(headers: HeaderMap): Record<string, string> {
  const info: Record<string, string> = { ...iceHeadersFromShoutcast(headers) };
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower.startsWith('ice-') && !(lower in info)) {
      info[lower] = value;
    }
  }
  return sanitiseInfo(info);
}

/** The wait before retry number `attempt` (0-based): doubling from `min`, capped at `max`. */
export function backoffMs(attempt: number, min: number, max: number): number {
  return Math.min(max, min * 2 ** Math.min(attempt, 20));
}

/** Runs one relayed mount until stopped. */
export class RelayRunner {
  readonly spec: RelaySpec;
  readonly #deps: RelayRunnerDeps;
  readonly #log: Logger;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #wakeOnDemand = false;
  #abort: AbortController | undefined;
  #session: SourceSession | undefined;
  #lastDemandMs = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #lostAtMs: number | undefined;

  constructor(deps: RelayRunnerDeps, spec: RelaySpec) {
    this.#deps = deps;
    this.spec = spec;
    this.#log = deps.log.child({ component: 'relay', mount: spec.mount });
  }

  /** Starts the pull loop (idempotent). */
  start(): void {
    this.#loop ??= this.#run().catch((err: unknown) => {
      this.#log.error({ err }, 'relay loop failed');
    });
  }

  /** Records listener demand now and wakes an idle on-demand relay. */
  demand(): void {
    this.#lastDemandMs = this.#deps.now();
    if (this.#wakeOnDemand) {
      this.#wake?.();
    }
  }

  /** Stops the loop and ends the relay's session; resolves once both are done. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    this.#wake?.();
    await this.#session?.kill('relay-stopped');
    await this.#loop;
  }

  #wanted(): boolean {
    return (
      !this.spec.onDemand ||
      this.#deps.now() - this.#lastDemandMs < this.#deps.settings.onDemandIdleMs
    );
  }

  async #run(): Promise<void> {
    const { settings } = this.#deps;
    while (!this.#stopped) {
      if (!this.#wanted()) {
        await this.#sleep(Number.POSITIVE_INFINITY, true);
        continue;
      }
      const outcome = await this.#attempt();
      if (this.#stopped) {
        break;
      }
      if (outcome.kind === 'held') {
        // Another instance (or an encoder) feeds the mount: look again at the renewal pace.
        await this.#sleep(settings.leaseRenewMs, false);
        continue;
      }
      if (outcome.kind === 'ended') {
        if (outcome.reason === NO_LISTENERS) {
          this.#failures = 0;
          continue;
        }
        // A connection that carried audio proves the upstream reachable: the first retry comes
        // after 500 ms (after 1 s when it keeps dropping quickly), never after a long backoff.
        this.#failures =
          outcome.lastedMs >= settings.relayStableMs ? 0 : Math.min(this.#failures, 1);
        this.#lostAtMs = this.#deps.now();
      }
      const delay = backoffMs(this.#failures, settings.relayRetryMinMs, settings.relayRetryMaxMs);
      this.#failures += 1;
      if (outcome.kind === 'failed') {
        const err = outcome.err;
        this.#log.warn(
          { err: err instanceof Error ? err.message : String(err), retryMs: delay },
          'relay attempt failed',
        );
      } else {
        this.#log.info({ reason: outcome.reason, retryMs: delay }, 'relay connection lost');
      }
      await this.#sleep(delay, false);
    }
  }

  async #attempt(): Promise<Outcome> {
    const deps = this.#deps;
    const sessionId = newSessionId();
    let lease: MountLease;
    try {
      lease = await deps.admission.admitManaged({ mount: this.spec.mount, sessionId });
    } catch (err) {
      return err instanceof MountInUseError ? { kind: 'held' } : { kind: 'failed', err };
    }
    if (this.#stopped) {
      await lease.release();
      return { kind: 'failed', err: new Error('relay stopped') };
    }
    const abort = new AbortController();
    this.#abort = abort;
    lease.startRenewing(() => {
      this.#log.warn('relay lost its mount lease');
      abort.abort();
      void this.#session?.kill('lease-lost');
    });
    this.#log.info(
      {
        url: publicUrl(this.spec.url),
        attempt: this.#failures + 1,
        ...(this.#lostAtMs === undefined ? {} : { sinceLostMs: deps.now() - this.#lostAtMs }),
      },
      'relay connecting',
    );
    let upstream: UpstreamStream;
    try {
      upstream = await openUpstream({
        url: this.spec.url,
        userAgent: deps.settings.relayUserAgent,
        timeoutMs: deps.settings.relayConnectTimeoutMs,
        signal: abort.signal,
        ...(this.spec.user === undefined ? {} : { user: this.spec.user }),
        ...(this.spec.password === undefined ? {} : { password: this.spec.password }),
      });
    } catch (err) {
      await lease.release();
      return { kind: 'failed', err };
    } finally {
      this.#abort = undefined;
    }
    if (this.#stopped || lease.released) {
      upstream.socket.destroy();
      await lease.release();
      return { kind: 'failed', err: new Error('relay stopped while connecting') };
    }
    return this.#pull(sessionId, lease, upstream);
  }

  /** Feeds one upstream connection into a session until either ends. */
  async #pull(sessionId: string, lease: MountLease, up: UpstreamStream): Promise<Outcome> {
    const deps = this.#deps;
    const startedMs = deps.now();
    let finished!: (reason: string) => void;
    const ended = new Promise<string>((resolve) => (finished = resolve));
    const server = up.headers.get('server');
    const session = deps.openSession({
      mount: this.spec.mount,
      id: sessionId,
      lease,
      contentType: safeContentType(up.headers.get('content-type') ?? DEFAULT_CONTENT_TYPE),
      info: relayInfo(up.headers),
      ip: up.url.hostname.replace(/^\[|\]$/g, ''),
      request: `GET ${publicUrl(up.url)} HTTP/1.0`,
      closeTransport: () => up.socket.destroy(),
      kind: 'relay',
      onFinish: (reason) => finished(reason),
      ...(this.spec.user === undefined ? {} : { user: this.spec.user }),
      ...(server === undefined ? {} : { userAgent: server.slice(0, 512) }),
    });
    this.#session = session;
    const metaint = metaintOf(up.headers.get('icy-metaint'));
    const demux = new IcyDemux(metaint, {
      audio: (bytes) => session.feed(bytes),
      title: (title, url) => session.setStreamTitle(title, url, 'relay'),
    });
    session.start();
    this.#log.info(
      {
        url: publicUrl(up.url),
        contentType: up.headers.get('content-type'),
        metaint,
        ...(this.#lostAtMs === undefined ? {} : { downMs: deps.now() - this.#lostAtMs }),
      },
      'relay connected',
    );
    this.#lostAtMs = undefined;
    runSource(deps.settings, up.socket, session, up.initial, up.framing, (data) =>
      demux.push(data),
    );
    const check = this.spec.onDemand
      ? setInterval(() => {
          if (!this.#wanted()) {
            this.#log.info('no listeners left; stopping the on-demand relay');
            void session.kill(NO_LISTENERS);
          }
        }, DEMAND_CHECK_MS)
      : undefined;
    check?.unref();
    const reason = await ended;
    clearInterval(check);
    this.#session = undefined;
    return { kind: 'ended', reason, lastedMs: deps.now() - startedMs };
  }

  /** Waits `ms` or until stopped (or, with `onDemand`, until demand arrives). */
  #sleep(ms: number, onDemand: boolean): Promise<void> {
    if (this.#stopped) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#wakeOnDemand = false;
        resolve();
      };
      if (Number.isFinite(ms)) {
        timer = setTimeout(done, ms);
      }
      this.#wake = done;
      this.#wakeOnDemand = onDemand;
    });
  }
}
