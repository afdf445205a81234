import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createHash } from 'node:crypto';
import { parseConfig, type AvgraphConfig, type EpiphanSourceConfig } from '../../src/config.js';
import { EvercamSource } from '../../src/sources/evercam/client.js';
import { EvercamSimulator } from '../../src/sources/evercam/simulator.js';
import { MagewellSource } from '../../src/sources/magewell/client.js';
import { MagewellSimulator } from '../../src/sources/magewell/simulator.js';
import { VideoloftSource, type VideoloftTiming } from '../../src/sources/videoloft/client.js';
import { VideoloftSimulator, type VideoloftSimOptions } from '../../src/sources/videoloft/simulator.js';
import { createLogger } from '../../src/log.js';
import { learnedSecrets } from '../../src/secrets.js';
import { EpiphanSource } from '../../src/sources/epiphan/client.js';
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';
import { start, type Running } from '../../src/start.js';

export const CLOUD_TOKEN = 'cloud-token-7f3a9c1e5b2d4068';
export const STUDIO_TOKEN = 'studio-token-e4c1b8a2d9f07356';
export const MEDIA_SECRET = 'media-secret-0123456789abcdef';
export const MW_PASSWORD = 'mw-password-4c7e1a9d';
export const VL_PASSWORD = 'vl-password-9e3b5f71';
export const EV_KEY = 'ev-api-key-2b7d4e90c1';
export const KEYS = {
  admin: 'key-admin-5d8e2f1a9b3c7064',
  control: 'key-control-8a1f6c3e2b9d0457',
  reader: 'key-reader-3c9b7e1d5a2f8046',
  /** control without read */
  actuator: 'key-actuator-6e2d9c4b1a8f7035',
};

export interface StackOptions {
  fleetSize?: number;
  timeScale?: number;
  timeoutMs?: number;
  pollIntervalMs?: number;
  /** Leave API keys out: open access (as in demo mode). */
  open?: boolean;
  /** Add a Magewell source ("encoders") with this many simulated encoders. */
  magewell?: number;
  /** Add a Videoloft source ("cams") with this many cameras per owner (two owners). */
  videoloft?: number;
  videoloftSim?: Partial<VideoloftSimOptions>;
  videoloftTiming?: Partial<VideoloftTiming>;
  /** Add an Evercam source ("sites"). */
  evercam?: boolean;
  /** The config's `limits` block (defaults otherwise). */
  limits?: Record<string, unknown>;
  /** Freshness bound of every source (default 0: every query reads upstream, concurrent ones sharing a read). */
  maxAgeMs?: number;
  /** More top-level config keys (bounds, Redis), merged over the defaults. */
  config?: Record<string, unknown>;
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

/**
 * avgraph on port 0 with an Epiphan Cloud and an AV Studio simulator behind it, all over real HTTP. Every
 * response body and log line is kept, and close() fails the suite if any carries a configured secret.
 */
export class Stack {
  readonly logLines: string[] = [];
  readonly bodies: string[] = [];
  cloud!: EpiphanSimulator;
  studio!: EpiphanSimulator;
  magewell: MagewellSimulator | null = null;
  videoloft: VideoloftSimulator | null = null;
  evercam: EvercamSimulator | null = null;
  app!: Running;
  config!: AvgraphConfig;
  private readonly clients: Client[] = [];
  videoloftSource: VideoloftSource | null = null;
  /** Secrets a test introduces (e.g. a camera password it sets), checked with the rest at close. */
  readonly extraSecrets: string[] = [];
  /** Every Videoloft token issued during the run: they are secrets too. */
  private readonly videoloftTokens: string[] = [];

  constructor(private readonly opts: StackOptions = {}) {}

  get url(): string {
    return this.app.url;
  }

  get secrets(): string[] {
    const cameraPasswords = [...(this.evercam?.cameras.values() ?? [])].flatMap((c) => (c.cam_password ? [c.cam_password] : []));
    return [CLOUD_TOKEN, STUDIO_TOKEN, MEDIA_SECRET, MW_PASSWORD, VL_PASSWORD, EV_KEY, ...cameraPasswords, ...this.extraSecrets, ...this.videoloftTokens, createHash('md5').update(MW_PASSWORD).digest('hex'), ...Object.values(KEYS)];
  }

