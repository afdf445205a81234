/**
 * Subscription fan-out at fleet scale: 10, 1,000 and 10,000 graphql-ws subscribers to one identical subscription,
 * and 1,000 different ones, on one simulated fleet polled every POLL_MS. Prints upstream polls per interval,
 * executions per event, the latency from the simulator's reply to the poll that carries a change to each
 * subscriber's receipt (p50/p99 over every receipt, and the worst "last subscriber" over the events), the longest
 * timer lag of the server process while events go out (how long a poll could be held up), and server memory
 * per subscriber; and the slowest receipt of the first, unmeasured event (cold code on both sides).
 *
 * The simulator and avgraph share this process (one clock, and the reply is timestamped as it leaves the
 * simulator); the clients run in a child process (bench/helpers/ws-subscribers.ts), so their own parsing does not
 * weigh on the server's event loop, and both sides read the same wall clock (timeOrigin + now).
 * Run: npm run bench:subscriptions   (LEVELS=1000,1000d,10000 to pick cases; d: different)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { start } from '../src/start.js';

const TOKEN = 'bench-token-sub-000';
const POLL_MS = 500;
const EVENTS = 10;
/** Events before the measured ones: the first event after start meets cold code on both sides; shown apart. */
const WARMUP = 1;
const MAX_CONNECTIONS = 100;
const LIST = '/front/api/v2/devices';

interface Case {
  n: number;
  different: boolean;
}
const ALL: Case[] = [
  { n: 10, different: false },
  { n: 1_000, different: false },
  { n: 1_000, different: true },
  { n: 10_000, different: false },
];
const picked = process.env.LEVELS?.split(',').map((s) => s.trim());
const CASES = picked ? ALL.filter((c) => picked.includes(`${c.n}${c.different ? 'd' : ''}`)) : ALL;

const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

type Receipt = [number, number, { data?: { deviceChanged?: { device: { vendorDeviceId: string; isRecording: boolean } } } }];

/** The subscriber process, driven over IPC. */
function subscribers() {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bench/helpers/ws-subscribers.ts'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, T>) => {
        if (!(key in m)) return;
        child.off('message', on);
        resolve(m[key]!);
      };
      child.on('message', on);
    });
  return {
    open: (url: string, connections: number, queries: string[]) => (child.send({ open: { url, connections, queries } }), next<true>('opened')),
    expect: (n: number) => (child.send({ expect: n }), next<number>('arrived')),
    collect: () => (child.send({ collect: true }), next<Receipt[]>('receipts')),
    close: () => (child.send({ close: true }), new Promise((r) => child.once('exit', r))),
  };
}

/**
 * The longest a timer due at once had to wait while the probe ran: how long a poll could have been held up.
 * (monitorEventLoopDelay counts the time it was disabled as a stall when enabled again, so it cannot watch windows.)
 */
function timerLag() {
  let max = 0;
  let timer: NodeJS.Timeout | null = null;
  const tick = (from: number) => {
    timer = setTimeout(() => {
      max = Math.max(max, performance.now() - from - 1);
      tick(performance.now());
    }, 1);
  };
  return {
    start: () => tick(performance.now()),
    stop: () => void (timer && clearTimeout(timer)),
    reset: () => void (max = 0),
    get max() {
      return max;
    },
  };
}

/** Timestamps the simulator's replies to list reads (the polls), as they leave it. */
function pollWatch(server: Server) {
  const listeners = new Set<(at: number) => void>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://sim').pathname !== LIST) return;
    res.once('finish', () => {
      const at = now();
      for (const l of listeners) l(at);
    });
  });
  /** The reply time of the first poll that arrives from now on. */
  return () =>
    new Promise<number>((resolve) => {
      const l = (at: number) => (listeners.delete(l), resolve(at));
      listeners.add(l);
    });
}

