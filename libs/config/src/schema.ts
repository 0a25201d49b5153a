/**
 * The station configuration as one zod declaration: the seed's `config.json` shape accepted as the
 * seed writes it, plus the PascalCase extensions of design.md. Types, defaults and messages all
 * come from here; nothing else in the project reads raw config objects.
 */
import { z } from 'zod';
import { parseTrustedProxy } from './trusted-proxy.js';

/** Icecast's default listener metadata interval. */
export const DEFAULT_METAINT = 16000;
/** Icecast's default per-mount queue (bytes a listener may fall behind before it is dropped). */
export const DEFAULT_QUEUE_SIZE = 524288;
/** Icecast's default burst on connect. */
export const DEFAULT_BURST_SIZE = 65536;

const port = z.number().int().min(1).max(65535);
const seconds = z.number().min(0).max(86400);
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' });

/** A pull relay: the mount is fed from another Icecast-compatible server. */
const RelaySchema = z.strictObject({
  /** Upstream stream URL, e.g. `http://upstream:8000/live.mp3`. */
  Url: httpUrl,
  /** Optional upstream credentials (HTTP Basic). */
  User: z.string().optional(),
  Password: z.string().optional(),
  /** Pull only while the mount has listeners. */
  OnDemand: z.boolean().default(false),
});

/** One mount point as the seed describes it, with design.md's extensions. */
const MountSchema = z.strictObject({
  /** Mount point name; `RockRadio96` and `/RockRadio96` are the same mount. */
  Name: z.string({ error: 'a mount needs a Name' }).min(1, 'a mount needs a Name'),
  /** Source user name (Icecast's default is `source`). */
  User: z.string().min(1).default('source'),
  /** Source password for this mount. */
  Password: z
    .string({ error: 'a mount needs a Password (or PENGUINCAST_MOUNT_PASSWORD_<MOUNT>)' })
    .min(1, 'a mount needs a non-empty Password'),
  Genre: z.string().optional(),
  Description: z.string().optional(),
  /** Nominal bitrate in kb/s, used when the source does not say. */
  BitRate: z.number().int().min(1).max(10000).optional(),
  /** Bytes sent at once to a listener that connects. */
  BurstSize: z
    .number()
    .int()
    .min(0)
    .max(16 * 1024 * 1024)
    .optional(),
  /** File (under Paths.Log unless absolute) where the source's audio is also written. */
  DumpFile: z.string().min(1).optional(),
  /** Listener limit of this mount; unset means only the server-wide limit applies. */
  MaxListeners: z.number().int().min(0).optional(),
  /** ICY metadata interval in bytes. */
  MetaInt: z.number().int().min(256).max(65536).default(DEFAULT_METAINT),
  /** How far (bytes) a listener may fall behind before it is dropped. */
  QueueSize: z
    .number()
    .int()
    .min(8192)
    .max(64 * 1024 * 1024)
    .optional(),
  /** Left out of status-json, streamlist.txt and public pages (still in admin stats). */
  Hidden: z.boolean().default(false),
  /** Overrides the source's `ice-public` flag. */
  Public: z.boolean().optional(),
  /** Charset of ICY titles sent to listeners. */
  Charset: z.enum(['UTF-8', 'ISO-8859-1']).default('UTF-8'),
  /** Mount whose audio listeners move to when this mount's source drops. */
  Fallback: z.string().min(1).optional(),
  /** Move listeners back from the fallback when this mount's source returns. */
  FallbackOverride: z.boolean().default(true),
  /**
   * File sent to each new listener before the live audio (relative paths are under
   * `Paths.Web`). It must hold the mount's codec; the edge reads it once at start and sends only
   * its whole frames, so the live audio after it starts on a frame boundary.
   */
  Intro: z.string().min(1).optional(),
  /** Feeds the mount by pulling another server's stream instead of taking an encoder. */
  Relay: RelaySchema.optional(),
  /**
   * Feeds the mount from this file, played in a loop at its real bitrate (paced by its frame
   * durations), instead of from an encoder; relative paths are under `Paths.Web`. Name such a
   * mount in other mounts' `Fallback` to give them a file fallback. The loop holds the mount,
   * so encoders are refused on it.
   */
  File: z.string().min(1).optional(),
});

/** A mount with its rules that span fields of the mount alone. */
const CheckedMountSchema = MountSchema.superRefine((m, ctx) => {
  if (m.File !== undefined && m.Relay !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['File'],
      message: 'a mount is fed by a File or by a Relay, not both; remove one',
    });
  }
});

/** Mirror every mount of an upstream server (Icecast's master/slave relay). */
const MasterSchema = z.strictObject({
  /**
   * Base URL of the upstream server, e.g. `http://master:8000`: its `/admin/streamlist.txt`
   * names the mounts to mirror, and each is pulled from this base.
   */
  Url: httpUrl,
  /** User of the upstream's stream list and streams (Icecast's relay user, or an admin). */
  User: z.string().default('relay'),
  Password: z.string().optional(),
  /** Seconds between refreshes of the upstream's mount list. */
  Interval: z.number().int().min(5).max(86400).default(120),
  /** Pull each mirrored mount only while it has listeners. */
  OnDemand: z.boolean().default(false),
});

