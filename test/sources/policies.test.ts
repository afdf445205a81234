import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamError } from '../../src/errors.js';
import { HttpClient, type HttpClientOptions } from '../../src/sources/http.js';
import { SimServer, type SimFaults } from '../../src/sources/sim-server.js';
import { Stack, type GqlResult } from '../helpers/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long `call` takes to settle, and how late a timer of `deadlineMs` started beside it fired: that lateness
 * is this run's scheduling slack (a loaded machine), which a deadline cannot beat either.
 */
async function timed(deadlineMs: number, call: () => Promise<unknown>): Promise<{ took: number; late: number }> {
  const t0 = performance.now();
  const ref = new Promise<number>((r) => setTimeout(() => r(performance.now() - t0 - deadlineMs), deadlineMs));
  await call();
  const took = performance.now() - t0;
  return { took, late: Math.max(0, await ref) };
}
/** A deadline may overrun by 10% (plus the machine's own lateness and a few ms to pass the error up). */
const withinDeadline = (deadlineMs: number, t: { took: number; late: number }) => t.took < deadlineMs * 1.1 + t.late + 10;

/**
 * A loopback vendor: GET /things answers 200 unless a fault says otherwise, GET /late the same after 100 ms;
 * GET /slow streams its body slowly.
 */
async function vendor() {
  const sim = new SimServer(
    async (req) => {
      if (req.url.pathname === '/late') await sleep(100);
      return { status: 200, json: { ok: true } };
    },
    (req) => `${req.method} ${req.url.pathname}`,
    {},
    (req, res) => {
      if (req.url.pathname !== '/slow') return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let n = 0;
      const tick = setInterval(() => (++n < 8 ? res.write('x'.repeat(10)) : (clearInterval(tick), res.end())), 50);
      res.on('close', () => clearInterval(tick));
      return true;
    },
  );
  const base = await sim.listen(0);
  return { sim, base, sent: () => sim.requestCounts()['GET /things'] ?? 0 };
}
type Vendor = Awaited<ReturnType<typeof vendor>>;

const clientFor = (extra: Partial<HttpClientOptions>) =>
  new HttpClient({ sourceId: 'src', vendor: 'AV_STUDIO', retryBaseMs: 5, timeoutMs: 500, ...extra });
const get = (c: HttpClient, v: Vendor, signal?: AbortSignal) =>
  c.json({ method: 'GET', url: `${v.base}/things`, endpoint: 'GET things', ...(signal ? { signal } : {}) });
const codeOf = (p: Promise<unknown>) => p.then(
  () => null,
  (e: UpstreamError) => e.code,
);

