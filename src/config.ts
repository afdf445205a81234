import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { COMMAND_TYPES } from './commands/record.js';

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// URL' })
  .transform((u) => u.replace(/\/+$/, ''));

const sourceId = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'must be letters, digits, "-" or "_"' });

/** Tuning every source accepts; defaults suit the vendor clouds. */
const tuning = {
  timeoutMs: z.number().int().positive().optional(),
  pollIntervalMs: z.number().int().min(100).optional(),
  /** How old a device state may be and still answer a query (0: every query reads upstream); default per vendor. */
  maxAgeMs: z.number().int().min(0).optional(),
};

const epiphanSource = z.strictObject({
  id: sourceId,
  vendor: z.enum(['EPIPHAN_CLOUD', 'AV_STUDIO']),
  baseUrl: httpUrl,
  token: z.string().min(1),
  ...tuning,
});

const magewellSource = z.strictObject({
  id: sourceId,
  vendor: z.literal('MAGEWELL'),
  devices: z
    .array(
      z.strictObject({
        baseUrl: httpUrl,
        username: z.string().min(1),
        password: z.string(),
        /** Where recordings download from; the device serves them on port 8080 of its own host by default. */
        downloadUrl: httpUrl.optional(),
      }),
    )
    .min(1),
  ...tuning,
});

const videoloftSource = z.strictObject({
  id: sourceId,
  vendor: z.literal('VIDEOLOFT'),
  authUrl: httpUrl,
  email: z.string().min(1),
  password: z.string().min(1),
  ...tuning,
});

/** Evercam takes an API id and key, or HTTP basic username and password. */
const evercamSource = z
  .strictObject({
    id: sourceId,
    vendor: z.literal('EVERCAM'),
    baseUrl: httpUrl,
    apiId: z.string().min(1).optional(),
    apiKey: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Whose cameras to list; default the username, or the API id. */
    userId: z.string().min(1).optional(),
    ...tuning,
  })
  .superRefine((s, ctx) => {
    const keys = s.apiId !== undefined || s.apiKey !== undefined;
    const basic = s.username !== undefined || s.password !== undefined;
    if (keys && (!s.apiId || !s.apiKey)) ctx.addIssue({ code: 'custom', path: [s.apiId ? 'apiKey' : 'apiId'], message: 'apiId and apiKey go together' });
    if (basic && (!s.username || !s.password)) ctx.addIssue({ code: 'custom', path: [s.username ? 'password' : 'username'], message: 'username and password go together' });
    if (!keys && !basic) ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'give apiId and apiKey, or username and password' });
  });

const sourceConfig = z.discriminatedUnion('vendor', [epiphanSource, magewellSource, videoloftSource, evercamSource], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? 'unknown vendor (expected EPIPHAN_CLOUD, AV_STUDIO, MAGEWELL, VIDEOLOFT or EVERCAM)'
      : undefined,
});

/** What one operation and one API key may ask of avgraph; every check runs before anything goes upstream. */
const limitsConfig = z
  .strictObject({
    /** Deepest nesting of fields in an operation (fragments flattened, introspection exempt). */
    maxDepth: z.number().int().min(2).default(12),
    /** Aliased fields in an operation. */
    maxAliases: z.number().int().min(0).default(15),
    /** Lexical tokens in a query document: parsing stops at this many. */
    maxTokens: z.number().int().min(200).default(2000),
    /** Directives in an operation. */
    maxDirectives: z.number().int().min(0).default(20),
    /** Cost of an operation: an upstream call 100, an object 1, a scalar 0; pages and lists multiply (README). */
    maxCost: z.number().int().min(100).default(40_000),
    /** Size of an HTTP request body and of a graphql-ws message; larger ones are refused unread (413). */
    maxBodyBytes: z.number().int().min(1024).default(1024 * 1024),
    /** Size of an operation's variables as JSON. */
    maxVariablesBytes: z.number().int().min(64).default(256 * 1024),
    /** Operations open at once on one graphql-ws connection; more are refused, the connection stays. */
    maxSubscriptionsPerConnection: z.number().int().min(1).default(100),
    /** Subscriptions open at once over HTTP (SSE) per API key (per client address without keys). */
    maxSseSubscriptionsPerKey: z.number().int().min(1).default(100),
    rateLimit: z
      .strictObject({
        /** Cost each API key (each client address without keys) may spend per window; 0 turns rate limiting off. */
        costPerWindow: z.number().int().min(0).default(300_000),
        /** Length of the window; a key's whole budget comes back when its window ends. */
        windowSeconds: z.number().int().min(1).default(60),
      })
      .prefault({}),
  })
  .refine((l) => l.rateLimit.costPerWindow === 0 || l.rateLimit.costPerWindow >= l.maxCost, {
    path: ['rateLimit', 'costPerWindow'],
    message: 'must be at least maxCost (or 0 to turn rate limiting off)',
  });

