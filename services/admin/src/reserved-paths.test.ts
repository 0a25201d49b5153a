/**
 * Ties the mount names refused as page paths (`libs/icy` mount-name rules) to the routes admin
 * actually serves: every page route must be reserved, so no source can shadow it, and every
 * reserved entry must be a page admin (or the health router) serves, or be listed here with why.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  RESERVED_PAGE_PATHS,
  RESERVED_PAGE_PREFIXES,
  RESERVED_PAGE_SUFFIXES,
  isReservedMountName,
  isValidMountName,
} from '@penguincast/icy';
import { HEALTH_PATHS } from '@penguincast/runtime';
import type { RouteSpec } from './route-table.js';
import { adminRoutes } from './routes-admin.js';
import { liveRoutes } from './routes-live.js';
import { publicRoutes } from './routes-public.js';
import type { AdminServices } from './services.js';

const T = { timeout: 10_000 };

/**
 * The route table as `createAdmin` builds it. Building the rows reads only `settings.corsOrigin`;
 * handlers (which use the other services) never run here.
 */
function routeTable(): RouteSpec[] {
  const services = { settings: { corsOrigin: '*' } } as unknown as AdminServices;
  return [...adminRoutes(services), ...publicRoutes(services), ...liveRoutes(services)];
}

/** True when some route answers GET `path` (Express matches string paths without case). */
function routed(routes: readonly RouteSpec[], path: string): boolean {
  return routes.some((r) =>
    typeof r.path === 'string' ? r.path.toLowerCase() === path.toLowerCase() : r.path.test(path),
  );
}

/** Reserved exact paths no admin route serves, and why they stay reserved. */
const NOT_ROUTED = new Map<string, string>([
  ['/admin.cgi', "SHOUTcast's title update, which the edge routes to ingest"],
  ['/server_version.xsl', 'an Icecast page name, kept free so clients never get a stream there'],
  ['/favicon.ico', 'a web-root file browsers ask for'],
  ['/robots.txt', 'a web-root file crawlers ask for'],
]);

/**
 * Path pieces that, combined, reach every route's pattern and plenty of look-alikes; a few hold
 * several segments, so deep API paths are reached within three pieces.
 */
const SEGMENTS = [
  'api/v1',
  'api/v1/mounts',
  'admin',
  'ADMIN',
  'monitor',
  'api',
  'v1',
  'player',
  'player-assets',
  'mounts',
  'listeners',
  'events',
  'station',
  'live.mp3',
  'live.mp3.m3u',
  'a.pls',
  'b.xspf',
  'status.xsl',
  'x',
];

/** Every path of one to three pieces from {@link SEGMENTS}. */
function probes(): string[] {
  const out: string[] = [];
  const grow = (prefix: string, depth: number): void => {
    for (const s of SEGMENTS) {
      const p = `${prefix}/${s}`;
      out.push(p);
      if (depth > 1) {
        grow(p, depth - 1);
      }
    }
  };
  grow('', 3);
  return out;
}

test('every page route is a reserved (or impossible) mount name', T, () => {
  const routes = routeTable();
  for (const r of routes) {
    if (typeof r.path === 'string') {
      assert.ok(
        isReservedMountName(r.path) || !isValidMountName(r.path),
        `route ${r.name} (${r.path}) is not reserved`,
      );
    }
  }
  const all = probes();
  for (const r of routes) {
    if (typeof r.path === 'string') {
      continue;
    }
    const pattern = r.path;
    const hits = all.filter((p) => pattern.test(p));
    assert.ok(hits.length > 0, `no probe reaches route ${r.name} (${String(pattern)})`);
    for (const p of hits) {
      assert.ok(
        isReservedMountName(p) || !isValidMountName(p),
        `route ${r.name} serves ${p}, which is not reserved`,
      );
    }
  }
});

test('every reserved entry is a page that is served, or is listed with its reason', T, () => {
  const routes = routeTable();
  const all = probes();
  for (const prefix of RESERVED_PAGE_PREFIXES) {
    assert.ok(
      all.some((p) => p.startsWith(prefix) && routed(routes, p)),
      `no route under the reserved folder ${prefix}`,
    );
  }
  for (const suffix of RESERVED_PAGE_SUFFIXES) {
    assert.ok(routed(routes, `/live.mp3${suffix}`), `no route for the reserved suffix ${suffix}`);
  }
  for (const path of RESERVED_PAGE_PATHS) {
    const folder = RESERVED_PAGE_PREFIXES.includes(`${path}/`);
    assert.ok(
      routed(routes, path) || HEALTH_PATHS.includes(path) || folder || NOT_ROUTED.has(path),
      `${path} is reserved but nothing serves it`,
    );
  }
  for (const path of NOT_ROUTED.keys()) {
    assert.ok(RESERVED_PAGE_PATHS.has(path), `${path} is listed here but not reserved`);
    assert.ok(!routed(routes, path), `${path} is routed now; drop it from NOT_ROUTED`);
  }
});