describe('upstream policies', () => {
  let v: Vendor;
  const clients: HttpClient[] = [];
  const client = (extra: Partial<HttpClientOptions> = {}) => {
    const c = clientFor(extra);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    v = await vendor();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await v.sim.close();
  });

  it('closes again when the first probe after the cool-down fails with a retryable error', async () => {
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 2, breakerCooldownMs: 40 });
    v.sim.setFaults({ errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 2; i++) await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(c.health().circuitOpen).toBe(true);
    await sleep(45);
    const before = v.sent();
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(v.sent() - before).toBe(3); // the probe is one call with its retries
    expect(c.health()).toMatchObject({ state: 'DOWN', circuitOpen: true });

    v.sim.resetFaults();
    await sleep(45);
    await expect(get(c, v)).resolves.toMatchObject({ status: 200 });
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });
  });

  it('counts failed calls, not attempts', async () => {
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 2 });
    v.sim.setFaults({ errorRate: 1, errorStatus: 502 });
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_502' });
    expect(c.callCounts()['GET things']).toBe(3);
    expect(c.health()).toMatchObject({ state: 'DEGRADED', circuitOpen: false });
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_502' });
    expect(c.health()).toMatchObject({ state: 'DOWN', circuitOpen: true });
  });

  it('bounds a call to a hung vendor by timeoutMs, retries and all', async () => {
    v.sim.resetFaults();
    const c = client({ timeoutMs: 300 });
    // The first attempt fails fast, the retry hangs: it gets what is left of the 300 ms, not 300 ms more.
    v.sim.setFaults({ failNext: 1, errorStatus: 500, hang: true });
    const before = v.sent();
    const t = await timed(300, () =>
      expect(get(c, v)).rejects.toMatchObject({ code: 'TIMEOUT', retryable: true, message: expect.stringMatching(/timed out after 300 ms/) }),
    );
    expect(t.took).toBeGreaterThanOrEqual(295);
    expect(withinDeadline(300, t), `${t.took} ms, timers ${t.late} ms late`).toBe(true);
    expect(v.sent() - before).toBe(2);
  });

  it('starts no retry that cannot finish in time, and none past maxRetryAfterMs', async () => {
    v.sim.resetFaults();
    const c = client({ timeoutMs: 300, maxRetryAfterMs: 1000 });
    v.sim.setFaults({ failNext: 1, errorStatus: 503, retryAfterSeconds: 0.28 });
    let t0 = performance.now();
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(c.callCounts()['GET things']).toBe(1);

    v.sim.setFaults({ failNext: 1, errorStatus: 429, retryAfterSeconds: 2 });
    t0 = performance.now();
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_429' });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(c.callCounts()['GET things']).toBe(2);

    v.sim.setFaults({ failNext: 1, errorStatus: 503, retryAfterSeconds: 0.1 });
    t0 = performance.now();
    await expect(get(c, v)).resolves.toMatchObject({ status: 200 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(95);
  });

  it('closes the breaker when the probe gets a neutral answer, then counts failures afresh', async () => {
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 2, breakerCooldownMs: 40 });
    v.sim.setFaults({ errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 2; i++) await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    await sleep(45);
    v.sim.setFaults({ errorStatus: 404 });
    const before = v.sent();
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_404' });
    expect(v.sent() - before).toBe(1);
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });

    v.sim.setFaults({ errorStatus: 500 });
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(c.health().circuitOpen).toBe(false);
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(c.health().circuitOpen).toBe(true);
  });

  it('closes the circuit when a call that set out before it opened comes back with a success', async () => {
    // As when the requests sharing an expired session token all get a 401 while its renewal is on its way.
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 3, breakerCooldownMs: 10_000 });
    const late = c.json({ method: 'GET', url: `${v.base}/late`, endpoint: 'GET late' });
    await sleep(20);
    v.sim.setFaults({ failNext: 3, errorStatus: 401 });
    for (let i = 0; i < 3; i++) await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_401' });
    expect(c.health().circuitOpen).toBe(true);
    await expect(late).resolves.toMatchObject({ status: 200 });
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });
    await expect(get(c, v)).resolves.toMatchObject({ status: 200 });
  });

  it('lets one probe through in half-open and fails the others fast', async () => {
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 1, breakerCooldownMs: 40 });
    v.sim.setFaults({ errorRate: 1, errorStatus: 500 });
    await expect(get(c, v)).rejects.toMatchObject({ code: 'HTTP_500' });
    await sleep(45);
    v.sim.resetFaults();
    v.sim.setFaults({ latencyMs: 100 });
    const before = v.sent();
    const probe = get(c, v);
    const t0 = performance.now();
    const others = await Promise.all(Array.from({ length: 5 }, () => codeOf(get(c, v))));
    expect(performance.now() - t0).toBeLessThan(50);
    expect(others).toEqual(Array(5).fill('CIRCUIT_OPEN'));
    await expect(probe).resolves.toMatchObject({ status: 200 });
    expect(v.sent() - before).toBe(1);
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });
  });

  it('ends a call its caller cancels without counting it against the upstream', async () => {
    v.sim.resetFaults();
    const c = client({ breakerThreshold: 1 });
    v.sim.setFaults({ hang: true });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    const t0 = performance.now();
    await expect(get(c, v, abort.signal)).rejects.toMatchObject({ code: 'CANCELLED', retryable: false });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });
  });

  it('stream(): the deadline covers the headers only, and the caller can still end the body', async () => {
    v.sim.resetFaults();
    const c = client({ timeoutMs: 150 });
    const slow = (signal?: AbortSignal) =>
      c.stream({ method: 'GET', url: `${v.base}/slow`, endpoint: 'GET slow', ...(signal ? { signal } : {}) });
    const whole = await slow();
    let bytes = 0;
    for await (const chunk of whole.body) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(70); // 350 ms of body, past the 150 ms deadline

    const abort = new AbortController();
    const cut = await slow(abort.signal);
    setTimeout(() => abort.abort(), 120);
    await expect(
      (async () => {
        for await (const _ of cut.body) void _;
      })(),
    ).rejects.toThrow();
  });
});

/** Faults that make one call end a given way; every kind but "ok" fails the call. */
const KINDS = {
  ok: { faults: {}, code: null },
  '5xx': { faults: { errorRate: 1, errorStatus: 503 }, code: 'HTTP_503' },
  '403': { faults: { errorRate: 1, errorStatus: 403 }, code: 'HTTP_403' },
  hang: { faults: { hang: true }, code: 'TIMEOUT' },
  '404': { faults: { errorRate: 1, errorStatus: 404 }, code: 'HTTP_404' },
} satisfies Record<string, { faults: Partial<SimFaults>; code: string | null }>;
type Kind = keyof typeof KINDS;

function* sequences(kinds: Kind[], maxLength: number): Generator<Kind[]> {
  if (maxLength === 0) return;
  for (const k of kinds) {
    yield [k];
    for (const rest of sequences(kinds, maxLength - 1)) yield [k, ...rest];
  }
}

