import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Access } from '../../src/auth.js';
import { createContext } from '../../src/context.js';
import { encodeGlobalId, childId } from '../../src/ids.js';
import { clientOf, operationCost } from '../../src/limits/operation.js';
import { createCostLimiter } from '../../src/limits/rate-limit.js';
import { RedisLink } from '../../src/subscriptions/redis-link.js';
import { createLogger } from '../../src/log.js';
import { schema } from '../../src/schema/index.js';
import { EXAMPLE_OPERATION } from '../../src/yoga.js';
import { KEYS, Stack, eventually } from '../helpers/stack.js';

/** `devices → source → devices`, `levels` deep: with default pages, 100^levels devices. */
function nestingBomb(levels: number): string {
  let inner = 'id name';
  for (let i = 1; i < levels; i++) inner = `source { devices { edges { node { ${inner} } } } }`;
  return `{ devices { edges { node { ${inner} } } } }`;
}

/** Every request the simulators behind a stack have received. */
function upstreamCalls(stack: Stack): number {
  const sims = [stack.cloud.server, stack.studio.server, ...(stack.evercam ? [stack.evercam.server] : [])];
  return sims.flatMap((s) => Object.values(s.requestCounts())).reduce((a, b) => a + b, 0);
}

function resetCalls(stack: Stack): void {
  for (const s of [stack.cloud.server, stack.studio.server, stack.evercam?.server]) s?.resetCounts();
}

/** A request that must be refused: the answer, how long it took, and the upstream calls it caused. */
async function refused(stack: Stack, query: string, variables: Record<string, unknown> = {}) {
  resetCalls(stack);
  const t0 = performance.now();
  const r = await stack.gql(query, variables);
  return { r, ms: performance.now() - t0, calls: upstreamCalls(stack) };
}