/** When a device's health (Device.health, fleetHealth, deviceHealthChanged) turns WARNING or CRITICAL. */
const healthConfig = z
  .strictObject({
    /** An OFFLINE device is CRITICAL once offline this long (WARNING before); one of UNKNOWN connection is NOT_SEEN then. */
    offlineMinutes: z.number().min(0).default(5),
    /** avgraph's last read of a device older than this makes its health UNKNOWN (STALE). */
    staleMinutes: z.number().min(0).default(5),
    /** A volume this full (percent used) is STORAGE_LOW, WARNING; at storageCriticalPercent, or FULL, CRITICAL. */
    storageWarnPercent: z.number().min(0).max(100).default(85),
    storageCriticalPercent: z.number().min(0).max(100).default(95),
    /** A live stream sending slower than this share of real time is STREAM_UNDERRUN, WARNING; below the critical one, CRITICAL. */
    throughputWarnRatio: z.number().min(0).default(0.95),
    throughputCriticalRatio: z.number().min(0).default(0.5),
    /**
     * A device's upload queue that never shrank across its readings of the last uploadQueueMinutes (at least
     * uploadQueueSamples of them) and grew by uploadQueueGrowthSeconds of footage or more is UPLOAD_QUEUE_GROWING.
     */
    uploadQueueMinutes: z.number().positive().default(5),
    uploadQueueSamples: z.number().int().min(2).default(3),
    uploadQueueGrowthSeconds: z.number().min(0).default(60),
  })
  .refine((h) => h.storageWarnPercent <= h.storageCriticalPercent, { path: ['storageWarnPercent'], message: 'must not exceed storageCriticalPercent' })
  .refine((h) => h.throughputCriticalRatio <= h.throughputWarnRatio, { path: ['throughputCriticalRatio'], message: 'must not exceed throughputWarnRatio' });

/** Outbound webhooks (README "Outbound webhooks"). */
const webhooksConfig = z.strictObject({
  /** Waits before each retry (Standard Webhooks' usual schedule, about a day in all); the attempts are one more. */
  retryScheduleMs: z.array(z.number().int().min(0)).min(1).default([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]),
  /** Share of each retry wait added or removed at random. */
  jitter: z.number().min(0).max(1).default(0.2),
  /** One attempt: connecting, the reply's headers and what is read of it. */
  timeoutMs: z.number().int().min(50).default(10_000),
  /** An endpoint whose every attempt has failed for this long is disabled. */
  disableAfterMs: z.number().int().min(0).default(86_400_000),
  /** Hosts or addresses webhooks may reach even when private or loopback (e.g. "127.0.0.1"). */
  allowHosts: z.array(z.string().min(1)).default([]),
  /** Private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) allowed; loopback and link-local still need allowHosts. */
  allowPrivateNetworks: z.boolean().default(false),
  /** Largest message body; larger events are recorded DEAD, not sent. */
  maxBodyBytes: z.number().int().min(1024).default(256 * 1024),
  /** Bytes of a receiver's reply read at most. */
  maxResponseBytes: z.number().int().min(0).default(64 * 1024),
  /** Deliveries in flight at once per replica. */
  concurrency: z.number().int().min(1).max(256).default(16),
  /** Deliveries in flight at once per endpoint and replica, so a slow receiver cannot hold up the others. */
  endpointConcurrency: z.number().int().min(1).max(256).default(8),
  /** Deliveries per endpoint not yet SUCCEEDED or DEAD; beyond it new ones are recorded DEAD ("queue full"). */
  maxPending: z.number().int().min(1).default(10_000),
  /** With Redis: a delivery taken by a replica that has not settled it for this long is taken over (default 2 × timeoutMs + 2 × pollMs + 1 s). */
  claimIdleMs: z.number().int().min(100).optional(),
  /** How often the queue and due retries are looked at when nothing woke the worker. */
  pollMs: z.number().int().min(10).default(250),
  /** With Redis: how often endpoints are read again (changes made on another replica). */
  refreshMs: z.number().int().min(50).default(5_000),
  /** Settled (SUCCEEDED or DEAD) deliveries kept per endpoint for the delivery log; pending ones are never dropped. */
  logSize: z.number().int().min(10).default(1_000),
}).prefault({});

