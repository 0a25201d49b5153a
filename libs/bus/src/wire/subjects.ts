/**
 * NATS subject builders and the reversible mount-name token encoding. This is the only place
 * subject strings are assembled; call sites must never concatenate subjects themselves.
 */
import { InvalidMountTokenError } from '../errors.js';

/** The default subject prefix (`pc.audio.<m>` and so on). */
export const DEFAULT_SUBJECT_PREFIX = 'pc';

/** Admin commands carried on `<prefix>.ctl.<kind>`. */
export const CTL_KINDS = [
  'kill-client',
  'kill-source',
  'move-clients',
  'metadata-update',
  'list-clients',
  'set-fallback',
] as const;
/** One admin command kind. */
export type CtlKind = (typeof CTL_KINDS)[number];

/** Connection records carried on `<prefix>.evt.<kind>`. */
export const EVT_KINDS = [
  'listener-connect',
  'listener-disconnect',
  'source-connect',
  'source-disconnect',
] as const;
/** One connection event kind. */
export type EvtKind = (typeof EVT_KINDS)[number];

/** Station-wide reports carried on `<prefix>.stats.<event>`. */
export const STATS_EVENTS = ['heartbeat'] as const;
/** One stats report kind. */
export type StatsEvent = (typeof STATS_EVENTS)[number];

/** The per-mount subject families. */
export type MountFamily = 'audio' | 'meta' | 'source' | 'burst' | 'titles' | 'demand';

/** What `parseSubject()` recognised in a concrete subject. */
export type ParsedSubject =
  | { family: MountFamily; mount: string }
  | { family: 'ctl'; kind: CtlKind }
  | { family: 'evt'; kind: EvtKind }
  | { family: 'stats'; event: StatsEvent };

const PREFIX_RE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
const PLAIN = /[A-Za-z0-9-]/;
const HEX2 = /^[0-9a-f]{2}$/;
const HEX4 = /^[0-9a-f]{4}$/;

/**
 * Checks a subject prefix: one or more dot-separated lowercase tokens of `[a-z0-9_-]`, so it
 * can never start with `$` (reserved by NATS) or contain wildcards. Throws `TypeError`.
 */
export function validateSubjectPrefix(prefix: string): string {
  if (typeof prefix !== 'string' || !PREFIX_RE.test(prefix)) {
    throw new TypeError(
      `subject prefix ${JSON.stringify(prefix)} must be dot-separated lowercase tokens of [a-z0-9_-]`,
    );
  }
  return prefix;
}

/**
 * Encodes any string into exactly one subject token of `[A-Za-z0-9_-]`. Letters, digits and
 * `-` stay as they are; every other UTF-16 unit becomes `_xx` (below 0x100) or `_uxxxx`, with
 * lowercase hex; the empty string becomes `_`. The encoding is canonical, so equal tokens mean
 * equal mounts, and working on UTF-16 units keeps even lone surrogates reversible.
 */