  async start(): Promise<this> {
    const fleetSize = this.opts.fleetSize ?? 8;
    const timeScale = this.opts.timeScale ?? 1;
    this.cloud = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: CLOUD_TOKEN, fleetSize, timeScale });
    this.studio = new EpiphanSimulator({ flavor: 'AV_STUDIO', token: STUDIO_TOKEN, fleetSize, timeScale });
    const [cloudUrl, studioUrl] = await Promise.all([this.cloud.listen(0), this.studio.listen(0)]);
    // Tests read what they just changed at a simulator: no freshness window unless a test asks for one.
    const tuning = { timeoutMs: this.opts.timeoutMs ?? 2_000, pollIntervalMs: this.opts.pollIntervalMs ?? 500, maxAgeMs: this.opts.maxAgeMs ?? 0 };
    const extra = [];
    if (this.opts.magewell) {
      this.magewell = new MagewellSimulator({ encoders: this.opts.magewell, password: MW_PASSWORD, timeScale });
      const urls = await this.magewell.listen();
      const devices = urls.map((baseUrl) => ({ baseUrl, downloadUrl: baseUrl, username: 'Admin', password: MW_PASSWORD }));
      extra.push({ id: 'encoders', vendor: 'MAGEWELL', devices, ...tuning });
    }
    if (this.opts.videoloft) {
      this.videoloft = new VideoloftSimulator({
        email: 'ops@example.com',
        password: VL_PASSWORD,
        camerasPerOwner: this.opts.videoloft,
        timeScale,
        motionEverySeconds: 0,
        ...this.opts.videoloftSim,
      });
      const authUrl = await this.videoloft.listen();
      extra.push({ id: 'cams', vendor: 'VIDEOLOFT', authUrl, email: 'ops@example.com', password: VL_PASSWORD, ...tuning });
    }
    if (this.opts.evercam) {
      this.evercam = new EvercamSimulator({ username: 'ops', password: 'ev-basic-pass-5511', apiId: 'ops', apiKey: EV_KEY, timeScale });
      const url = await this.evercam.listen();
      extra.push({ id: 'sites', vendor: 'EVERCAM', baseUrl: `${url}/v1`, apiId: 'ops', apiKey: EV_KEY, ...tuning });
    }
    this.config = parseConfig(
      {
        port: 0,
        mediaSecret: MEDIA_SECRET,
        apiKeys: this.opts.open
          ? []
          : [
              { name: 'ops', key: KEYS.admin, scopes: ['read', 'control', 'admin'] },
              { name: 'wall', key: KEYS.control, scopes: ['read', 'control'] },
              { name: 'tv', key: KEYS.reader, scopes: ['read'] },
              { name: 'relay', key: KEYS.actuator, scopes: ['control'] },
            ],
        allowAnonymous: this.opts.open ?? false,
        limits: this.opts.limits,
        ...this.opts.config,
        sources: [
          { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: cloudUrl, token: CLOUD_TOKEN, ...tuning },
          { id: 'studio', vendor: 'AV_STUDIO', baseUrl: studioUrl, token: STUDIO_TOKEN, ...tuning },
          ...extra,
        ],
      },
      {},
    );
    const lines = this.logLines;
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const secrets = this.secrets;
    const http = { retryBaseMs: 5, breakerCooldownMs: 400 };
    this.app = await start({
      config: this.config,
      host: '127.0.0.1',
      port: 0,
      log: createLogger({ secrets: () => [...secrets, ...learnedSecrets()], level: 'debug', destination }),
      pollers: { kickDelayMs: 20, jitter: 0 },
      sources: this.config.sources.map((c) => {
        if (c.vendor === 'MAGEWELL') return new MagewellSource({ config: c, http, updateCheck: { timeoutMs: 3000, stepMs: 20 } });
        if (c.vendor === 'VIDEOLOFT') {
          const source = new VideoloftSource({ config: c, http, timing: { captureStepMs: 20, captureTimeoutMs: 2000, ...this.opts.videoloftTiming } });
          this.videoloftSource = source;
          return source;
        }
        if (c.vendor === 'EVERCAM') return new EvercamSource({ config: c, http });
        return new EpiphanSource({ config: c as EpiphanSourceConfig, http });
      }),
    });
    return this;
  }

  /** A GraphQL request over HTTP; `key` null sends none. */
  async gql<T = any>(query: string, variables: Record<string, unknown> = {}, key: string | null = KEYS.admin): Promise<GqlResult<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    this.bodies.push(text);
    return { status: res.status, ...(JSON.parse(text) as object) };
  }

  /** A raw GET whose body is kept for the secret check. */
  async get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
    const res = await fetch(path.startsWith('http') ? path : `${this.url}${path}`, { headers });
    const body = Buffer.from(await res.arrayBuffer());
    this.bodies.push(body.toString('latin1'));
    return { status: res.status, body, headers: res.headers };
  }

  wsClient(key: string | null = KEYS.admin): Client {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: key ? { Authorization: `Bearer ${key}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    this.clients.push(client);
    return client;
  }

  /** Ids of the devices of one source, as GraphQL ids. */
  async deviceIds(sourceId: string): Promise<{ id: string; name: string; vendorDeviceId: string; connection: string }[]> {
    const r = await this.gql(
      `query($s:[ID!]){ devices(filter:{sourceIds:$s}, first: 500) { edges { node { id name vendorDeviceId connection } } } }`,
      { s: [sourceId] },
    );
    return r.data.devices.edges.map((e: any) => e.node);
  }

  /** Every response body and log line so far, checked for configured secrets. */
  assertNoSecrets(): void {
    const leaks: string[] = [];
    for (const text of [...this.bodies, ...this.logLines]) {
      for (const s of this.secrets) if (text.includes(s)) leaks.push(`${s.slice(0, 6)}… in ${text.slice(0, 120)}`);
    }
    if (leaks.length) throw new Error(`secrets leaked:\n${leaks.join('\n')}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.dispose()));
    await this.app?.close();
    await Promise.all([this.cloud?.close(), this.studio?.close(), this.magewell?.close(), this.videoloft?.close(), this.evercam?.close()]);
    if (this.videoloft) this.videoloftTokens.push(...this.videoloft.issuedTokens);
    this.assertNoSecrets();
  }
}

