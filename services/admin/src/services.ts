/**
 * What route handlers share: settings, the state view, the bus commands, the now-playing cache,
 * the monitor, the player bundle, the web folder and the connection counters. Built once by
 * `createAdmin`; handlers receive it and never build their own clients.
 */
import type { Logger } from 'pino';
import type { AdminCommands } from './commands.js';
import type { AdminConfig } from './config.js';
import type { ConnectionCounters } from './icecast-xml.js';
import type { Monitor } from './monitor.js';
import type { NowPlaying } from './now-playing.js';
import type { PlayerAssets } from './player.js';
import type { StaticFiles } from './static-files.js';
import type { StationView } from './station-view.js';

/** The shared parts of the admin service. */
export interface AdminServices {
  settings: AdminConfig;
  view: StationView;
  commands: AdminCommands;
  nowPlaying: NowPlaying;
  /** Connections counted from the event stream since this instance started. */
  counters: ConnectionCounters;
  /** Undefined when `Logging.UseMonitor` is off. */
  monitor: Monitor | undefined;
  assets: PlayerAssets;
  files: StaticFiles;
  log: Logger;
  /** The clock in milliseconds. */
  now: () => number;
}