/** POSTs a body of `size` bytes, sending only `send` of them; resolves with the status as soon as one comes. */
function postLarge(url: string, size: number, send: number, chunked = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.admin}`, ...(chunked ? {} : { 'content-length': String(size) }) },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
      req.destroy();
    });
    req.on('error', reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < send && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.write('{"query":"{ sources { name } }","variables":{"x":"');
    pump();
  });
}

describe('query limits at their defaults', () => {
  const stack = new Stack({ evercam: true });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('runs the dashboard query, far under every limit', async () => {
    const r = await stack.gql(EXAMPLE_OPERATION);
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.edges.length).toBeGreaterThan(0);
    const ctx = createContext(stack.app.runtime, { name: 'ops', scopes: new Set(['read']) });
    const cost = operationCost(schema, parse(EXAMPLE_OPERATION), null, {}, ctx);
    expect(cost).toBeLessThan(stack.config.limits.maxCost / 4);
  });

  it('refuses the 7-level devices → source → devices bomb at once, with no upstream call', async () => {
    const q = nestingBomb(7);
    expect(q.length).toBeLessThan(500);
    const { r, ms, calls } = await refused(stack, q);
    expect(r.data).toBeUndefined();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth', max: 12 });
    expect(calls).toBe(0);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses depth 50', async () => {
    let q = 'source { health { state } }';
    for (let i = 0; i < 11; i++) q = `source { devices(first: 1) { edges { node { ${q} } } } }`;
    const { r, calls } = await refused(stack, `{ devices(first: 1) { edges { node { ${q} } } } }`);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDepth' });
    expect(r.errors![0]!.message).toBe('Query depth limit of 12 exceeded, found 50.');
    expect(calls).toBe(0);
  });

  it('refuses 1,000 aliases (at parse: too many tokens), and 16 aliases (the alias limit)', async () => {
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: sources { name }`).join(' ')} }`;
    const many = await refused(stack, aliases(1000));
    expect(many.r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxTokens' });
    const some = await refused(stack, aliases(16));
    expect(some.r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxAliases', max: 15 });
    expect(many.calls + some.calls).toBe(0);
    expect((await stack.gql(aliases(15))).errors).toBeUndefined();
  });

  it('refuses 10,000 fields while parsing, and too many directives', async () => {
    const { r, ms } = await refused(stack, `{ sources { ${'name '.repeat(10_000)} } }`);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxTokens', max: 2000 });
    expect(ms).toBeLessThan(1000);
    const directives = await refused(stack, `{ sources { name ${'@include(if: true) '.repeat(21)} } }`);
    expect(directives.r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxDirectives' });
  });

  it('refuses 10 MB of variables by the body limit (413), and 300 kB of variables by the variables limit', async () => {
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.admin}` },
      body: JSON.stringify({ query: 'query($x: String) { sources { name } }', variables: { x: 'x'.repeat(10 * 1024 * 1024) } }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const { r, calls } = await refused(stack, 'query($x: String) { devices(filter: { search: $x }) { totalCount } }', { x: 'x'.repeat(300 * 1024) });
    expect(r.status).toBe(413);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxVariablesBytes' });
    expect(calls).toBe(0);
  });

  it('answers 20 concurrent 10 MB bodies with 413 before reading them', async () => {
    const t0 = performance.now();
    // 64 kB of each is sent: the server answers on the declared length, without waiting for the rest
    const declared = await Promise.all(Array.from({ length: 20 }, () => postLarge(stack.url, 10 * 1024 * 1024, 64 * 1024)));
    expect(declared).toEqual(Array(20).fill(413));
    // without a length, reading stops once past the limit
    const streamed = await Promise.all(Array.from({ length: 20 }, () => postLarge(stack.url, 10 * 1024 * 1024, 10 * 1024 * 1024, true)));
    expect(streamed).toEqual(Array(20).fill(413));
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('accepts 100 operations on one graphql-ws connection, refuses the other 4,900, and keeps the connection', async () => {
    const client = stack.wsClient(KEYS.reader);
    const outcomes = { refused: 0 };
    const stops: (() => void)[] = [];
    const seen: Promise<void>[] = [];
    for (let i = 0; i < 5000; i++) {
      seen.push(
        new Promise<void>((resolve) => {
          let settled = false;
          const settle = () => (settled ? undefined : ((settled = true), resolve()));
          stops.push(
            client.subscribe(
              { query: `subscription { deviceChanged(filter:{ search:"room ${i}" }) { device { id } } }` },
              {
                next: () => undefined,
                error: (e) => {
                  const err = (e as { extensions?: Record<string, unknown> }[])[0];
                  if (err?.extensions?.code === 'LIMIT_EXCEEDED' && err.extensions.limit === 'maxSubscriptionsPerConnection') outcomes.refused += 1;
                  settle();
                },
                complete: settle,
              },
            ),
          );
        }),
      );
    }
    await eventually(() => outcomes.refused === 4900, 10_000, '4,900 refusals');
    stops.forEach((s) => s());
    await Promise.all(seen);
    const after = await new Promise<any>((resolve, reject) =>
      client.subscribe({ query: '{ sources { name } }' }, { next: resolve, error: reject, complete: () => undefined }),
    );
    expect(after.data.sources.length).toBe(3);
    // a token-limit (parse) error answers its operation and the connection carries on
    const parseError = await new Promise<unknown>((resolve) =>
      client.subscribe({ query: `{ sources { ${'name '.repeat(3000)} } }` }, { next: resolve, error: resolve, complete: () => undefined }),
    );
    expect(JSON.stringify(parseError)).toMatch(/maxTokens/);
    const still = await new Promise<any>((resolve, reject) =>
      client.subscribe({ query: '{ sources { name } }' }, { next: resolve, error: reject, complete: () => undefined }),
    );
    expect(still.data.sources.length).toBe(3);
  }, 20_000);
});

