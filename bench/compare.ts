/**
 * avgraph against the aggregator a user would write by hand (bench/helpers/handwritten.ts), in one run on the
 * same simulated vendors: 100 Epiphan Cloud + 100 AV Studio devices + 50 Videoloft cameras on 2 loggers (and 20
 * Magewell encoders for device(id)), every upstream call delayed. Each server and each simulator runs in a
 * process of its own; CPU per request is the server process's own (process.cpuUsage over IPC); upstream calls
 * are counted at the simulators. Prints the figures next to issue 10's goals.
 *
 * Run: npm run bench:compare
 * Env: BENCH_DURATION_S (10) per load run, BENCH_ROUNDS (3) of load runs, BENCH_CONNECTIONS ("10,50"),
 *      BENCH_LATENCY_MS (20) per upstream call, BENCH_POLL_S (20; the issue's scenario is 60) per polling run,
 *      BENCH_WINDOW_MS (the store's vendor defaults), BENCH_NODE_ENV (production) for avgraph,
 *      REDIS_URL (redis://127.0.0.1:6379).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { parseConfig } from '../src/config.js';
import type { HandwrittenConfig } from './helpers/handwritten.js';
import { BenchChild } from './helpers/ipc.js';
import type { SimInfo, SimSpec, SimStats } from './helpers/sim-process.js';

const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const DURATION_S = num('BENCH_DURATION_S', 10);
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,50').split(',').map(Number);
const LATENCY_MS = num('BENCH_LATENCY_MS', 20);
const POLL_S = num('BENCH_POLL_S', 20);
const ROUNDS = num('BENCH_ROUNDS', 3);
const NODE_ENV = process.env.BENCH_NODE_ENV ?? 'production';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DEVICES = 250;
const ENCODERS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmp = mkdtempSync(join(tmpdir(), 'avgraph-compare-'));
const children: BenchChild<unknown>[] = [];
function child<I>(script: string, args: string[], env: NodeJS.ProcessEnv = {}): BenchChild<I> {
  const c = new BenchChild<I>(script, args, env);
  children.push(c as BenchChild<unknown>);
  return c;
}

// ---- simulators ---------------------------------------------------------------------------------------------

const SECRET = { cloud: 'bench-cloud-token-5e1f', studio: 'bench-studio-token-9a3c', cams: 'bench-vl-password-77d1', encoders: 'bench-mw-password-2b8e' };
interface Sim {
  name: string;
  child: BenchChild<SimInfo>;
  urls: string[];
}
async function startSim(name: string, spec: SimSpec): Promise<Sim> {
  const c = child<SimInfo>('./sim-process.ts', [JSON.stringify(spec)]);
  const { urls } = await c.ready;
  await c.call('faults', { latencyMs: LATENCY_MS });
  return { name, child: c, urls };
}
const [cloud, studio, cams, encoders] = await Promise.all([
  startSim('cloud', { kind: 'epiphan', flavor: 'EPIPHAN_CLOUD', token: SECRET.cloud, fleetSize: 98 }),
  startSim('studio', { kind: 'epiphan', flavor: 'AV_STUDIO', token: SECRET.studio, fleetSize: 98 }),
  startSim('cams', { kind: 'videoloft', email: 'ops@example.com', password: SECRET.cams, camerasPerOwner: 25, loggers: 2 }),
  startSim('encoders', { kind: 'magewell', password: SECRET.encoders, encoders: ENCODERS }),
]);
const dashboardSims = [cloud, studio, cams];

async function counts(sims: Sim[]): Promise<Record<string, SimStats>> {
  return Object.fromEntries(await Promise.all(sims.map(async (s) => [s.name, await s.child.call<SimStats>('stats')] as const)));
}
const total = (c: Record<string, SimStats>) => Object.values(c).reduce((a, s) => a + s.total, 0);
const routesOf = (c: Record<string, SimStats>) =>
  Object.entries(c)
    .map(([k, v]) => `${k} ${Object.entries(v.byRoute).map(([r, n]) => `${r.replace(/^GET /, '')}×${n}`).join(' ') || '-'}`)
    .join('; ');

/**
 * Counters to zero once the calls of the last scenario are over: a server goes on with the requests a load
 * generator abandoned at its end (at most 3 s).
 */
