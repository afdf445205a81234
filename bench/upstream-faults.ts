/**
 * Upstream faults as an operator sees them:
 *  (a) how long a devices query takes when one vendor hangs, against the source's timeoutMs (goal: ≤ timeoutMs + 10%);
 *  (b) how long after a vendor heals the first call succeeds again, over many random fail/heal sequences
 *      (goal: ≤ cool-down + one probe).
 * Run: npx tsx bench/upstream-faults.ts
 */
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { HttpClient } from '../src/sources/http.js';
import { SimServer, type SimFaults } from '../src/sources/sim-server.js';
import { start } from '../src/start.js';

const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${Math.round(x)} ms`;

/** (a) A devices query over a hung Epiphan Cloud and a healthy AV Studio, default retry settings. */
async function hungQuery(timeoutMs: number, runs: number): Promise<number[]> {
  const token = 'bench-token-000000';
  const cloud = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token, fleetSize: 4 });
  const studio = new EpiphanSimulator({ flavor: 'AV_STUDIO', token, fleetSize: 4 });
  const [cloudUrl, studioUrl] = await Promise.all([cloud.listen(0), studio.listen(0)]);
  const config = parseConfig(
    {
      allowAnonymous: true,
      sources: [
        { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: cloudUrl, token, timeoutMs },
        { id: 'studio', vendor: 'AV_STUDIO', baseUrl: studioUrl, token, timeoutMs },
      ],
    },
    {},
  );
  const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet });
  const query = async () => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ devices(first: 500) { totalCount } }' }),
    });
    return (await res.json()) as { errors?: unknown[] };
  };
  await query(); // warm
  cloud.server.setFaults({ hang: true });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const body = await query();
    times.push(performance.now() - t0);
    if (!body.errors?.length) throw new Error('expected a partial error for the hung source');
  }
  await app.close();
  await Promise.all([cloud.close(), studio.close()]);
  return times;
}

const COOL_MS = 100;
const TIMEOUT_MS = 200;
const CADENCE_MS = 5;
const GIVE_UP_MS = 10 * (COOL_MS + TIMEOUT_MS);
const FAULTS: Partial<SimFaults>[] = [
  { errorRate: 1, errorStatus: 503 },
  { errorRate: 1, errorStatus: 500 },
  { errorRate: 1, errorStatus: 403 },
  { errorRate: 1, errorStatus: 404 },
  { hang: true },
  {},
];
const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;

/**
 * (b) One trial: 1-8 calls, each against a random fault (5xx, 403, 404, hang or none) and a random pause
 * (some land while the circuit is open, some as probes); the vendor then heals after a random delay and a caller
 * calls every CADENCE_MS. Returns the time from healing to the first success (Infinity after GIVE_UP_MS), and
 * whether the circuit was open when the vendor healed.
 */
async function recoveryTrial(sim: SimServer, base: string): Promise<{ ms: number; open: boolean }> {
  const c = new HttpClient({
    sourceId: 'bench',
    vendor: 'AV_STUDIO',
    timeoutMs: TIMEOUT_MS,
    retryBaseMs: 20,
    breakerThreshold: 3,
    breakerCooldownMs: COOL_MS,
  });
  const call = () => c.json({ method: 'GET', url: `${base}/x`, endpoint: 'GET x' }).then(() => true, () => false);
  try {
    for (let i = 1 + Math.floor(Math.random() * 8); i > 0; i--) {
      sim.resetFaults();
      sim.setFaults(pick(FAULTS));
      await call();
      await sleep(Math.random() * COOL_MS);
    }
    sim.setFaults({ errorRate: 1, errorStatus: 503 }); // still failing until the heal
    await sleep(Math.random() * COOL_MS * 1.5);
    sim.resetFaults();
    const healedAt = performance.now();
    const open = c.health().circuitOpen;
    const ms = await new Promise<number>((resolve) => {
      const done = (ms: number) => {
        clearInterval(caller);
        clearTimeout(giveUp);
        resolve(ms);
      };
      const attempt = () => void call().then((ok) => ok && done(performance.now() - healedAt));
      const caller = setInterval(attempt, CADENCE_MS);
      const giveUp = setTimeout(() => done(Infinity), GIVE_UP_MS);
      attempt();
    });
    return { ms, open };
  } finally {
    await c.close();
  }
}

async function recoveries(trials: number, parallel: number): Promise<{ ms: number; open: boolean }[]> {
  const sims = Array.from({ length: parallel }, () => new SimServer(() => ({ status: 200, json: {} }), () => 'x'));
  const bases = await Promise.all(sims.map((s) => s.listen(0)));
  const out: { ms: number; open: boolean }[] = [];
  let left = trials;
  await Promise.all(
    sims.map(async (sim, i) => {
      while (left-- > 0) out.push(await recoveryTrial(sim, bases[i]!));
    }),
  );
  await Promise.all(sims.map((s) => s.close()));
  return out;
}

console.log('(a) devices query with one vendor hung (other vendor healthy), default retries (2, base 200 ms):');
for (const [timeoutMs, runs] of [
  [300, 5],
  [1000, 3],
  [3000, 2],
] as const) {
  const times = await hungQuery(timeoutMs, runs);
  const worst = Math.max(...times);
  console.log(
    `  timeoutMs ${String(timeoutMs).padStart(4)}: answered in ${times.map(ms).join(', ')}; worst ${(worst / timeoutMs).toFixed(2)} × timeoutMs` +
      ` (goal ≤ ${ms(timeoutMs * 1.1)}: ${worst <= timeoutMs * 1.1 ? 'met' : 'MISSED'})`,
  );
}

const TRIALS = 300;
const rec = await recoveries(TRIALS, 20);
const goal = COOL_MS + CADENCE_MS + 20; // cool-down + the caller's cadence + one probe on loopback
console.log(
  `(b) recovery after the vendor heals, ${TRIALS} random fail/heal sequences (cool-down ${COOL_MS} ms, timeoutMs ${TIMEOUT_MS}, threshold 3,` +
    ` a caller every ${CADENCE_MS} ms; goal ≤ ${goal} ms = cool-down + cadence + one probe on loopback):`,
);
for (const [what, group] of [
  ['circuit open at the heal', rec.filter((r) => r.open)],
  ['circuit closed at the heal', rec.filter((r) => !r.open)],
] as const) {
  const times = group.map((r) => r.ms);
  if (!times.length) continue;
  console.log(
    `  ${what}: ${times.length} trials, p50 ${ms(pct(times, 0.5))}, p95 ${ms(pct(times, 0.95))}, max ${ms(Math.max(...times))};` +
      ` within goal ${times.filter((t) => t <= goal).length}, never recovered ${times.filter((t) => t === Infinity).length}`,
  );
}