export const SCOPES = ['read', 'control', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const configSchema = z
  .strictObject({
    port: z.number().int().min(0).max(65535).default(4000),
    host: z.string().default('0.0.0.0'),
    publicUrl: httpUrl.optional(),
    apiKeys: z
      .array(z.strictObject({ name: z.string().min(1), key: z.string().min(8), scopes: z.array(z.enum(SCOPES)).min(1) }))
      .default([]),
    allowAnonymous: z.boolean().default(false),
    redisUrl: z.string().regex(/^rediss?:\/\//, { message: 'must be a redis:// URL' }).optional(),
    /** Prefix of avgraph's Redis channels and keys, so deployments can share a Redis. */
    redisPrefix: z.string().regex(/^[A-Za-z0-9_.:-]+$/).default('avgraph'),
    /** With Redis: how long a replica's polling lease lasts unless renewed; a dead leader is replaced within two. */
    leaseMs: z.number().int().min(300).default(10_000),
    /** A subscriber with more undelivered events than this is disconnected (others are unaffected). */
    maxQueuedEvents: z.number().int().min(1).default(1000),
    /** A WebSocket subscriber whose unread data exceeds this is disconnected (close 4429). */
    maxSubscriberBufferBytes: z.number().int().min(1024).default(4 * 1024 * 1024),
    /** Secret for signing /media URLs; random per process when absent (URLs then die with the process). */
    mediaSecret: z.string().min(16).optional(),
    mediaUrlTtlSeconds: z.number().int().positive().default(600),
    limits: limitsConfig.prefault({}),
    /**
     * "require": only the documents of operations/generated/persisted-documents.json run (by documentId or APQ hash),
     * anything else is refused: for production behind known clients. "allow": ad-hoc operations run too.
     */
    persistedOperations: z.enum(['allow', 'require']).default('allow'),
    /** OpenTelemetry traces (operation, resolver, upstream call); absent: off. */
    tracing: z.strictObject({ otlpUrl: httpUrl.optional() }).optional(),
    health: healthConfig.prefault({}),
    /** Tracked commands (README "Tracked commands"). */
    commands: z
      .strictObject({
        /** How long a command of each type may stay PENDING before it is TIMED_OUT; defaults per type in src/commands/record.ts. */
        deadlineMs: z.partialRecord(z.enum(COMMAND_TYPES), z.number().int().min(10)).default({}),
        /** How often the device of a pending command is read again. */
        checkIntervalMs: z.number().int().min(10).default(2_000),
        /** Devices of one per-device source (Magewell) read again at once for pending commands; others take one fleet read. */
        readConcurrency: z.number().int().min(1).max(64).default(4),
        /** Commands kept for the commands query: at most this many (besides those still watched), finished ones for retentionMs. */
        maxRecords: z.number().int().min(1).default(1_000),
        retentionMs: z.number().int().min(1_000).default(3_600_000),
      })
      .prefault({}),
    /** runFleetCommand: devices of one source commanded at once (sources run in parallel), and devices per command. */
    fleetCommands: z
      .strictObject({
        concurrencyPerSource: z.number().int().min(1).max(64).default(4),
        maxDevices: z.number().int().min(1).default(1000),
      })
      .prefault({}),
    webhooks: webhooksConfig,
    sources: z.array(sourceConfig).default([]),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      seen.add(s.id);
    });
  });

export type AvgraphConfig = z.output<typeof configSchema>;
export type SourceConfig = AvgraphConfig['sources'][number];
export type EpiphanSourceConfig = z.output<typeof epiphanSource>;
export type MagewellSourceConfig = z.output<typeof magewellSource>;
export type VideoloftSourceConfig = z.output<typeof videoloftSource>;
export type EvercamSourceConfig = z.output<typeof evercamSource>;

function keyPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

/** Replaces ${NAME} in every string from `env`; an unset variable is a ConfigError naming the key. */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined || v === '') throw new ConfigError(`config: ${keyPath(path)}: environment variable ${name} is not set`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateEnv(v, env, [...path, k])]));
  }
  return value;
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = process.env): AvgraphConfig {
  const result = configSchema.safeParse(interpolateEnv(raw, env));
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = keyPath(issue.path) || '(root)';
    throw new ConfigError(`config: ${where}: ${issue.message}`);
  }
  const cfg = result.data;
  if (env.PORT) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`config: PORT: "${env.PORT}" is not a port number`);
    cfg.port = port;
  }
  return cfg;
}

export function loadConfigFile(path: string, env: NodeJS.ProcessEnv = process.env): AvgraphConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`config: cannot read ${path}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`config: ${path} is not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(raw, env);
}

/** Every configured secret, so logs and responses can be checked and scrubbed. */
export function configSecrets(cfg: AvgraphConfig): string[] {
  const out: string[] = [];
  for (const s of cfg.sources) {
    if ('token' in s) out.push(s.token);
    if ('password' in s && s.password) out.push(s.password);
    if ('apiKey' in s && s.apiKey) out.push(s.apiKey);
    if ('devices' in s) for (const d of s.devices) out.push(d.password);
  }
  for (const k of cfg.apiKeys) out.push(k.key);
  if (cfg.mediaSecret) out.push(cfg.mediaSecret);
  return out.filter((s) => s.length >= 4);
}
