/**
 * Subscription soak: 100 graphql-ws subscribers (each its own execution) while events flow for SOAK_SECONDS
 * (default 600). Samples the heap after a full GC and prints its slope: flat means nothing is retained per
 * event. Run: npm run bench:soak   (SOAK_SECONDS=60 for a quick look)
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { start } from '../src/start.js';

const TOKEN = 'bench-token-soak-000';
const SUBSCRIBERS = 100;
const CONNECTIONS = 10;
const POLL_MS = 100;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const SAMPLE_MS = Math.max(2_000, (SECONDS * 1000) / 40);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with NODE_OPTIONS=--expose-gc (npm run bench:soak does)');
const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return num / den;
}

const simProc = spawn(process.execPath, ['--import', 'tsx', 'bench/helpers/epiphan-sim-process.ts', TOKEN, '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(simProc.stdout!, 'data')) as [Buffer];
const { baseUrl, devices: allDevices } = JSON.parse(String(line)) as { baseUrl: string; devices: string[] };
const config = parseConfig({ allowAnonymous: true, sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }] }, {});
const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet, pollers: { jitter: 0 } });
const devices = allDevices.filter((id) => !id.startsWith('demo'));

const clients: Client[] = Array.from({ length: CONNECTIONS }, () =>
  createClient({ url: app.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0, lazy: false }),
);
let delivered = 0;
for (let i = 0; i < SUBSCRIBERS; i++) {
  // a distinct alias per subscriber: no two share an execution, so every live stream runs on its own
  clients[i % CONNECTIONS]!.subscribe(
    { query: `subscription { s${i}: deviceChanged { device { vendorDeviceId isRecording name } changedFields at } }` },
    { next: () => void (delivered += 1), error: (e) => console.error('subscription error', e), complete: () => undefined },
  );
}
await sleep(1500);

// events flow: devices start and stop recording at the simulator, as people at the devices would
let running = true;
const changer = (async () => {
  let on = true;
  while (running) {
    for (const id of devices.slice(0, 4)) {
      await fetch(`${baseUrl}/front/api/v2/devices/${id}/task`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ cmd: on ? 'recording.start' : 'recording.stop' }),
      });
    }
    on = !on;
    await sleep(POLL_MS * 2);
  }
})();

console.log(`${SUBSCRIBERS} subscribers on ${CONNECTIONS} connections, poll ${POLL_MS} ms, ${SECONDS} s, heap sampled every ${(SAMPLE_MS / 1000).toFixed(0)} s after GC`);
console.log('   t s | heap MB | delivered events');
const samples: [number, number][] = [];
const t0 = performance.now();
const d0 = delivered;
// the first sample is taken after a warm-up, so caches and JIT state settle before the slope is measured
await sleep(SAMPLE_MS);
while (performance.now() - t0 < SECONDS * 1000) {
  gc();
  const heap = process.memoryUsage().heapUsed / 1024 / 1024;
  const t = (performance.now() - t0) / 1000;
  samples.push([t, heap]);
  console.log(`${t.toFixed(0).padStart(6)} | ${heap.toFixed(2).padStart(7)} | ${delivered - d0}`);
  await sleep(SAMPLE_MS);
}
running = false;
await changer;
const perSecond = slope(samples);
const eventsPerSecond = (delivered - d0) / ((performance.now() - t0) / 1000);
console.log(`heap slope: ${(perSecond * 60).toFixed(3)} MB/min (${((perSecond * 1024 * 1024) / eventsPerSecond).toFixed(1)} B per delivered event), ${eventsPerSecond.toFixed(0)} events delivered/s`);
await Promise.all(clients.map((c) => c.dispose()));
await app.close();
simProc.kill('SIGTERM');
