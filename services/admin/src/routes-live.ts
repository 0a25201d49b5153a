/**
 * Table rows of the live pages: `/monitor.html` with its event stream (both 404 when
 * `Logging.UseMonitor` is off), the player page per mount with the icecast-metadata-player
 * bundle, and `/` (the web folder's index.html, else the info page).
 */
import { normaliseMountName } from '@penguincast/icy';
import { NotFoundError, TooManyClientsError } from './errors.js';
import { monitorPage } from './monitor-page.js';
import { HTML_TYPE } from './page-layout.js';
import { PLAYER_ASSETS_PATH, playerPage } from './player.js';
import type { RouteSpec } from './route-table.js';
import type { AdminServices } from './services.js';

/** Rows of the live route table. */
export function liveRoutes(s: AdminServices): RouteSpec[] {
  const playerFor = async (raw: string | undefined, nonce: string) => {
    let mount: string;
    try {
      mount = normaliseMountName(raw ?? '');
    } catch {
      throw new NotFoundError();
    }
    const view = await s.view.mount(mount);
    const configured = s.settings.mounts.get(mount);
    if ((view === undefined && configured === undefined) || (view ?? configured)?.hidden) {
      throw new NotFoundError();
    }
    const titles = view === undefined ? undefined : await s.nowPlaying.titles(view);
    return {
      type: HTML_TYPE,
      body: playerPage(
        {
          stationName: s.settings.station.name,
          mount,
          streamName: view?.streamName,
          nowPlaying: titles?.atJoin ?? '',
          mainFile: s.assets.mainFile,
        },
        nonce,
      ),
    };
  };

  return [
    {
      name: 'monitor-page',
      path: '/monitor.html',
      scope: 'public',
      format: 'html',
      summary: 'Live monitor: listeners per mount over time, sources, bandwidth, services.',
      handler(ctx) {
        if (s.monitor === undefined) {
          throw new NotFoundError();
        }
        return { type: HTML_TYPE, body: monitorPage(s.settings.station.name, ctx.nonce) };
      },
    },
    {
      name: 'monitor-events',
      path: '/monitor/events',
      scope: 'public',
      format: 'sse',
      summary: 'The monitor as server-sent events: the history, then a sample every interval.',
      handler(ctx) {
        if (s.monitor === undefined) {
          throw new NotFoundError();
        }
        if (!s.monitor.hasRoom) {
          throw new TooManyClientsError();
        }
        s.monitor.attach(ctx.res);
        return undefined;
      },
    },
    {
      name: 'player-query',
      path: '/player.html',
      scope: 'public',
      format: 'html',
      summary: 'The in-browser player of ?mount=/name.',
      handler: (ctx) => playerFor(ctx.param('mount'), ctx.nonce),
    },
    {
      name: 'player',
      path: /^\/player\/.+/,
      scope: 'public',
      format: 'html',
      summary: 'The in-browser player of a mount, e.g. /player/live.mp3.',
      handler: (ctx) => playerFor(ctx.req.path.slice('/player'.length), ctx.nonce),
    },
    {
      name: 'player-assets',
      path: new RegExp(`^${PLAYER_ASSETS_PATH}/[^/]+$`),
      scope: 'public',
      format: 'asset',
      summary: 'The icecast-metadata-player browser bundle, from node_modules.',
      handler(ctx) {
        const file = s.assets.get(ctx.req.path.slice(PLAYER_ASSETS_PATH.length + 1));
        if (file === undefined) {
          throw new NotFoundError();
        }
        return {
          type: 'application/javascript; charset=utf-8',
          body: file,
          headers: { 'Cache-Control': 'public, max-age=86400' },
        };
      },
    },
    {
      name: 'root',
      path: '/',
      scope: 'public',
      // Not 'html': the station's own index page gets no CSP of ours that could break it.
      format: 'asset',
      summary: "The web folder's index.html, else a redirect to /info.html.",
      async handler(ctx) {
        const index = await s.files.get('/');
        if (index !== undefined) {
          return { type: index.type, body: index.body };
        }
        ctx.res.redirect(302, '/info.html');
        return undefined;
      },
    },
  ];
}