/** Waits for a condition, polling quickly; fails with `what` after `ms`. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 3000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Counts of simulator requests by route. */
export function simCounts(sim: EpiphanSimulator): Record<string, number> {
  return sim.server.requestCounts();
}

/** POST <url>/__sim/<name>: the control API of the simulator at `url` (see simUrl). */
export function simPost(url: string, name: string, body: unknown = {}): Promise<Response> {
  return fetch(`${url}/__sim/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** The base URL of the simulator behind one of the stack's sources. */
export function simUrl(stack: Stack, sourceId: string): string {
  return (stack.config.sources.find((s) => s.id === sourceId) as { baseUrl: string }).baseUrl;
}

/**
 * Collects a graphql-ws subscription's events: `done` resolves when it completes or fails (errors in `errors`);
 * `stop` unsubscribes and waits briefly for the end.
 */
export function collect(stack: Stack, query: string, variables: Record<string, unknown> = {}, key: string | null = KEYS.reader) {
  const events: any[] = [];
  const errors: unknown[] = [];
  let completed = false;
  let unsubscribe = () => {};
  const done = new Promise<void>((resolve) => {
    unsubscribe = stack.wsClient(key).subscribe(
      { query, variables },
      { next: (v) => void events.push(v), error: (e) => (errors.push(e), resolve()), complete: () => ((completed = true), resolve()) },
    );
  });
  const stop = async () => {
    unsubscribe();
    await Promise.race([done, new Promise((r) => setTimeout(r, 200))]);
  };
  return { events, errors, done, isComplete: () => completed, stop };
}
