/**
 * Subscriptions at fleet scale: for 10, 1,000 and 10,000 concurrent graphql-ws subscribers on one simulated
 * fleet, prints upstream polls per interval, executions per event, delivery latency from the simulator's
 * state change to client receipt (p50/p99), and process memory per subscriber.
 * Run: npm run bench:subscriptions   (add --expose-gc through NODE_OPTIONS for steadier memory figures)
 */
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { start } from '../src/start.js';

const TOKEN = 'bench-token-sub-000';
const POLL_MS = 500;
const EVENTS = 5;
const LEVELS = [10, 1_000, 10_000];
const MAX_CONNECTIONS = 100;

const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function level(n: number) {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 20 });
  const baseUrl = await sim.listen(0);
  const config = parseConfig({ allowAnonymous: true, sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }] }, {});
  const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet, pollers: { jitter: 0 } });
  const device = sim.deviceIds().find((id) => !id.startsWith('demo'))!;

  gc();
  const before = process.memoryUsage().rss;
  const connections = Math.min(n, MAX_CONNECTIONS);
  const clients: Client[] = Array.from({ length: connections }, () =>
    createClient({ url: app.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }),
  );
  /** receipt times of the current event, one per subscriber */
  let receipts: number[] = [];
  let expectRecording = true;
  const query = 'subscription { deviceChanged(filter:{ vendors:[EPIPHAN_CLOUD] }) { device { vendorDeviceId isRecording } changedFields } }';
  const stops: (() => void)[] = [];
  for (let i = 0; i < n; i++) {
    stops.push(
      clients[i % connections]!.subscribe(
        { query },
        {
          next: (v) => {
            const d = (v.data as { deviceChanged: { device: { vendorDeviceId: string; isRecording: boolean } } }).deviceChanged.device;
            if (d.vendorDeviceId === device && d.isRecording === expectRecording) receipts.push(performance.now());
          },
          error: () => undefined,
          complete: () => undefined,
        },
      ),
    );
  }
  // let every subscription reach the server and the poller read its baseline
  await sleep(Math.max(1500, n / 5));
  gc();
  const perSubscriberBytes = (process.memoryUsage().rss - before) / n;

  const latencies: number[] = [];
  sim.server.resetCounts();
  const executions0 = app.runtime.shared.executions;
  const t0 = performance.now();
  for (let e = 0; e < EVENTS; e++) {
    receipts = [];
    const changedAt = performance.now();
    // change the simulator directly, as a person at the device would: avgraph learns of it only by polling
    await fetch(`${baseUrl}/front/api/v2/devices/${device}/task`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cmd: expectRecording ? 'recording.start' : 'recording.stop' }),
    });
    const until = performance.now() + POLL_MS * 4 + n / 2;
    while (receipts.length < n && performance.now() < until) await sleep(5);
    latencies.push(...receipts.map((t) => t - changedAt));
    expectRecording = !expectRecording;
    await sleep(POLL_MS / 2);
  }
  const elapsed = performance.now() - t0;
  const polls = sim.server.requestCounts()['GET /front/api/v2/devices'] ?? 0;
  const executions = app.runtime.shared.executions - executions0;

  stops.forEach((s) => s());
  await Promise.all(clients.map((c) => c.dispose()));
  await app.close();
  await sim.close();
  return {
    n,
    pollsPerInterval: polls / (elapsed / POLL_MS),
    executionsPerEvent: executions / EVENTS,
    delivered: latencies.length / (n * EVENTS),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    kbPerSubscriber: perSubscriberBytes / 1024,
  };
}

console.log(`poll interval ${POLL_MS} ms, ${EVENTS} events per level, identical subscriptions over at most ${MAX_CONNECTIONS} connections`);
console.log('subscribers | polls/interval | executions/event | delivered | latency p50 ms | p99 ms | memory KB/subscriber');
for (const n of LEVELS) {
  const r = await level(n);
  console.log(
    [
      String(r.n).padStart(11),
      r.pollsPerInterval.toFixed(2).padStart(14),
      r.executionsPerEvent.toFixed(2).padStart(16),
      `${(r.delivered * 100).toFixed(1)}%`.padStart(9),
      r.p50.toFixed(0).padStart(14),
      r.p99.toFixed(0).padStart(6),
      r.kbPerSubscriber.toFixed(2).padStart(20),
    ].join(' | '),
  );
}