async function resetCounts(sims: Sim[]): Promise<void> {
  let last = -1;
  for (const until = Date.now() + 3000; Date.now() < until; await sleep(300)) {
    const n = total(await counts(sims));
    if (n === last) break;
    last = n;
  }
  await Promise.all(sims.map((s) => s.child.call('reset')));
}

// ---- servers ------------------------------------------------------------------------------------------------

const DASHBOARD = `query Dashboard { devices(first: 500) { totalCount edges { node {
  id name vendor connection isRecording lastSeenAt latestSnapshot { url takenAt } } } } }`;

interface Target {
  label: string;
  kind: 'gql' | 'hand';
  url: string;
  child: BenchChild<{ url: string }>;
}

const sources = {
  cloud: { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: cloud.urls[0]!, token: SECRET.cloud },
  studio: { id: 'studio', vendor: 'AV_STUDIO', baseUrl: studio.urls[0]!, token: SECRET.studio },
  cams: { id: 'cams', vendor: 'VIDEOLOFT', authUrl: cams.urls[0]!, email: 'ops@example.com', password: SECRET.cams },
  encoders: {
    id: 'encoders',
    vendor: 'MAGEWELL',
    devices: encoders.urls.map((u) => ({ baseUrl: u, downloadUrl: u, username: 'Admin', password: SECRET.encoders })),
  },
};

/** Whether this avgraph's config takes a per-source maxAgeMs (issue 10's store); the bench runs either way. */
let maxAgeSupported = true;
/** Each source's default freshness window (the store's vendor defaults; the poll interval on code without them). */
const vendorDefaults = await import('../src/store/device-store.js').then((m) => m.DEFAULT_MAX_AGE_MS as Record<string, number>).catch(() => null);
const windowMs: Record<string, number> = Object.fromEntries(
  (['cloud', 'studio', 'cams'] as const).map((k) => [k, Number(process.env.BENCH_WINDOW_MS ?? vendorDefaults?.[sources[k].vendor] ?? 2000)]),
);