async function level({ n, different }: Case) {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 20 });
  const baseUrl = await sim.listen(0);
  // the simulator's HTTP server is private to it; the bench only listens alongside to timestamp replies
  const nextPoll = pollWatch((sim.server as unknown as { server: Server }).server);
  const config = parseConfig({ allowAnonymous: true, sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }] }, {});
  const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet, pollers: { jitter: 0 } });
  const device = sim.deviceIds().find((id) => !id.startsWith('demo'))!;

  gc();
  const before = process.memoryUsage().rss;
  const clients = subscribers();
  const queries = Array.from(
    { length: n },
    // a distinct alias makes a distinct operation: each runs on its own
    (_, i) => `subscription { deviceChanged(filter:{ vendors:[EPIPHAN_CLOUD] }) { device { vendorDeviceId isRecording } ${different ? `c${i}: ` : ''}changedFields } }`,
  );
  await clients.open(app.url.replace(/^http/, 'ws') + '/graphql', Math.min(n, MAX_CONNECTIONS), queries);
  const shared = app.runtime.shared;
  for (const until = performance.now() + 10_000 + n; shared.subscribers < n && performance.now() < until; ) await sleep(20);
  // the poller reads its baseline, then settles
  await nextPoll();
  await nextPoll();
  gc();
  const perSubscriberBytes = (process.memoryUsage().rss - before) / n;

  let latencies: number[] = [];
  let lasts: number[] = [];
  let delivered = 0;
  let recording = true;
  let cold = NaN;
  let executions0 = shared.executions;
  const loop = timerLag();
  let t0 = performance.now();
  for (let e = -WARMUP; e < EVENTS; e++) {
    if (e === 0) {
      cold = Math.max(...lasts);
      [latencies, lasts, delivered] = [[], [], 0];
      sim.server.resetCounts();
      executions0 = shared.executions;
      loop.reset();
      t0 = performance.now();
    }
    // change the simulator mid-interval, as a person at the device would: no poll is in flight, the next one carries it
    await nextPoll();
    await sleep(POLL_MS / 2);
    const arrived = clients.expect(n);
    // the server's loop is watched while the change is polled and fanned out, not while the bench collects
    loop.start();
    await fetch(`${baseUrl}/front/api/v2/devices/${device}/task`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cmd: recording ? 'recording.start' : 'recording.stop' }),
    });
    const repliedAt = await nextPoll();
    await Promise.race([arrived, sleep(POLL_MS * 4 + n / 2)]);
    loop.stop();
    const mine = (await clients.collect())
      .filter(([, , p]) => {
        const d = p.data?.deviceChanged?.device;
        return d?.vendorDeviceId === device && d.isRecording === recording;
      })
      .map(([t]) => t - repliedAt);
    delivered += mine.length;
    latencies.push(...mine);
    lasts.push(Math.max(...mine));
    recording = !recording;
  }
  const elapsed = performance.now() - t0;
  const polls = sim.server.requestCounts()[`GET ${LIST}`] ?? 0;
  const executions = shared.executions - executions0;

  await clients.close();
  await app.close();
  await sim.close();
  return {
    pollsPerInterval: polls / (elapsed / POLL_MS),
    executionsPerEvent: executions / EVENTS,
    delivered: delivered / (n * EVENTS),
    min: Math.min(...latencies),
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    last: Math.max(...lasts),
    cold,
    loopMaxMs: loop.max,
    kbPerSubscriber: perSubscriberBytes / 1024,
  };
}

console.log(`poll interval ${POLL_MS} ms, ${EVENTS} events per level, at most ${MAX_CONNECTIONS} connections, clients in a child process`);
console.log('latency: from the simulator replying to the poll that carries the change, to the client receiving it');
console.log('subscribers | operations | polls/interval | executions/event | delivered | p50 ms | p99 ms | last ms | timer lag ms | server KB/subscriber | first event: last ms');
for (const c of CASES) {
  const r = await level(c);
  console.log(
    [
      String(c.n).padStart(11),
      (c.different ? 'different' : 'identical').padStart(10),
      r.pollsPerInterval.toFixed(2).padStart(14),
      r.executionsPerEvent.toFixed(2).padStart(16),
      `${(r.delivered * 100).toFixed(1)}%`.padStart(9),
      r.p50.toFixed(1).padStart(6),
      r.p99.toFixed(1).padStart(6),
      r.last.toFixed(1).padStart(7),
      r.loopMaxMs.toFixed(0).padStart(12),
      r.kbPerSubscriber.toFixed(2).padStart(20),
      r.cold.toFixed(1).padStart(21),
    ].join(' | '),
  );
  if (r.min < 0) console.log(`  (a receipt came ${(-r.min).toFixed(1)} ms before the timed reply: an earlier poll carried the change)`);
}