export function encodeMountToken(mount: string): string {
  if (typeof mount !== 'string') {
    throw new TypeError('mount must be a string');
  }
  if (mount.length === 0) {
    return '_';
  }
  let out = '';
  for (let i = 0; i < mount.length; i++) {
    const ch = mount[i] as string;
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    const unit = mount.charCodeAt(i);
    out +=
      unit < 0x100
        ? `_${unit.toString(16).padStart(2, '0')}`
        : `_u${unit.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/**
 * Decodes a token made by `encodeMountToken()`. Only the canonical form is accepted (for
 * example `_61` is refused because `a` encodes as itself), so decode and encode are inverse
 * bijections. Throws `InvalidMountTokenError`.
 */
export function decodeMountToken(token: string): string {
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidMountTokenError(String(token), 'empty');
  }
  if (token === '_') {
    return '';
  }
  let out = '';
  let i = 0;
  while (i < token.length) {
    const ch = token[i] as string;
    if (PLAIN.test(ch)) {
      out += ch;
      i += 1;
      continue;
    }
    if (ch !== '_') {
      throw new InvalidMountTokenError(token, `unexpected character at ${i}`);
    }
    if (token[i + 1] === 'u') {
      const hex = token.slice(i + 2, i + 6);
      if (!HEX4.test(hex)) {
        throw new InvalidMountTokenError(token, `bad _u escape at ${i}`);
      }
      const unit = parseInt(hex, 16);
      if (unit < 0x100) {
        throw new InvalidMountTokenError(token, `non-canonical _u escape at ${i}`);
      }
      out += String.fromCharCode(unit);
      i += 6;
      continue;
    }
    const hex = token.slice(i + 1, i + 3);
    if (!HEX2.test(hex)) {
      throw new InvalidMountTokenError(token, `bad _ escape at ${i}`);
    }
    const decoded = String.fromCharCode(parseInt(hex, 16));
    if (PLAIN.test(decoded)) {
      throw new InvalidMountTokenError(token, `non-canonical escape of ${decoded} at ${i}`);
    }
    out += decoded;
    i += 3;
  }
  return out;
}

function mountSubject(prefix: string, family: MountFamily, mount: string): string {
  return `${validateSubjectPrefix(prefix)}.${family}.${encodeMountToken(mount)}`;
}

function kindToken<K extends string>(kind: K, allowed: readonly K[], family: string): K {
  if (!allowed.includes(kind)) {
    throw new TypeError(`unknown ${family} kind ${JSON.stringify(kind)}`);
  }
  return kind;
}

/** `<prefix>.audio.<m>`: whole codec frames of one mount. */
export function audioSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'audio', mount);
}

/** `<prefix>.meta.<m>`: title changes of one mount. */
export function metaSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'meta', mount);
}

/** `<prefix>.source.<m>`: source up/down announcements (the state is in the message). */
export function sourceSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'source', mount);
}

/** `<prefix>.burst.<m>`: burst requests answered by the ingest that owns the mount. */
export function burstSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'burst', mount);
}

/**
 * `<prefix>.titles.<m>`: titles requests answered by the ingest that owns the mount: the title a
 * listener joining now hears first and the newest one, without any audio (admin asks these).
 */
export function titlesSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'titles', mount);
}

/**
 * `<prefix>.demand.<m>`: listener demand for a mount relayed on demand, sent by edges (a request
 * for a first listener, plain messages while listeners remain) and heard by every ingest.
 */
export function demandSubject(prefix: string, mount: string): string {
  return mountSubject(prefix, 'demand', mount);
}

/** `<prefix>.ctl.<kind>`: admin commands, answered by whoever holds the target. */
export function ctlSubject(prefix: string, kind: CtlKind): string {
  return `${validateSubjectPrefix(prefix)}.ctl.${kindToken(kind, CTL_KINDS, 'ctl')}`;
}

/** `<prefix>.evt.<kind>`: listener and source connect/disconnect records. */
export function evtSubject(prefix: string, kind: EvtKind): string {
  return `${validateSubjectPrefix(prefix)}.evt.${kindToken(kind, EVT_KINDS, 'evt')}`;
}

/** `<prefix>.stats.<event>`: station-wide reports such as service heartbeats. */
export function statsSubject(prefix: string, event: StatsEvent): string {
  return `${validateSubjectPrefix(prefix)}.stats.${kindToken(event, STATS_EVENTS, 'stats')}`;
}

/**
 * `<prefix>.<family>.*`: subscribes to one family on every mount (or every ctl, evt or stats
 * kind).
 */
export function wildcardSubject(
  prefix: string,
  family: MountFamily | 'ctl' | 'evt' | 'stats',
): string {
  return `${validateSubjectPrefix(prefix)}.${family}.*`;
}

/**
 * Recognises a concrete subject built by this module and returns its family and mount (or
 * kind); returns `null` for subjects of another prefix or shape. A malformed mount token
 * throws `InvalidMountTokenError`, because under our prefix it means a buggy publisher.
 */
export function parseSubject(prefix: string, subject: string): ParsedSubject | null {
  const head = `${validateSubjectPrefix(prefix)}.`;
  if (!subject.startsWith(head)) {
    return null;
  }
  const rest = subject.slice(head.length).split('.');
  if (rest.length !== 2) {
    return null;
  }
  const [family, token] = rest as [string, string];
  switch (family) {
    case 'audio':
    case 'meta':
    case 'source':
    case 'burst':
    case 'titles':
    case 'demand':
      return { family, mount: decodeMountToken(token) };
    case 'ctl':
      return (CTL_KINDS as readonly string[]).includes(token)
        ? { family, kind: token as CtlKind }
        : null;
    case 'evt':
      return (EVT_KINDS as readonly string[]).includes(token)
        ? { family, kind: token as EvtKind }
        : null;
    case 'stats':
      return (STATS_EVENTS as readonly string[]).includes(token)
        ? { family, event: token as StatsEvent }
        : null;
    default:
      return null;
  }
}

/** All subject builders bound to one validated prefix. */
export class Subjects {
  /** The prefix every subject starts with. */
  readonly prefix: string;

  constructor(prefix: string = DEFAULT_SUBJECT_PREFIX) {
    this.prefix = validateSubjectPrefix(prefix);
  }

  /** See `audioSubject()`. */
  audio(mount: string): string {
    return audioSubject(this.prefix, mount);
  }
  /** See `metaSubject()`. */
  meta(mount: string): string {
    return metaSubject(this.prefix, mount);
  }
  /** See `sourceSubject()`. */
  source(mount: string): string {
    return sourceSubject(this.prefix, mount);
  }
  /** See `burstSubject()`. */
  burst(mount: string): string {
    return burstSubject(this.prefix, mount);
  }
  /** See `titlesSubject()`. */
  titles(mount: string): string {
    return titlesSubject(this.prefix, mount);
  }
  /** See `demandSubject()`. */
  demand(mount: string): string {
    return demandSubject(this.prefix, mount);
  }
  /** See `ctlSubject()`. */
  ctl(kind: CtlKind): string {
    return ctlSubject(this.prefix, kind);
  }
  /** See `evtSubject()`. */
  evt(kind: EvtKind): string {
    return evtSubject(this.prefix, kind);
  }
  /** `<prefix>.stats.heartbeat`: every process's periodic `ServiceHeartbeat`. */
  heartbeat(): string {
    return statsSubject(this.prefix, 'heartbeat');
  }
  /** `<prefix>.audio.*` */
  allAudio(): string {
    return wildcardSubject(this.prefix, 'audio');
  }
  /** `<prefix>.meta.*` */
  allMeta(): string {
    return wildcardSubject(this.prefix, 'meta');
  }
  /** `<prefix>.source.*` */
  allSource(): string {
    return wildcardSubject(this.prefix, 'source');
  }
  /** `<prefix>.burst.*` */
  allBurst(): string {
    return wildcardSubject(this.prefix, 'burst');
  }
  /** `<prefix>.titles.*` */
  allTitles(): string {
    return wildcardSubject(this.prefix, 'titles');
  }
  /** `<prefix>.demand.*` */
  allDemand(): string {
    return wildcardSubject(this.prefix, 'demand');
  }
  /** `<prefix>.ctl.*` */
  allCtl(): string {
    return wildcardSubject(this.prefix, 'ctl');
  }
  /** `<prefix>.evt.*` */
  allEvt(): string {
    return wildcardSubject(this.prefix, 'evt');
  }
  /** `<prefix>.stats.*`: every stats report kind (today only heartbeats). */
  allStats(): string {
    return wildcardSubject(this.prefix, 'stats');
  }
  /** See `parseSubject()`. */
  parse(subject: string): ParsedSubject | null {
    return parseSubject(this.prefix, subject);
  }
}

const TOKEN_RE = /^[^\s.*>]+$/;

/**
 * Throws `TypeError` unless `subject` is a literal subject one can publish to: non-empty
 * tokens, no whitespace and no wildcards. Both adapters check this so they fail alike.
 */
export function assertPublishSubject(subject: string): void {
  if (typeof subject !== 'string' || !subject.split('.').every((t) => TOKEN_RE.test(t))) {
    throw new TypeError(`invalid publish subject ${JSON.stringify(subject)}`);
  }
}

/**
 * Throws `TypeError` unless `subject` is a valid subscription: like a publish subject, but a
 * token may be `*`, and the last token may be `>`.
 */
export function assertSubscribeSubject(subject: string): void {
  const tokens = typeof subject === 'string' ? subject.split('.') : [''];
  const ok = tokens.every(
    (t, i) => TOKEN_RE.test(t) || t === '*' || (t === '>' && i === tokens.length - 1),
  );
  if (!ok) {
    throw new TypeError(`invalid subscribe subject ${JSON.stringify(subject)}`);
  }
}

/** True when the literal `subject` matches the subscription `pattern` (NATS wildcard rules). */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) {
    return true;
  }
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    const t = p[i];
    if (t === '>') {
      return s.length > i;
    }
    if (i >= s.length || (t !== '*' && t !== s[i])) {
      return false;
    }
  }
  return p.length === s.length;
}
