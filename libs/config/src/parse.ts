/**
 * Turns a config document and the environment into a frozen, checked `StationConfig`. Pure: it
 * reads no file and no `process.env`, so tests pass plain objects. Every problem is collected
 * into one `ConfigError` instead of stopping at the first.
 */
import { isReservedMountName, normaliseMountName } from '@penguincast/icy';
import { applyEnvOverrides } from './env.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { StationConfigSchema, type StationConfig } from './schema.js';

type Env = Readonly<Record<string, string | undefined>>;

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
    }
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) {
      deepFreeze(v);
    }
  }
  return value;
}

/** Finds fallback chains that loop back on themselves among the configured mounts. */
function fallbackCycles(mounts: StationConfig['Mounts']): string[] {
  const next = new Map<string, string | undefined>();
  for (const m of mounts) {
    if (!next.has(m.Name)) {
      next.set(m.Name, m.Fallback);
    }
  }
  const cycles: string[] = [];
  for (const start of next.keys()) {
    if (next.get(start) === start) {
      // A mount naming itself is reported on its own, more plainly.
      continue;
    }
    const seen = new Set<string>([start]);
    let cur = next.get(start);
    while (cur !== undefined) {
      if (cur === start) {
        cycles.push(start);
        break;
      }
      if (seen.has(cur)) {
        break;
      }
      seen.add(cur);
      cur = next.get(cur);
    }
  }
  return cycles;
}

/** Checks the rules that span fields; mount names are normalised in place first. */
function crossFieldProblems(cfg: StationConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  cfg.Mounts.forEach((m, i) => {
    try {
      m.Name = normaliseMountName(m.Name);
    } catch (err) {
      problems.push({ path: `Mounts[${i}].Name`, message: (err as Error).message });
      return;
    }
    if (isReservedMountName(m.Name)) {
      problems.push({
        path: `Mounts[${i}].Name`,
        message: `${m.Name} is a server page (admin, status, API, player, health or playlist path); choose another mount name`,
      });
    }
    const dup = seen.get(m.Name);
    if (dup !== undefined) {
      problems.push({
        path: `Mounts[${i}].Name`,
        message: `mount ${m.Name} is already defined at Mounts[${dup}]; give each mount one entry`,
      });
    }
    seen.set(m.Name, i);
    if (m.Fallback !== undefined) {
      try {
        m.Fallback = normaliseMountName(m.Fallback);
        if (m.Fallback === m.Name) {
          problems.push({
            path: `Mounts[${i}].Fallback`,
            message: 'a mount cannot fall back to itself',
          });
        }
      } catch (err) {
        problems.push({ path: `Mounts[${i}].Fallback`, message: (err as Error).message });
      }
    }
    const queue = m.QueueSize ?? cfg.Limits.QueueSize;
    const burst = m.BurstSize ?? cfg.Limits.BurstSize;
    if (burst > queue) {
      problems.push({
        path: `Mounts[${i}].BurstSize`,
        message: `BurstSize ${burst} is larger than the queue (${queue}); lower it or raise QueueSize`,
      });
    }
    if (m.Relay !== undefined && m.Relay.User !== undefined && m.Relay.Password === undefined) {
      problems.push({
        path: `Mounts[${i}].Relay.Password`,
        message: 'Relay.User is set without Relay.Password',
      });
    }
  });
  for (const name of fallbackCycles(cfg.Mounts)) {
    const i = cfg.Mounts.findIndex((m) => m.Name === name);
    problems.push({
      path: `Mounts[${i}].Fallback`,
      message: `fallback chain from ${name} loops back to it; break the cycle`,
    });
  }
  if (cfg.Limits.BurstSize > cfg.Limits.QueueSize) {
    problems.push({
      path: 'Limits.BurstSize',
      message: `BurstSize ${cfg.Limits.BurstSize} is larger than Limits.QueueSize ${cfg.Limits.QueueSize}`,
    });
  }
  if (cfg.Socket.Port === 65535) {
    problems.push({
      path: 'Socket.Port',
      message: 'SHOUTcast v1 sources use Port + 1, so Port must be 65534 or lower',
    });
  }
  return problems;
}

/**
 * Validates a parsed `config.json` document (or `{}`) with the environment applied over it.
 * Throws `ConfigError` listing every problem; returns a deeply frozen config otherwise.
 * @param source Names the document in the error message, e.g. the file path.
 */
export function parseStationConfig(raw: unknown, env: Env = {}, source = 'config'): StationConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ path: '', message: 'the config must be a JSON object' }], source);
  }
  const { doc, problems } = applyEnvOverrides(raw as Record<string, unknown>, env);
  const result = StationConfigSchema.safeParse(doc);
  if (!result.success) {
    for (const issue of result.error.issues) {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
    throw new ConfigError(problems, source);
  }
  problems.push(...crossFieldProblems(result.data));
  if (problems.length > 0) {
    throw new ConfigError(problems, source);
  }
  return deepFreeze(result.data);
}

/** Listen address: Socket.BindAddress, or Host when it is not set. */
export function bindAddress(cfg: StationConfig): string {
  return cfg.Socket.BindAddress ?? cfg.Host;
}
