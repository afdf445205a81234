import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors.js';
import { HttpClient } from '../../src/sources/http.js';
import { SimServer } from '../../src/sources/sim-server.js';

const SECRET = 'tok-http-secret-55aa77';

describe('HttpClient against a misbehaving upstream', () => {
  let sim: SimServer;
  let base: string;
  let calls = 0;
  const clients: HttpClient[] = [];

  beforeAll(async () => {
    sim = new SimServer(
      (req) => {
        calls += 1;
        if (req.url.pathname === '/echo-auth') return { status: 500, json: { error: `bad token ${req.headers.authorization}` } };
        if (req.url.pathname === '/missing') return { status: 404, json: { error: 'no' } };
        return { status: 200, json: { ok: true, n: calls } };
      },
      (req) => `${req.method} ${req.url.pathname}`,
    );
    base = await sim.listen(0);
  });
  afterEach(() => sim.resetFaults());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim.close();
  });

  function client(extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) {
    const c = new HttpClient({ sourceId: 'src', vendor: 'AV_STUDIO', secrets: [SECRET], retryBaseMs: 5, timeoutMs: 500, ...extra });
    clients.push(c);
    return c;
  }
  const get = (c: HttpClient, path = '/things') =>
    c.json({ method: 'GET', url: base + path, endpoint: 'GET things', headers: { authorization: `Bearer ${SECRET}` } });

  it('retries an idempotent GET on 5xx, at most twice', async () => {
    const c = client();
    sim.setFaults({ failNext: 2, errorStatus: 503 });
    const res = await get(c);
    expect(res.body).toMatchObject({ ok: true });
    expect(c.callCounts()['GET things']).toBe(3);

    sim.setFaults({ failNext: 3, errorStatus: 500 });
    await expect(get(c)).rejects.toMatchObject({ code: 'HTTP_500', retryable: true });
    expect(c.callCounts()['GET things']).toBe(6);
  });

  it('never retries a command', async () => {
    const c = client();
    sim.setFaults({ failNext: 1, errorStatus: 503 });
    await expect(
      c.json({ method: 'POST', url: `${base}/task`, endpoint: 'POST task', body: '{}' }),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(c.callCounts()['POST task']).toBe(1);
  });

  it('honours Retry-After on 429, and gives up at once when it is too long', async () => {
    const c = client({ maxRetryAfterMs: 1000 });
    sim.setFaults({ failNext: 1, errorStatus: 429, retryAfterSeconds: 0.2 });
    const t0 = Date.now();
    await get(c);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(c.callCounts()['GET things']).toBe(2);

    sim.setFaults({ failNext: 1, errorStatus: 429, retryAfterSeconds: 30 });
    await expect(get(c)).rejects.toMatchObject({ code: 'HTTP_429' });
    expect(c.callCounts()['GET things']).toBe(3);
  });

  it('times out a stalled upstream instead of hanging', async () => {
    const c = client({ timeoutMs: 100, maxRetries: 0 });
    sim.setFaults({ latencyMs: 400 });
    const t0 = Date.now();
    await expect(get(c)).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(380);
  });

  it('turns malformed JSON into an UpstreamError', async () => {
    const c = client({ maxRetries: 0 });
    sim.setFaults({ malformedNext: 1 });
    await expect(get(c)).rejects.toMatchObject({ code: 'MALFORMED_RESPONSE' });
  });

  it('refuses a 50 MB reply without buffering it', async () => {
    const c = client({ maxBodyBytes: 1024 * 1024, maxRetries: 0, timeoutMs: 5000 });
    sim.setFaults({ hugeNext: 1, hugeBytes: 50 * 1024 * 1024 });
    const before = process.memoryUsage().rss;
    await expect(get(c)).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    // still usable afterwards
    await expect(get(c)).resolves.toMatchObject({ status: 200 });
  });

  it('passes statuses the caller handles and keeps them out of the breaker', async () => {
    const c = client();
    const res = await c.json({ method: 'GET', url: `${base}/missing`, endpoint: 'GET missing', acceptStatus: [404] });
    expect(res.status).toBe(404);
    expect(c.health().state).toBe('OK');
  });

  it('opens the breaker after 5 consecutive failures, then probes once after the cool-down', async () => {
    const c = client({ maxRetries: 0, breakerCooldownMs: 200 });
    const changes: string[] = [];
    c.onHealthChange((h) => changes.push(h.state));
    sim.setFaults({ errorRate: 1, errorStatus: 500 });
    for (let i = 0; i < 5; i++) await expect(get(c)).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(c.health()).toMatchObject({ state: 'DOWN', circuitOpen: true });
    const sent = c.callCounts()['GET things'];
    await expect(get(c)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
    expect(c.callCounts()['GET things']).toBe(sent);

    sim.resetFaults();
    await new Promise((r) => setTimeout(r, 250));
    await expect(get(c)).resolves.toMatchObject({ status: 200 });
    expect(c.health()).toMatchObject({ state: 'OK', circuitOpen: false });
    expect(changes).toEqual(['DEGRADED', 'DOWN', 'OK']);
  });

  it('reports refused connections as network errors and never leaks the secret', async () => {
    const c = client({ maxRetries: 0 });
    const err = (await c
      .json({ method: 'GET', url: 'http://127.0.0.1:9/x', endpoint: 'GET x', headers: { authorization: SECRET } })
      .catch((e) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.code).toBe('ECONNREFUSED');
    const echoed = (await get(c, '/echo-auth').catch((e) => e)) as UpstreamError;
    expect(echoed.message).not.toContain(SECRET);
    expect(c.health().lastError).not.toContain(SECRET);
  });
});