describe('the cost limit on its own (shape limits opened wide)', () => {
  const stack = new Stack({ evercam: true, limits: { maxDepth: 200, maxAliases: 5000, maxTokens: 200_000 } });
  let cams: { id: string; vendorDeviceId: string }[];
  beforeAll(async () => {
    await stack.start();
    cams = await stack.deviceIds('sites');
  });
  afterAll(() => stack.close());

  it('refuses the 7-level bomb by its cost, within milliseconds and with no upstream call', async () => {
    const { r, ms, calls } = await refused(stack, nestingBomb(7));
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost', max: 40_000 });
    expect(r.errors![0]!.extensions!.cost).toBeGreaterThan(1e12);
    expect(calls).toBe(0);
    expect(ms).toBeLessThan(1000);
    // one device per level is cheap, and runs
    expect((await stack.gql(nestingBomb(7).replaceAll('devices {', 'devices(first: 1) {'))).errors).toBeUndefined();
  });

  it('refuses 300 aliases of device { shares } by cost with no upstream call; 10 run, one share call each', async () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `d${i}: device(id: "${cams[i % cams.length]!.id}") { shares { grantee } }`).join(' ')} }`;
    const { r, calls } = await refused(stack, aliased(300));
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost' });
    expect(calls).toBe(0);
    resetCalls(stack);
    expect((await stack.gql(aliased(10))).errors).toBeUndefined();
    expect(stack.evercam!.server.requestCounts()['GET /v1/cameras/:id/shares.json']).toBe(10);
  });

  it('refuses nodes with 500 ids by cost with no upstream call; 3 ids run', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => encodeGlobalId('Share', 'sites', childId(cams[0]!.vendorDeviceId, `s${i}`)));
    const q = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const { r, calls } = await refused(stack, q, { ids: ids(500) });
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'maxCost' });
    expect(calls).toBe(0);
    resetCalls(stack);
    expect((await stack.gql(q, { ids: ids(3) })).data.nodes).toEqual([null, null, null]);
    expect(upstreamCalls(stack)).toBeGreaterThanOrEqual(3);
  });

  it('refuses a page over the bound before any upstream call', async () => {
    const { r, calls } = await refused(stack, '{ devices(first: 100000) { edges { node { id } } } }');
    expect(r.errors![0]).toMatchObject({ message: 'first must be between 0 and 500', extensions: { code: 'BAD_USER_INPUT' } });
    expect(calls).toBe(0);
  });
});

describe('rate limits by cost, per API key', () => {
  // `devices(first: 10) { … id }` costs 100 + 10: nine fit in a window of 1,000
  const stack = new Stack({ fleetSize: 4, limits: { maxCost: 1000, maxSseSubscriptionsPerKey: 2, rateLimit: { costPerWindow: 1000, windowSeconds: 2 } } });
  const Q = '{ devices(first: 10) { edges { node { id } } } }';
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  const post = (key: string, query = Q) =>
    fetch(`${stack.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });

  it('answers 429 with Retry-After once a key spent its budget, sends nothing upstream, and leaves other keys alone', async () => {
    let res: Response | null = null;
    for (let i = 0; i < 30; i++) {
      resetCalls(stack);
      res = await post(KEYS.admin);
      if (res.status === 429) break;
    }
    expect(res!.status).toBe(429);
    expect(upstreamCalls(stack)).toBe(0);
    const retry = Number(res!.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(2);
    const body = (await res!.json()) as any;
    expect(body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: retry });
    expect((await post(KEYS.reader)).status).toBe(200);
  });

  it('refuses over graphql-ws with an error result, keeps the connection, and serves again once the budget refills', async () => {
    const client = stack.wsClient(KEYS.control);
    const run = () =>
      new Promise<any>((resolve, reject) => client.subscribe({ query: Q }, { next: resolve, error: reject, complete: () => undefined }));
    let last: any;
    for (let i = 0; i < 30; i++) {
      last = await run();
      if (last.errors) break;
    }
    expect(last.errors[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) } });
    const back = await eventually(async () => ((await run()).errors ? null : true), 3500, 'the budget to refill');
    expect(back).toBe(true);
  });

  it('caps SSE subscriptions per key and frees a place when one ends', async () => {
    const open = () => {
      const ac = new AbortController();
      const res = fetch(`${stack.url}/graphql`, {
        method: 'POST',
        signal: ac.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEYS.reader}` },
        body: JSON.stringify({ query: 'subscription { sourceHealthChanged { name } }' }),
      });
      return { ac, res };
    };
    const firstText = async (r: Response) => {
      const { value } = await r.body!.getReader().read();
      return new TextDecoder().decode(value);
    };
    const a = open();
    const b = open();
    expect((await a.res).status).toBe(200);
    expect((await b.res).status).toBe(200);
    const c = open();
    const third = await firstText(await c.res);
    expect(third).toMatch(/"limit":"maxSseSubscriptionsPerKey"/);
    a.ac.abort();
    const d = await eventually(async () => {
      const s = open();
      const text = await Promise.race([firstText(await s.res), new Promise<string>((r) => setTimeout(() => r(''), 300))]);
      if (text.includes('maxSseSubscriptionsPerKey')) return null;
      return s;
    }, 3000, 'a free place');
    b.ac.abort();
    d.ac.abort();
  });

  it('keys by client address without API keys (open or demo mode)', () => {
    const caller = { name: 'anonymous', scopes: new Set<'read'>(['read']) };
    expect(clientOf(new Access([], true), caller, '10.1.2.3', true).key).toBe('addr:10.1.2.3');
    expect(clientOf(new Access([{ name: 'wall', key: 'k'.repeat(16), scopes: ['read'] }], false), { ...caller, name: 'wall' }, '10.1.2.3', true).key).toBe('key:wall');
  });
});

describe('the cost limiter with Redis', () => {
  const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const lines: string[] = [];
  const log = createLogger({ secrets: () => [], level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  const prefix = `avgraph-limits-${process.pid}-${Date.now()}`;
  const rateLimit = { costPerWindow: 1000, windowSeconds: 60 };
  /** A replica's Redis connection, as the runtime makes it. */
  const linkTo = (url: string) => new RedisLink(url, `${prefix}:*`, log);

  it('shares one budget between replicas', async () => {
    const probe = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await probe.ping();
    const links = [linkTo(REDIS_URL), linkTo(REDIS_URL)];
    const a = createCostLimiter({ rateLimit, redis: links[0]!.commands, redisPrefix: prefix });
    const b = createCostLimiter({ rateLimit, redis: links[1]!.commands, redisPrefix: prefix });
    // both connected: a take lands in Redis (until then the per-replica budget answers)
    const connected = (l: typeof a, name: string) =>
      eventually(async () => (await l.take(name, 1), (await probe.exists(`${prefix}:cost:${name}`)) === 1), 3000, `${name} on Redis`);
    try {
      await Promise.all([connected(a, 'probe-a'), connected(b, 'probe-b')]);
      expect(await b.take('key:x', 600)).toBeNull();
      expect(await a.take('key:x', 600)).toBeGreaterThanOrEqual(1);
      expect(await a.take('key:y', 600)).toBeNull();
    } finally {
      await Promise.all(links.map((l) => l.close()));
      const keys = await probe.keys(`${prefix}*`);
      if (keys.length) await probe.del(...keys);
      await probe.quit();
    }
  });

  it('falls back to a per-replica budget while Redis is unreachable, without throwing', async () => {
    const link = linkTo('redis://127.0.0.1:1');
    const limiter = createCostLimiter({ rateLimit, redis: link.commands, redisPrefix: prefix });
    try {
      await eventually(() => link.down, 3000, 'the link to see Redis down');
      expect(await limiter.take('key:x', 600)).toBeNull();
      expect(await limiter.take('key:x', 600)).toBeGreaterThanOrEqual(1);
      expect(lines.some((l) => l.includes('redis unreachable'))).toBe(true);
    } finally {
      await link.close();
    }
  });
});
