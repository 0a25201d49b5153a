/**
 * Table rows of the public documents and the typed API: `/status-json.xsl`, `/status.xsl`,
 * `/info.html`, `/info.json`, `/api/v1/*` with its OpenAPI document, and playlist files per
 * mount. Hidden mounts are left out of all of them; the listener list needs admin credentials.
 */
import { normaliseMountName } from '@penguincast/icy';
import { API_VERSION, apiListener, apiMount, apiStation, type ApiStation } from './api-model.js';
import { BadRequestError, MountNotFoundError, NotFoundError } from './errors.js';
import { safeJson } from './escape.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { HTML_TYPE } from './page-layout.js';
import { infoJson, infoPage, statusPage, type PageMount } from './pages.js';
import { PLAYLIST_TYPES, parsePlaylistPath, playlist, playlistBase } from './playlists.js';
import type { Reply, RouteSpec } from './route-table.js';
import type { AdminServices } from './services.js';
import { STATUS_JSON_TYPE, statusJson, visibleMounts } from './status-json.js';

/** The content type of the typed API. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Rows of the public route table. */
export function publicRoutes(s: AdminServices): RouteSpec[] {
  const cors = { 'Access-Control-Allow-Origin': s.settings.corsOrigin };
  const json = (body: string, type = JSON_TYPE): Reply => ({ type, body, headers: cors });

  /** The station and its public mounts with their titles, as the API and pages show them. */
  const model = async (): Promise<{ station: ApiStation; mounts: PageMount[] }> => {
    const snap = await s.view.snapshot();
    const visible = visibleMounts(snap);
    const titles = await s.nowPlaying.all(visible);
    const mounts = visible.map((m, i) => ({
      api: apiMount(
        m,
        titles[i] ?? { atJoin: m.title, latest: m.title },
        s.settings.station,
        snap.atMs,
      ),
      sourceUrl: m.url,
    }));
    return { station: apiStation(snap, s.settings.station, visible.length), mounts };
  };

  const base = `/api/${API_VERSION}`;
  return [
    {
      name: 'status-json',
      path: '/status-json.xsl',
      scope: 'public',
      format: 'json',
      summary: "Icecast's status JSON (object for one mount, array for several).",
      async handler() {
        const snap = await s.view.snapshot();
        return json(statusJson(snap, s.settings.station), STATUS_JSON_TYPE);
      },
    },
    {
      name: 'status-page',
      path: '/status.xsl',
      scope: 'public',
      format: 'html',
      summary: "Icecast's status page.",
      async handler(ctx) {
        const m = await model();
        return { type: HTML_TYPE, body: statusPage(m.station, m.mounts, ctx.nonce) };
      },
    },
    {
      name: 'info-page',
      path: '/info.html',
      scope: 'public',
      format: 'html',
      summary: 'The station and every public mount.',
      async handler(ctx) {
        const m = await model();
        return { type: HTML_TYPE, body: infoPage(m.station, m.mounts, ctx.nonce) };
      },
    },
    {
      name: 'info-json',
      path: '/info.json',
      scope: 'public',
      format: 'json',
      summary: 'The content of /info.html as JSON.',
      async handler() {
        const m = await model();
        return json(infoJson(m.station, m.mounts));
      },
    },
    {
      name: 'api-station',
      path: `${base}/station`,
      scope: 'public',
      format: 'json',
      summary: 'The station and its totals.',
      async handler() {
        const snap = await s.view.snapshot();
        return json(
          safeJson({
            station: apiStation(snap, s.settings.station, visibleMounts(snap).length),
          }),
        );
      },
    },
    {
      name: 'api-mounts',
      path: `${base}/mounts`,
      scope: 'public',
      format: 'json',
      summary: 'Every public live mount, always an array.',
      async handler() {
        return json(safeJson({ mounts: (await model()).mounts.map((m) => m.api) }));
      },
    },
    {
      name: 'api-listeners',
      path: new RegExp(`^${base}/mounts/(.+)/listeners$`),
      scope: 'admin',
      format: 'json',
      summary: 'The listeners of one mount over every edge.',
      async handler(ctx) {
        const raw = /^\/api\/v1\/mounts\/(.+)\/listeners$/.exec(ctx.req.path)?.[1] ?? '';
        let mount: string;
        try {
          mount = normaliseMountName(decodeURIComponent(raw));
        } catch (err) {
          throw new BadRequestError('Invalid mount name', { cause: err });
        }
        if ((await s.view.mount(mount)) === undefined) {
          throw new MountNotFoundError(mount);
        }
        const clients = await s.commands.listClients(mount);
        return json(safeJson({ mount, listeners: clients.map(apiListener) }));
      },
    },
    {
      name: 'api-openapi',
      path: `${base}/openapi.json`,
      scope: 'public',
      format: 'json',
      summary: 'The OpenAPI 3 document of this API.',
      handler() {
        return json(safeJson(OPENAPI_DOCUMENT, 2));
      },
    },
    {
      name: 'playlist',
      path: /^\/.+\.(?:m3u|pls|xspf)$/,
      scope: 'public',
      format: 'playlist',
      summary: 'M3U, PLS and XSPF playlists per mount, e.g. /live.mp3.m3u.',
      async handler(ctx) {
        const parsed = parsePlaylistPath(ctx.req.path);
        let mount: string;
        try {
          mount = normaliseMountName(parsed?.mount ?? '');
        } catch {
          throw new NotFoundError();
        }
        const view = await s.view.mount(mount);
        const configured = s.settings.mounts.get(mount);
        // A configured mount gets a playlist while off air too; players retry it later.
        if (parsed === undefined || (view === undefined && configured === undefined)) {
          throw new NotFoundError();
        }
        if ((view?.hidden ?? configured?.hidden) === true) {
          throw new NotFoundError();
        }
        const origin = playlistBase(ctx.req.headers.host, s.settings.station);
        return {
          type: PLAYLIST_TYPES[parsed.kind],
          body: playlist(parsed.kind, origin, { mount, view }),
        };
      },
    },
  ];
}
