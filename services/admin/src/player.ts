/**
 * The in-browser player: a page per mount (`/player/live.mp3` or `/player.html?mount=/live.mp3`)
 * that plays the stream with live ICY titles through icecast-metadata-player, whose browser
 * bundle (the main file and the chunks it loads next to itself) is served from node_modules
 * under `/player-assets/`. Only the bundle's own `.min.js` files are ever read.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml } from './escape.js';
import { page } from './page-layout.js';

/** Where the bundle is served. */
export const PLAYER_ASSETS_PATH = '/player-assets';

const BUNDLE_FILE = /^icecast-metadata-player-\d+\.\d+\.\d+\.[a-z]+\.min\.js$/;

/** The bundle files of the installed icecast-metadata-player, read once. */
export class PlayerAssets {
  readonly #files = new Map<string, Buffer>();
  /** The file a page loads; the others are chunks it fetches by itself. */
  readonly mainFile: string | undefined;

  constructor(buildDir: string | undefined = findBuildDir()) {
    if (buildDir === undefined) {
      this.mainFile = undefined;
      return;
    }
    for (const name of readdirSync(buildDir)) {
      if (BUNDLE_FILE.test(name)) {
        this.#files.set(name, readFileSync(join(buildDir, name)));
      }
    }
    this.mainFile = [...this.#files.keys()].find((n) => n.endsWith('.main.min.js'));
  }

  /** A bundle file by name, or undefined for anything else. */
  get(name: string): Buffer | undefined {
    return BUNDLE_FILE.test(name) ? this.#files.get(name) : undefined;
  }
}

/** The package's `build/` folder, found through its resolved entry point. */
function findBuildDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('icecast-metadata-player');
    return join(dirname(entry), '..', 'build');
  } catch {
    return undefined;
  }
}

const STYLE = `
.player { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
.player button { font: inherit; font-size: 1.1rem; padding: .5rem 1.4rem; border-radius: 6px;
  border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
#now-playing { font-size: 1.3rem; font-weight: 600; overflow-wrap: anywhere; }
`;

const SCRIPT = `
(() => {
  'use strict';
  const root = document.getElementById('player');
  const button = document.getElementById('play');
  const now = document.getElementById('now-playing');
  const state = document.getElementById('player-state');
  const url = new URL(root.getAttribute('data-stream'), window.location.href).href;
  if (typeof IcecastMetadataPlayer !== 'function') {
    state.textContent = 'The player library could not be loaded.';
    button.disabled = true;
    return;
  }
  const player = new IcecastMetadataPlayer(url, {
    metadataTypes: ['icy'],
    onMetadata: (m) => { now.textContent = typeof m.StreamTitle === 'string' ? m.StreamTitle : ''; },
    onPlay: () => { state.textContent = 'playing'; button.textContent = 'Stop'; },
    onStop: () => { state.textContent = 'stopped'; button.textContent = 'Play'; },
    onRetry: () => { state.textContent = 'reconnecting…'; },
    onError: (message) => { state.textContent = String(message); },
  });
  button.addEventListener('click', () => {
    if (player.state === 'playing' || player.state === 'loading') {
      player.stop();
    } else {
      state.textContent = 'loading…';
      player.play();
    }
  });
  window.penguincastPlayer = player;
})();
`;

/** What the page shows before the first title arrives over the stream. */
export interface PlayerPageInfo {
  stationName: string;
  mount: string;
  streamName: string | undefined;
  nowPlaying: string;
  mainFile: string | undefined;
}

/** Renders the player page of one mount. */
export function playerPage(info: PlayerPageInfo, nonce: string): string {
  const head =
    info.mainFile === undefined
      ? ''
      : `<script src="${PLAYER_ASSETS_PATH}/${escapeHtml(info.mainFile)}"></script>`;
  const body = `<h1>${escapeHtml(info.streamName ?? info.mount)}</h1>
<section class="card">
<div id="player" class="player" data-stream="${escapeHtml(info.mount)}">
<button id="play" type="button">Play</button>
<div><div class="muted">Now playing</div><div id="now-playing">${escapeHtml(info.nowPlaying)}</div></div>
</div>
<p class="muted">Mount ${escapeHtml(info.mount)} · <span id="player-state">stopped</span></p>
</section>`;
  return page({
    title: `${info.streamName ?? info.mount} – ${info.stationName}`,
    nonce,
    station: info.stationName,
    body,
    head,
    style: STYLE,
    script: SCRIPT,
  });
}
