/**
 * Environment overrides for containers: each `PENGUINCAST_*` variable replaces one value of the
 * config document before validation, so a bad override is reported like a bad file value.
 */
import type { ConfigProblem } from './errors.js';

/** The variables read, with the config path each one overrides. */
export const ENV_OVERRIDES: ReadonlyArray<{
  name: string;
  path: readonly string[];
  kind: 'string' | 'int' | 'bool';
}> = [
  { name: 'PENGUINCAST_NAME', path: ['Name'], kind: 'string' },
  { name: 'PENGUINCAST_HOST', path: ['Host'], kind: 'string' },
  { name: 'PENGUINCAST_PORT', path: ['Socket', 'Port'], kind: 'int' },
  { name: 'PENGUINCAST_BIND_ADDRESS', path: ['Socket', 'BindAddress'], kind: 'string' },
  { name: 'PENGUINCAST_ADMIN_USER', path: ['Auth', 'AdminUser'], kind: 'string' },
  { name: 'PENGUINCAST_ADMIN_PASSWORD', path: ['Auth', 'AdminPassword'], kind: 'string' },
  { name: 'PENGUINCAST_SOURCE_PASSWORD', path: ['Auth', 'SourcePassword'], kind: 'string' },
  { name: 'PENGUINCAST_LOG_DIR', path: ['Paths', 'Log'], kind: 'string' },
  { name: 'PENGUINCAST_WEB_DIR', path: ['Paths', 'Web'], kind: 'string' },
  { name: 'PENGUINCAST_LOGLEVEL', path: ['Logging', 'Loglevel'], kind: 'int' },
  { name: 'PENGUINCAST_NATS_URL', path: ['Cluster', 'NatsUrl'], kind: 'string' },
  { name: 'PENGUINCAST_REDIS_URL', path: ['Cluster', 'RedisUrl'], kind: 'string' },
  { name: 'PENGUINCAST_SUBJECT_PREFIX', path: ['Cluster', 'SubjectPrefix'], kind: 'string' },
  { name: 'PENGUINCAST_KEY_PREFIX', path: ['Cluster', 'KeyPrefix'], kind: 'string' },
  { name: 'PENGUINCAST_INGEST_URL', path: ['Cluster', 'IngestUrl'], kind: 'string' },
  { name: 'PENGUINCAST_ADMIN_URL', path: ['Cluster', 'AdminUrl'], kind: 'string' },
  { name: 'PENGUINCAST_INGEST_PORT', path: ['Cluster', 'IngestPort'], kind: 'int' },
  { name: 'PENGUINCAST_ADMIN_PORT', path: ['Cluster', 'AdminPort'], kind: 'int' },
  { name: 'PENGUINCAST_STATS_PORT', path: ['Cluster', 'StatsPort'], kind: 'int' },
];

/** Prefix of per-mount password variables: `PENGUINCAST_MOUNT_PASSWORD_<MOUNT>`. */
export const MOUNT_PASSWORD_PREFIX = 'PENGUINCAST_MOUNT_PASSWORD_';

/** The variable that sets a mount's password: non-alphanumerics become `_`, upper case. */
export function mountPasswordVariable(mountName: string): string {
  const token = mountName
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9]/g, '_')
    .toUpperCase();
  return MOUNT_PASSWORD_PREFIX + token;
}

type Env = Readonly<Record<string, string | undefined>>;
type Doc = Record<string, unknown>;

function isRecord(v: unknown): v is Doc {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setPath(doc: Doc, path: readonly string[], value: unknown): void {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!isRecord(next)) {
      node[key] = {};
    }
    node = node[key] as Doc;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Returns a copy of `doc` with every override applied, plus the problems of variables whose value
 * cannot be converted. The input is not modified.
 */
export function applyEnvOverrides(doc: Doc, env: Env): { doc: Doc; problems: ConfigProblem[] } {
  const out = structuredClone(doc);
  const problems: ConfigProblem[] = [];
  for (const { name, path, kind } of ENV_OVERRIDES) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      continue;
    }
    if (kind === 'string') {
      setPath(out, path, raw);
    } else if (kind === 'int') {
      if (!/^-?\d+$/.test(raw.trim())) {
        problems.push({ path: path.join('.'), message: `${name}=${raw} is not a whole number` });
        continue;
      }
      setPath(out, path, Number(raw.trim()));
    } else {
      setPath(out, path, /^(1|true|yes|on)$/i.test(raw.trim()));
    }
  }
  const mounts = out['Mounts'];
  if (Array.isArray(mounts)) {
    for (const m of mounts) {
      if (isRecord(m) && typeof m['Name'] === 'string') {
        const pw = env[mountPasswordVariable(m['Name'])];
        if (pw !== undefined && pw !== '') {
          m['Password'] = pw;
        }
      }
    }
  }
  return { doc: out, problems };
}
