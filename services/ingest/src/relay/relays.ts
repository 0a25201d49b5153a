/**
 * The relays of one ingest instance: a runner per `Mounts[].Relay` and per mount mirrored from
 * `Master`, and the `<prefix>.demand.*` subscription through which edges start and keep
 * on-demand relays. Every ingest runs every relay; the mount lease decides which one pulls.
 */
import {
  decodeRelayDemand,
  encodeRelayDemandReply,
  type Bus,
  type BusMsg,
  type BusSubscription,
  type Subjects,
} from '@penguincast/bus';
import { normaliseMountName } from '@penguincast/icy';
import type { Logger } from 'pino';
import type { IngestConfig } from '../config.js';
import { MasterMirror, mirrorUrl } from './master.js';
import { RelayRunner, type RelayRunnerDeps, type RelaySpec } from './relay-runner.js';

/** What the relays need from their app: their runners' needs, the bus and the relay settings. */
export interface RelaysDeps extends RelayRunnerDeps {
  /** The bus edges send demand on. */
  bus: Bus;
  /** Subject builders of this cluster. */
  subjects: Subjects;
  /** Id of this process, named in demand replies. */
  instanceId: string;
  /** The runners' settings, the mounts and the master to mirror. */
  settings: RelayRunnerDeps['settings'] & Pick<IngestConfig, 'mounts' | 'master'>;
}

/** Every relay of this instance. */
export class Relays {
  readonly #deps: RelaysDeps;
  readonly #log: Logger;
  readonly #runners = new Map<string, RelayRunner>();
  #sub: BusSubscription | undefined;
  #master: MasterMirror | undefined;

  constructor(deps: RelaysDeps) {
    this.#deps = deps;
    this.#log = deps.log.child({ component: 'relays' });
  }

  /** Relayed mounts, configured and mirrored. */
  mounts(): string[] {
    return [...this.#runners.keys()].sort();
  }

  /** Starts the configured relays, the demand subscription and the master mirror. */
  start(): void {
    const { settings, bus, subjects } = this.#deps;
    for (const m of settings.mounts.values()) {
      if (m.relay !== undefined) {
        this.#add({ mount: m.name, ...m.relay, origin: 'config' });
      }
    }
    this.#sub = bus.subscribe(subjects.allDemand(), (msg) => this.#onDemand(msg));
    if (settings.master !== undefined) {
      const master = settings.master;
      this.#master = new MasterMirror(this.#deps, master, (mounts) => this.setMirrored(mounts));
      this.#master.start();
    }
  }

  /**
   * Makes the mirrored mounts exactly `mounts`: new ones get a runner, gone ones are stopped.
   * Mounts listed in `Mounts[]` keep their own settings and are never mirrored.
   */
  setMirrored(mounts: readonly string[]): void {
    const master = this.#deps.settings.master;
    if (master === undefined) {
      return;
    }
    const wanted = new Set(mounts.filter((m) => !this.#deps.settings.mounts.has(m)));
    for (const [mount, runner] of this.#runners) {
      if (runner.spec.origin === 'master' && !wanted.has(mount)) {
        this.#runners.delete(mount);
        this.#log.info({ mount }, 'mount left the master; relay stopped');
        void runner.stop();
      }
    }
    for (const mount of wanted) {
      if (!this.#runners.has(mount)) {
        this.#log.info({ mount }, 'mirroring a master mount');
        this.#add({
          mount,
          url: mirrorUrl(master.url, mount),
          user: master.user,
          onDemand: master.onDemand,
          origin: 'master',
          ...(master.password === undefined ? {} : { password: master.password }),
        });
      }
    }
  }

  /** Stops the mirror, the subscription and every runner (ending their sessions). */
  async stop(): Promise<void> {
    this.#sub?.unsubscribe();
    await this.#master?.stop();
    const runners = [...this.#runners.values()];
    this.#runners.clear();
    await Promise.all(runners.map((r) => r.stop()));
  }

  #add(spec: RelaySpec): void {
    const runner = new RelayRunner(this.#deps, spec);
    this.#runners.set(spec.mount, runner);
    runner.start();
  }

  /** A demand from an edge: wake the relay; answer requests with whether one exists. */
  #onDemand(msg: BusMsg): void {
    let mount: string;
    try {
      mount = normaliseMountName(decodeRelayDemand(msg.data).mount);
    } catch (err) {
      this.#log.debug({ err }, 'ignoring a malformed demand');
      return;
    }
    const runner = this.#runners.get(mount);
    runner?.demand();
    msg.respond(
      encodeRelayDemandReply({
        mount,
        accepted: runner !== undefined,
        instanceId: this.#deps.instanceId,
      }),
    );
  }
}