describe('the breaker cannot stick', () => {
  const COOL_MS = 20;
  // Far above a healthy call's few ms, yet cheap to wait out for the hung vendor.
  const TIMEOUT_MS = 100;
  // Sequences mostly wait (cool-downs, hangs), so several run side by side; more would load the CPU enough to
  // push healthy calls past the deadline.
  const WORKERS = 12;
  const vendors: Vendor[] = [];

  beforeAll(async () => {
    vendors.push(...(await Promise.all(Array.from({ length: WORKERS }, vendor))));
  });
  afterAll(() => Promise.all(vendors.map((w) => w.sim.close())));

  /**
   * Plays a sequence of call outcomes (each call after the cool-down when the circuit is open, so every call
   * reaches the upstream: in closed state or as the probe), then heals the vendor; the first call after one
   * cool-down must reach it and close the breaker. Returns what went wrong, if anything.
   */
  async function play(seq: Kind[], threshold: number, w: Vendor): Promise<string | null> {
    const c = clientFor({ timeoutMs: TIMEOUT_MS, retryBaseMs: 1, breakerThreshold: threshold, breakerCooldownMs: COOL_MS });
    try {
      for (const kind of seq) {
        if (c.health().circuitOpen) await sleep(COOL_MS + 3);
        w.sim.resetFaults();
        w.sim.setFaults(KINDS[kind].faults);
        const before = w.sent();
        const code = await codeOf(get(c, w));
        // Every call reaches the upstream. On a loaded machine a healthy call may still miss the deadline: that
        // plays another sequence, as valid, so a TIMEOUT passes here; the recovery check below has no such leeway.
        const expected = code === KINDS[kind].code || code === 'TIMEOUT';
        if (!expected || w.sent() === before) return `${kind} call ended ${code}, ${w.sent() - before} sent`;
      }
      w.sim.resetFaults();
      await sleep(COOL_MS + 3);
      const before = w.sent();
      const code = await codeOf(get(c, w));
      const h = c.health();
      if (code !== null || w.sent() - before !== 1 || h.state !== 'OK' || h.circuitOpen) {
        return `after healing: ${code}, ${w.sent() - before} sent, ${h.state}`;
      }
      return null;
    } finally {
      await c.close();
    }
  }

  async function playAll(kinds: Kind[], maxLength: number, threshold: number): Promise<{ played: number; stuck: string[] }> {
    const queue = [...sequences(kinds, maxLength)];
    const played = queue.length;
    const stuck: string[] = [];
    await Promise.all(
      vendors.map(async (w) => {
        for (let seq = queue.shift(); seq; seq = queue.shift()) {
          const problem = await play(seq, threshold, w);
          if (problem) stuck.push(`[${seq.join(' ')}] threshold ${threshold}: ${problem}`);
        }
      }),
    );
    return { played, stuck };
  }

  const cases: [Kind[], number, number, number][] = [
    // kinds, longest sequence, breaker threshold, sequences
    [['ok', '5xx', '403', 'hang', '404'], 3, 1, 155],
    [['ok', '5xx', 'hang', '404'], 3, 2, 84],
    [['ok', '5xx', '404'], 5, 2, 363],
  ];
  it.each(cases)('recovers within one cool-down and one probe after any sequence of %j (length ≤ %i, threshold %i)', async (kinds, length, threshold, count) => {
    const r = await playAll(kinds, length, threshold);
    expect(r.played).toBe(count);
    expect(r.stuck).toEqual([]);
  });
});

describe('a hung vendor behind GraphQL', () => {
  const stack = new Stack({ timeoutMs: 300, fleetSize: 4 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('answers a devices query within timeoutMs, with a partial error for the hung source', async () => {
    const q = `{ devices(first: 500) { totalCount edges { node { vendor } } } }`;
    expect((await stack.gql(q)).errors).toBeUndefined(); // warm: the bound is about the vendor, not a cold start
    stack.cloud.server.setFaults({ hang: true });
    try {
      let r!: GqlResult;
      const t = await timed(300, async () => (r = await stack.gql(q)));
      expect(withinDeadline(300, t), `${t.took} ms, timers ${t.late} ms late`).toBe(true);
      expect(r.data.devices.totalCount).toBeGreaterThan(0);
      expect(r.data.devices.edges.every((e: { node: { vendor: string } }) => e.node.vendor === 'AV_STUDIO')).toBe(true);
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toMatchObject({ source: 'cloud', vendor: 'EPIPHAN_CLOUD' });
      expect(r.errors![0]!.message).toMatch(/timed out after 300 ms/);
    } finally {
      stack.cloud.server.resetFaults();
    }
  });
});