function writeAvgraphConfig(name: string, opts: { freshness: 'zero' | 'default'; magewell?: boolean; redisPrefix?: string }): string {
  const list = opts.magewell ? [sources.encoders] : [sources.cloud, sources.studio, sources.cams];
  const base = {
    port: 0,
    host: '127.0.0.1',
    allowAnonymous: true,
    // the load is one client: rate limiting would measure the limiter
    limits: { rateLimit: { costPerWindow: 0 } },
    ...(opts.redisPrefix ? { redisUrl: REDIS_URL, redisPrefix: opts.redisPrefix } : {}),
  };
  let raw: object = { ...base, sources: list };
  if (opts.freshness === 'zero') {
    const zero = { ...base, sources: list.map((s) => ({ ...s, maxAgeMs: 0 })) };
    try {
      parseConfig(zero, {});
      raw = zero;
    } catch {
      maxAgeSupported = false;
    }
  }
  const path = join(tmp, `${name}.json`);
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

async function startAvgraph(label: string, configPath: string): Promise<Target> {
  const c = child<{ url: string }>('./avgraph-process.ts', [configPath], { NODE_ENV, LOG_LEVEL: 'warn', PORT: '' });
  const { url } = await c.ready;
  return { label, kind: 'gql', url, child: c };
}

async function startHandwritten(): Promise<Target> {
  const config: HandwrittenConfig = {
    epiphan: [sources.cloud, sources.studio].map((s) => ({ id: s.id, vendor: s.vendor, baseUrl: s.baseUrl, token: s.token })),
    videoloft: { id: 'cams', authUrl: sources.cams.authUrl, email: sources.cams.email, password: sources.cams.password },
  };
  const c = child<{ url: string }>('./handwritten.ts', [JSON.stringify(config)], { NODE_ENV: 'production' });
  const { url } = await c.ready;
  return { label: 'hand-written', kind: 'hand', url, child: c };
}

function requestOf(t: Target, query = DASHBOARD): { url: string; method: string; headers: Record<string, string>; body?: string } {
  return t.kind === 'gql'
    ? { url: `${t.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }
    : { url: `${t.url}/dashboard`, method: 'GET', headers: {} };
}

/** A body is good when it holds data and no error (partial results append errors at the end). */
function goodBody(t: Target): (body: string) => boolean {
  return t.kind === 'gql'
    ? (b) => b.startsWith('{"data"') && !b.includes('"errors"', Math.max(0, b.length - 8192))
    : (b) => b.startsWith('{"devices"');
}

/** One request; the number of devices answered. */
async function ask(t: Target, query = DASHBOARD, variables?: Record<string, unknown>): Promise<number> {
  const r = requestOf(t, query);
  const res = await fetch(r.url, { method: r.method, headers: r.headers, body: variables ? JSON.stringify({ query, variables }) : r.body });
  const text = await res.text();
  if (!res.ok || !goodBody(t)(text)) throw new Error(`${t.label}: ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { data?: { devices: { edges: unknown[] } }; devices?: unknown[] };
  return t.kind === 'gql' ? body.data!.devices.edges.length : body.devices!.length;
}

// ---- measurements -------------------------------------------------------------------------------------------

interface LoadRow {
  label: string;
  connections: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  cpuMsPerReq: number;
  /** CPU of the load generator (this process) and of the simulators per request: all share the machine. */
  genMsPerReq: number;
  simMsPerReq: number;
  callsPerReq: number;
  calls: number;
  /** Upstream calls by source and route. */
  routes: string;
  requests: number;
  bad: number;
}

const median = (xs: number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** autocannon against each target at once (connections each), for DURATION_S. */
async function load(label: string, targets: Target[], connections: number): Promise<LoadRow> {
  await resetCounts(dashboardSims);
  const cpu0 = await Promise.all(targets.map((t) => t.child.cpuMs()));
  const sim0 = await Promise.all(dashboardSims.map((x) => x.child.cpuMs()));
  const gen0 = process.cpuUsage();
  const latencies: number[] = [];
  const results = await Promise.all(
    targets.map((t) => {
      const r = requestOf(t);
      const inst = autocannon({ ...r, connections, duration: DURATION_S, verifyBody: goodBody(t) });
      inst.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
      return inst;
    }),
  );
  const gen = process.cpuUsage(gen0);
  const cpu1 = await Promise.all(targets.map((t) => t.child.cpuMs()));
  const sim1 = await Promise.all(dashboardSims.map((x) => x.child.cpuMs()));
  const stats = await counts(dashboardSims);
  const calls = total(stats);
  latencies.sort((a, b) => a - b);
  const requests = latencies.length;
  const cpu = cpu1.reduce((a, c, i) => a + c - cpu0[i]!, 0);
  return {
    label,
    connections: connections * targets.length,
    rps: results.reduce((a, r) => a + r.requests.total, 0) / DURATION_S,
    p50: pct(latencies, 50),
    p95: pct(latencies, 95),
    p99: pct(latencies, 99),
    cpuMsPerReq: cpu / requests,
    genMsPerReq: (gen.user + gen.system) / 1000 / requests,
    simMsPerReq: sim1.reduce((a, c, i) => a + c - sim0[i]!, 0) / requests,
    callsPerReq: calls / requests,
    calls,
    routes: routesOf(stats),
    requests,
    bad: results.reduce((a, r) => a + r.non2xx + r.mismatches + r.errors + r.timeouts, 0),
  };
}

/**
 * 100 requests at once (the same query, or one each); upstream calls per request, and whether all answered in
 * full. `expireMs`: wait that long first, so the state the warm-up read is stale. The warm-up burst also opens
 * the connections, as dashboards keeping theirs open would have them.
 */
async function burst(t: Target, queries: string[], expireMs = 0): Promise<{ perReq: number; complete: boolean; routes: string }> {
  await Promise.all(Array.from({ length: 100 }, () => ask(t)));
  await resetCounts(dashboardSims);
  await sleep(expireMs);
  const answered = await Promise.all(Array.from({ length: 100 }, (_, i) => ask(t, queries[i % queries.length])));
  const c = await counts(dashboardSims);
  return { perReq: total(c) / 100, complete: answered.every((n) => n === DEVICES), routes: routesOf(c) };
}

/** `dashboards` clients each asking every 2 s (spread over the interval) for POLL_S; upstream calls per source. */
async function polling(t: Target, dashboards: number): Promise<Record<string, number>> {
  await resetCounts(dashboardSims);
  const stop = Date.now() + POLL_S * 1000;
  await Promise.all(
    Array.from({ length: dashboards }, async (_, i) => {
      await sleep((i * 2000) / dashboards);
      while (Date.now() < stop) {
        const t0 = Date.now();
        await ask(t);
        await sleep(Math.max(0, 2000 - (Date.now() - t0)));
      }
    }),
  );
  return Object.fromEntries(Object.entries(await counts(dashboardSims)).map(([k, v]) => [k, v.total]));
}

/** Upstream calls one dashboard query costs per source, alone. */
async function alone(t: Target): Promise<Record<string, number>> {
  await resetCounts(dashboardSims);
  await ask(t);
  return Object.fromEntries(Object.entries(await counts(dashboardSims)).map(([k, v]) => [k, v.total]));
}

const FIELDS = ['name', 'vendor', 'connection', 'isRecording', 'lastSeenAt', 'model', 'kind', 'isStreaming'];
/** 100 distinct dashboard queries (name, page size and fields differ), each over all 250 devices. */
const DIFFERENT = Array.from({ length: 100 }, (_, i) => {
  const fields = FIELDS.filter((_, k) => ((i + 1) >> k) & 1).join(' ');
  return `query D${i} { devices(first: ${500 - i}) { totalCount edges { node { id ${fields} latestSnapshot { url } } } } }`;
});

function redisReachable(): Promise<boolean> {
  const u = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const s = connect(Number(u.port || 6379), u.hostname);
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

// ---- the run ------------------------------------------------------------------------------------------------

const log = (s: string) => process.stderr.write(`${s}\n`);
const rows: LoadRow[] = [];
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

try {
  log(`simulators up (${LATENCY_MS} ms per upstream call); runs of ${DURATION_S} s at ${CONNECTIONS.join(', ')} connections`);

  const hand = await startHandwritten();
  if ((await ask(hand)) !== DEVICES) throw new Error('hand-written: wrong device count');
  // avgraph with every request read upstream (freshness 0, coalescing on), and with its default freshness
  const zero = await startAvgraph('avgraph, freshness 0', writeAvgraphConfig('zero', { freshness: 'zero' }));
  const dflt = await startAvgraph('avgraph, default freshness', writeAvgraphConfig('default', { freshness: 'default' }));
  for (const t of [zero, dflt]) {
    const got = await ask(t);
    if (got !== DEVICES) throw new Error(`${t.label} answered ${got} devices, not ${DEVICES}`);
  }

  // Rounds take turns (the order rotating), so a busy moment of the machine weighs on all three alike; an
  // idle server costs nothing and calls no vendor.
  const servers = [hand, zero, dflt];
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of CONNECTIONS) {
      for (let i = 0; i < servers.length; i++) {
        const t = servers[(i + round) % servers.length]!;
        rows.push(await load(t.label, [t], c));
        log(`  round ${round + 1}/${ROUNDS}: ${t.label} @${c} done`);
      }
    }
  }

  const handAlone = await alone(hand);
  const handBurst = await burst(hand, [DASHBOARD]);
  log('  10 dashboards polling: hand-written, then avgraph with 1 and 10');
  const handPoll10 = await polling(hand, 10);
  await hand.child.stop();

  const callsPerRead = await alone(zero);
  const sameBurst = await burst(zero, [DASHBOARD]);
  const diffBurst = await burst(zero, DIFFERENT);
  await zero.child.stop();

  const poll1 = await polling(dflt, 1);
  const poll10 = await polling(dflt, 10);
  const expire = Math.max(...Object.values(windowMs)) + 300;
  const sameBurstDefault = await burst(dflt, [DASHBOARD], expire);
  const diffBurstDefault = await burst(dflt, DIFFERENT, expire);
  await dflt.child.stop();

  // device(id) of one Magewell encoder, every read upstream
  const mw = await startAvgraph('avgraph, Magewell', writeAvgraphConfig('magewell', { freshness: 'zero', magewell: true }));
  const list = await fetch(`${mw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ devices(first: 500) { edges { node { id } } } }' }),
  });
  const ids = ((await list.json()) as { data: { devices: { edges: { node: { id: string } }[] } } }).data.devices.edges.map((e) => e.node.id);
  await resetCounts([encoders]);
  const one = await fetch(`${mw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query($id: ID!) { device(id: $id) { id name connection isRecording } }', variables: { id: ids[0] } }),
  });
  const oneBody = (await one.json()) as { data?: { device: { name: string } | null }; errors?: unknown };
  if (!oneBody.data?.device) throw new Error(`device(id): ${JSON.stringify(oneBody).slice(0, 300)}`);
  const mwStats = (await counts([encoders])).encoders!;
  await mw.child.stop();

  // replicas sharing Redis against one, default freshness, the same connections in all
  let replicas: { one: LoadRow; two: LoadRow } | null = null;
  if (await redisReachable()) {
    const prefix = `bench-${randomBytes(4).toString('hex')}`;
    const path = writeAvgraphConfig('redis', { freshness: 'default', redisPrefix: prefix });
    const a = await startAvgraph('replica a', path);
    await ask(a);
    const c = CONNECTIONS[0]!;
    // each run starts with the shared state stale, so both span the same freshness windows
    await sleep(Math.max(...Object.values(windowMs)) + 300);
    const oneRow = await load('1 replica + Redis', [a], c);
    const b = await startAvgraph('replica b', path);
    await ask(b);
    await sleep(Math.max(...Object.values(windowMs)) + 300);
    const twoRow = await load('2 replicas + Redis', [a, b], Math.max(1, Math.round(c / 2)));
    replicas = { one: oneRow, two: twoRow };
    await Promise.all([a.child.stop(), b.child.stop()]);
  } else {
    log(`  no Redis at ${REDIS_URL}: replica comparison skipped`);
  }

  // ---- report -----------------------------------------------------------------------------------------------
  const runsOf = (r: LoadRow) => rows.filter((x) => x.label === r.label && x.connections === r.connections);
  const rpsRange = (r: LoadRow) => runsOf(r).map((x) => f(x.rps, 0)).join(' ');
  const medians = servers.flatMap((t) =>
    CONNECTIONS.map((c): LoadRow => {
      const runs = rows.filter((x) => x.label === t.label && x.connections === c);
      const med = (k: keyof LoadRow) => median(runs.map((x) => x[k] as number));
      return {
        label: t.label,
        connections: c,
        rps: med('rps'),
        p50: med('p50'),
        p95: med('p95'),
        p99: med('p99'),
        cpuMsPerReq: med('cpuMsPerReq'),
        genMsPerReq: med('genMsPerReq'),
        simMsPerReq: med('simMsPerReq'),
        callsPerReq: med('callsPerReq'),
        calls: med('calls'),
        routes: '',
        requests: med('requests'),
        bad: runs.reduce((a, x) => a + x.bad, 0),
      };
    }),
  );
  const out: string[] = [];
  const p = (s = '') => out.push(s);
  p(`\n== ${DEVICES} devices (100 Epiphan Cloud, 100 AV Studio, 50 Videoloft on 2 loggers), ${LATENCY_MS} ms per upstream call, ${DURATION_S} s per run ==`);
  p(`avgraph NODE_ENV=${NODE_ENV}; ${maxAgeSupported ? 'freshness 0 = maxAgeMs: 0 on every source' : 'config has no maxAgeMs yet: "freshness 0" and "default" are the same code path'}`);
  p(`medians of ${ROUNDS} rounds (each figure on its own)`);
  p('server                        conns      RPS   p50 ms   p95 ms   p99 ms  CPU ms/req  upstream/req  bad   (load gen, sims ms/req)   RPS range');
  for (const r of medians) {
    p(`${r.label.padEnd(28)} ${String(r.connections).padStart(6)} ${f(r.rps).padStart(8)} ${f(r.p50).padStart(8)} ${f(r.p95).padStart(8)} ${f(r.p99).padStart(8)} ${f(r.cpuMsPerReq, 2).padStart(11)} ${f(r.callsPerReq, 3).padStart(13)} ${String(r.bad).padStart(4)}   (${f(r.genMsPerReq, 2)}, ${f(r.simMsPerReq, 2)})${' '.repeat(12)}${rpsRange(r)}`);
  }
  p(`(${cpus().length} CPUs shared by the server, the load generator and the simulators)`);
  const row = (label: string, c: number) => medians.find((r) => r.label === label && r.connections === c)!;
  p('\nratios avgraph / hand-written');
  for (const c of CONNECTIONS) {
    const h = row('hand-written', c);
    for (const a of [row(zero.label, c), row(dflt.label, c)]) {
      p(`  ${a.label.padEnd(28)} @${String(c).padEnd(3)} RPS ${f(a.rps / h.rps, 2)}×  p95 ${f(a.p95 / h.p95, 2)}×  p99 ${f(a.p99 / h.p99, 2)}×  CPU/req ${f(a.cpuMsPerReq / h.cpuMsPerReq, 2)}×`);
    }
  }

  // a read is the calls one dashboard query makes to that source alone; a run spans ceil(run / window) windows
  const windows = (k: string) => Math.ceil((POLL_S * 1000) / windowMs[k]!);
  const readsOf = (calls: Record<string, number>, k: string) => calls[k]! / callsPerRead[k]!;
  const reads = (calls: Record<string, number>) =>
    Object.keys(calls)
      .map((k) => `${k} ${calls[k]} calls = ${f(readsOf(calls, k), 1)} reads in ${windows(k)} windows`)
      .join(', ');
  p(`\none dashboard query alone, upstream calls: hand-written ${JSON.stringify(handAlone)}, avgraph ${JSON.stringify(callsPerRead)}`);
  p(`100 identical concurrent queries, upstream calls per request: hand-written ${f(handBurst.perReq, 3)}`);
  const bursts = [
    ['100 identical, freshness 0', sameBurst],
    ['100 identical, default freshness, stale store', sameBurstDefault],
    ['100 different, freshness 0', diffBurst],
    ['100 different, default freshness, stale store', diffBurstDefault],
  ] as const;
  for (const [name, b] of bursts) p(`  avgraph ${name}: ${f(b.perReq, 3)} (all answered in full: ${b.complete}; ${b.routes})`);
  const touched = mwStats.perServer.filter((n) => n > 0).length;
  p(`device(id) of one Magewell encoder (${ENCODERS} encoders): ${mwStats.total} upstream calls on ${touched} encoder(s) ${JSON.stringify(mwStats.byRoute)}`);
  p(`dashboards polling every 2 s for ${POLL_S} s (windows: ${Object.entries(windowMs).map(([k, w]) => `${k} ${w} ms`).join(', ')}${vendorDefaults ? '' : ', the poll interval: no store defaults in this code'}):`);
  p(`  hand-written, 10 dashboards: ${reads(handPoll10)}`);
  p(`  avgraph,       1 dashboard:  ${reads(poll1)}`);
  p(`  avgraph,      10 dashboards: ${reads(poll10)}`);
  if (replicas) {
    for (const r of [replicas.one, replicas.two]) {
      p(`${r.label.padEnd(20)} ${r.connections} conns: ${r.calls} upstream calls for ${r.requests} requests (${f(r.callsPerReq, 3)}/req), RPS ${f(r.rps)}, p95 ${f(r.p95)} ms (${r.routes})`);
    }
  }

  const z = (c: number) => row(zero.label, c);
  const d = (c: number) => row(dflt.label, c);
  const h = (c: number) => row('hand-written', c);
  const all = (fn: (c: number) => number) => CONNECTIONS.map((c) => `${f(fn(c), 2)}×`).join(' / ');
  const ok = (b: boolean) => (b ? 'met' : 'MISSED');
  // one read per window, counting the window a run ends in
  const pollOk = Object.keys(poll10).every((k) => readsOf(poll10, k) <= windows(k) + 1);
  const perWindow = Object.keys(poll10).map((k) => `${k} ${f(readsOf(poll10, k) / windows(k), 2)}`).join(' ');
  p('\n== issue 10 goals ==');
  p(`${'goal'.padEnd(62)} ${'target'.padEnd(9)} ${'measured'.padEnd(30)}`);
  const goal = (name: string, target: string, measured: string, met: boolean) => p(`${name.padEnd(62)} ${target.padEnd(9)} ${measured.padEnd(30)} ${ok(met)}`);
  goal(`freshness 0: RPS vs hand-written @${CONNECTIONS.join('/')}`, '≥ 0.8×', all((c) => z(c).rps / h(c).rps), CONNECTIONS.every((c) => z(c).rps / h(c).rps >= 0.8));
  goal(`freshness 0: p95 vs hand-written @${CONNECTIONS.join('/')}`, '≤ 1.25×', all((c) => z(c).p95 / h(c).p95), CONNECTIONS.every((c) => z(c).p95 / h(c).p95 <= 1.25));
  goal(`default freshness: RPS vs hand-written @${CONNECTIONS.join('/')}`, '≥ 3×', all((c) => d(c).rps / h(c).rps), CONNECTIONS.every((c) => d(c).rps / h(c).rps >= 3));
  const both = (a: { perReq: number; complete: boolean }, b: { perReq: number; complete: boolean }, max: number) =>
    [`${f(a.perReq, 3)} / ${f(b.perReq, 3)}`, a.perReq <= max && a.complete && b.perReq <= max && b.complete] as const;
  goal('100 identical concurrent: upstream/request (f0 / default)', '≤ 0.05', ...both(sameBurst, sameBurstDefault, 0.05));
  goal('100 different, same devices: upstream/request (f0 / default)', '≤ 0.25', ...both(diffBurst, diffBurstDefault, 0.25));
  goal(`device(id), one Magewell encoder of ${ENCODERS}: upstream calls`, '2', String(mwStats.total), mwStats.total <= 2);
  goal('10 dashboards / 2 s: reads per source per window', '1', perWindow, pollOk);
  if (replicas) {
    goal('2 replicas + Redis vs 1: upstream calls', '≤ 1×', `${f(replicas.two.calls / replicas.one.calls, 2)}×`, replicas.two.calls <= replicas.one.calls);
  }
  goal('CPU per request, hand-written / avgraph f0 / default', '(info)', CONNECTIONS.map((c) => `${f(h(c).cpuMsPerReq, 1)}/${f(z(c).cpuMsPerReq, 1)}/${f(d(c).cpuMsPerReq, 1)}`).join(' '), true);
  console.log(out.join('\n'));
} finally {
  await Promise.all(children.map((c) => c.stop()));
}
