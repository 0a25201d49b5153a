/**
 * Icecast's admin API as table rows: `/admin/metadata` (admin or the mount's own source
 * credentials), `listclients`, `listmounts`, `streamlist.txt`, `killclient`, `killsource`,
 * `moveclients`, `fallbacks`, `stats` and `stats.xml` (admin only). Each command goes over the bus
 * to whichever ingest or edge holds the target; replies use Icecast 2.4's texts.
 */
import { normaliseMountName } from '@penguincast/icy';
import { burstSizeOf } from './config.js';
import { BadRequestError, MissingParameterError, SourceNotFoundError } from './errors.js';
import {
  METADATA_SUCCESS_XML,
  XML_TYPE,
  iceResponse,
  listClientsXml,
  listMountsXml,
  statsXml,
  type MountListenerFacts,
} from './icecast-xml.js';
import type { MountView } from './mount-view.js';
import { MAX_URL_CHARS, rawQueryParam, titleFromQuery } from './raw-query.js';
import type { Reply, RouteContext, RouteSpec } from './route-table.js';
import type { AdminServices } from './services.js';
import { visibleMounts } from './status-json.js';

/** Icecast's HTML reply to `/admin/fallbacks`. */
export const FALLBACK_SUCCESS_HTML =
  '<html><head><title>Admin request successful</title></head><body><p>Fallback configured</p></body></html>';

function xml(body: string): Reply {
  return { type: XML_TYPE, body };
}