/** The whole `config.json`. */
export const StationConfigSchema = z.strictObject({
  /** Station name shown on pages and sent as `server_id`. */
  Name: z.string().min(1).default('PenguinCast'),
  /** Administrator contact. */
  Admin: z.string().default('icemaster@localhost'),
  Location: z.string().default('Earth'),
  /** Public host name used in listen URLs; also the bind address unless Socket.BindAddress. */
  Host: z.string().min(1).default('127.0.0.1'),
  Socket: z
    .strictObject({
      /** Public port for listeners, sources and pages; SHOUTcast v1 sources use Port + 1. */
      Port: port.default(8000),
      /** Address to listen on; defaults to Host. `0.0.0.0` for every interface. */
      BindAddress: z.string().min(1).optional(),
    })
    .prefault({}),
  Limits: z
    .strictObject({
      /** Listeners over the whole station (cluster-wide). */
      Clients: z.number().int().min(0).default(100),
      /** Sources over the whole station. */
      Sources: z.number().int().min(0).default(2),
      /** Seconds without data before a source is dropped. */
      SourceIdleTimeOut: seconds.default(10),
      /** Seconds a mount may receive nothing before its listeners are ended. */
      EmptyBufferIdleTimeOut: seconds.default(10),
      /** Seconds a listener may make no write progress before it is dropped. */
      WriteTimeOut: seconds.default(10),
      /** Seconds a client has to send its request head. */
      HeaderTimeOut: seconds.default(15),
      /** Seconds listeners wait for a reconnecting source before they are ended. */
      SourceGracePeriod: seconds.default(5),
      /** Default per-mount queue size in bytes. */
      QueueSize: z.number().int().min(8192).default(DEFAULT_QUEUE_SIZE),
      /**
       * Milliseconds an edge gathers audio before writing it to its listeners: larger values cost
       * less CPU per listener (fewer, bigger writes), smaller ones lower the latency.
       */
      WriteIntervalMs: z.number().int().min(0).max(2000).default(250),
      /** Default per-mount burst in bytes. */
      BurstSize: z.number().int().min(0).default(DEFAULT_BURST_SIZE),
    })
    .prefault({}),
  // A missing Auth section is read as `{}` so the message names the missing password.
  Auth: z.preprocess(
    (v) => v ?? {},
    z.strictObject({
      AdminUser: z.string().min(1).default('admin'),
      /** Admin password; may also come from PENGUINCAST_ADMIN_PASSWORD. */
      AdminPassword: z
        .string({ error: 'set Auth.AdminPassword or PENGUINCAST_ADMIN_PASSWORD' })
        .min(1, 'set Auth.AdminPassword or PENGUINCAST_ADMIN_PASSWORD'),
      /** Source password for mounts not listed in Mounts; unset refuses unlisted mounts. */
      SourcePassword: z.string().min(1).optional(),
    }),
  ),
  Paths: z
    .strictObject({
      Log: z.string().min(1).default('log/'),
      Web: z.string().min(1).default('html/'),
    })
    .prefault({}),
  Logging: z
    .strictObject({
      /** 1 errors, 2 warnings, 3 info, 4 debug. */
      Loglevel: z.number().int().min(1).max(4).default(3),
      /** Rotate a log file when it passes this many kilobytes. */
      Logsize: z.number().int().min(1).default(10000),
      /** Rotated archives kept per log file. */
      LogArchives: z.number().int().min(0).max(1000).default(5),
      UseMonitor: z.boolean().default(true),
      UseStat: z.boolean().default(true),
      /** Seconds between stat.log lines. */
      StatInterval: z.number().int().min(1).max(3600).default(60),
    })
    .prefault({}),
  Mounts: z.array(CheckedMountSchema).default([]),
  Master: MasterSchema.optional(),
  Cors: z
    .strictObject({
      /** Value of Access-Control-Allow-Origin on listener and API replies. */
      AllowOrigin: z.string().min(1).default('*'),
    })
    .prefault({}),
  /**
   * Proxies whose X-Forwarded-For (and, on ingest's SHOUTcast port, PROXY protocol line) is
   * believed: IP addresses or CIDR ranges such as `10.0.0.0/8` or `fd00::/8`.
   */
  TrustedProxies: z
    .array(
      z.string().superRefine((entry, ctx) => {
        const parsed = parseTrustedProxy(entry);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
        }
      }),
    )
    .default([]),
  /** Distributed mode: how the services find each other. */
  Cluster: z
    .strictObject({
      /** NATS URL; unset in the single process means the in-memory bus. */
      NatsUrl: z.string().min(1).optional(),
      /** Redis URL; unset in the single process means the in-memory state. */
      RedisUrl: z.string().min(1).optional(),
      /** Prefix of every NATS subject. */
      SubjectPrefix: z
        .string()
        .regex(/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/, 'lowercase tokens separated by dots, no $ or *')
        .default('pc'),
      /** Prefix of every Redis key (the `:` separator is added by the key builders). */
      KeyPrefix: z
        .string()
        .regex(/^[a-z0-9_-]+(:[a-z0-9_-]+)*$/, 'colon-separated lowercase tokens, e.g. pc')
        .default('pc'),
      IngestPort: port.default(8001),
      AdminPort: port.default(8080),
      StatsPort: port.default(9100),
      /** Where edges forward sources and admin requests in distributed mode. */
      IngestUrl: z.string().min(1).default('http://127.0.0.1:8001'),
      AdminUrl: z.string().min(1).default('http://127.0.0.1:8080'),
    })
    .prefault({}),
});

/** The config file as written (defaults not yet applied). */
export type StationConfigInput = z.input<typeof StationConfigSchema>;
/** One mount after defaults. */
export type MountConfig = z.output<typeof MountSchema>;
/** A relay definition after defaults. */
export type RelayConfig = z.output<typeof RelaySchema>;
/** The master (mirror) definition after defaults. */
export type MasterConfig = z.output<typeof MasterSchema>;
/** The whole station config after defaults and cross-field checks. */
export type StationConfig = z.output<typeof StationConfigSchema>;