/** Rows of the admin route table. */
export function adminRoutes(s: AdminServices): RouteSpec[] {
  /** The live mount named by `param`, or Icecast's `Source does not exist`. */
  const liveMount = async (ctx: RouteContext, param = 'mount'): Promise<MountView> => {
    const name = ctx.mountParam(param);
    const view = await s.view.mount(name);
    if (view === undefined) {
      throw new SourceNotFoundError();
    }
    return view;
  };

  return [
    {
      name: 'metadata',
      path: '/admin/metadata',
      scope: 'mount',
      format: 'xml',
      changesState: true,
      summary: 'Sets the title of a mount (mode=updinfo, song or artist and title).',
      async handler(ctx) {
        const mount = await liveMount(ctx);
        const mode = ctx.param('mode');
        if (mode === undefined) {
          throw new MissingParameterError('mode');
        }
        if (mode !== 'updinfo') {
          return xml(iceResponse('No such action', false));
        }
        const target = ctx.req.originalUrl;
        const charset = ctx.param('charset');
        const title = titleFromQuery(target, charset);
        const url = rawQueryParam(target, 'url', charset)?.slice(0, MAX_URL_CHARS);
        if (!(await s.commands.metadataUpdate(mount.name, title, url, charset))) {
          throw new SourceNotFoundError();
        }
        s.log.info({ mount: mount.name, by: ctx.role }, 'title set through the admin API');
        return xml(METADATA_SUCCESS_XML);
      },
    },
    {
      name: 'listclients',
      path: '/admin/listclients',
      scope: 'admin',
      format: 'xml',
      summary: 'Lists the listeners of a mount over every edge.',
      async handler(ctx) {
        const mount = await liveMount(ctx);
        return xml(listClientsXml(mount.name, await s.commands.listClients(mount.name)));
      },
    },
    {
      name: 'listmounts',
      path: '/admin/listmounts',
      scope: 'admin',
      format: 'xml',
      summary: 'Lists every live mount, hidden ones included.',
      async handler() {
        const snap = await s.view.snapshot();
        return xml(listMountsXml(snap.mounts, snap.atMs));
      },
    },
    {
      name: 'streamlist',
      path: '/admin/streamlist.txt',
      scope: 'admin',
      format: 'text',
      summary: 'One public live mount per line.',
      async handler() {
        const snap = await s.view.snapshot();
        const lines = visibleMounts(snap).map((m) => `${m.name}\n`);
        return { type: 'text/plain; charset=utf-8', body: lines.join('') };
      },
    },
    {
      name: 'killclient',
      path: '/admin/killclient',
      scope: 'admin',
      format: 'xml',
      changesState: true,
      summary: 'Disconnects one listener by id.',
      async handler(ctx) {
        const mount = await liveMount(ctx);
        const id = ctx.param('id');
        if (id === undefined || id === '') {
          throw new MissingParameterError('id');
        }
        // Listener ids are numbers; anything else cannot name one, so it is not even sent.
        const killed = /^\d{1,20}$/.test(id) && (await s.commands.killClient(mount.name, id));
        if (killed) {
          s.log.info(
            { mount: mount.name, listenerId: id },
            'listener killed through the admin API',
          );
        }
        return xml(iceResponse(killed ? `Client ${id} removed` : `Client ${id} not found`, killed));
      },
    },
    {
      name: 'killsource',
      path: '/admin/killsource',
      scope: 'admin',
      format: 'xml',
      changesState: true,
      summary: 'Disconnects the source of a mount.',
      async handler(ctx) {
        const mount = await liveMount(ctx);
        if (!(await s.commands.killSource(mount.name))) {
          throw new SourceNotFoundError();
        }
        s.log.info({ mount: mount.name }, 'source killed through the admin API');
        return xml(iceResponse('Source Removed', true));
      },
    },
    {
      name: 'moveclients',
      path: '/admin/moveclients',
      scope: 'admin',
      format: 'xml',
      changesState: true,
      summary: 'Moves every listener of a mount to another live mount.',
      async handler(ctx) {
        const from = await liveMount(ctx);
        const to = ctx.mountParam('destination');
        if (to === from.name) {
          throw new BadRequestError('supplied mountpoints are identical');
        }
        if ((await s.view.mount(to)) === undefined) {
          throw new BadRequestError('No such destination');
        }
        const result = await s.commands.moveClients(from.name, to);
        if (result.moved === 0 && result.errors.includes('DESTINATION_NOT_LIVE')) {
          throw new BadRequestError('No such destination');
        }
        s.log.info(
          { from: from.name, to, moved: result.moved },
          'listeners moved through the admin API',
        );
        return xml(iceResponse(`Clients moved from ${from.name} to ${to}`, true));
      },
    },
    {
      name: 'fallbacks',
      path: '/admin/fallbacks',
      scope: 'admin',
      format: 'html',
      changesState: true,
      summary: 'Sets (or, with an empty value, clears) the runtime fallback of a mount.',
      async handler(ctx) {
        const mount = ctx.mountParam();
        if (!s.settings.mounts.has(mount) && (await s.view.mount(mount)) === undefined) {
          throw new SourceNotFoundError();
        }
        const raw = ctx.param('fallback');
        if (raw === undefined) {
          throw new MissingParameterError('fallback');
        }
        let fallback: string | undefined;
        if (raw !== '') {
          try {
            fallback = normaliseMountName(raw);
          } catch (err) {
            throw new BadRequestError('Invalid mount name', { cause: err });
          }
          if (fallback === mount) {
            throw new BadRequestError('supplied mountpoints are identical');
          }
        }
        await s.view.setFallback(mount, fallback);
        // Stored first, so an edge starting now reads what the others are told.
        s.commands.setFallback(mount, fallback ?? null);
        s.log.info({ mount, fallback: fallback ?? null }, 'runtime fallback set');
        return { type: 'text/html; charset=utf-8', body: FALLBACK_SUCCESS_HTML };
      },
    },
    ...(['/admin/stats', '/admin/stats.xml'] as const).map((path): RouteSpec => ({
      name: path.slice('/admin/'.length),
      path,
      scope: 'admin',
      format: 'xml',
      summary: 'Station counters and every mount in detail, hidden ones included.',
      async handler() {
        const snap = await s.view.snapshot();
        const facts = new Map<string, MountListenerFacts>();
        await Promise.all(
          snap.mounts.map(async (m) => {
            const clients = await s.commands.listClients(m.name);
            const burst = burstSizeOf(s.settings, m.name);
            facts.set(m.name, {
              bytesSent: clients.reduce((n, c) => n + c.bytes, 0),
              slow: clients.filter((c) => (c.lagBytes ?? 0) > burst).length,
            });
          }),
        );
        return xml(statsXml(snap, s.settings.station, s.counters, facts));
      },
    })),
    {
      name: 'unknown-command',
      path: /^\/admin\/.*/,
      scope: 'admin',
      format: 'html',
      summary: 'Any other admin path: Icecast answers it with 400 after authentication.',
      handler() {
        throw new BadRequestError('Unrecognised command');
      },
    },
  ];
}
