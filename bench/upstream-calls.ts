/**
 * Prints the upstream calls one dashboard query costs for a small and a large fleet (they must be equal:
 * one list call per source), and how long avgraph takes from start() to serving in demo mode.
 * Run: npm run bench
 */
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { start } from '../src/start.js';

const QUERY = `{ devices(first: 500) { totalCount edges { node {
  id name connection isRecording settings { resolution videoBitrateKbps } storage { kind queuedSeconds }
  streams { state url } latestSnapshot { url }
} } } }`;
const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });

async function callsFor(fleetSize: number) {
  const token = 'bench-token-000000';
  const sims = [
    new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token, fleetSize }),
    new EpiphanSimulator({ flavor: 'AV_STUDIO', token, fleetSize }),
  ];
  const [cloud, studio] = await Promise.all(sims.map((s) => s.listen(0)));
  const config = parseConfig(
    {
      allowAnonymous: true,
      sources: [
        { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: cloud, token },
        { id: 'studio', vendor: 'AV_STUDIO', baseUrl: studio, token },
      ],
    },
    {},
  );
  const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet });
  const t0 = performance.now();
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await res.json()) as { data: { devices: { totalCount: number } } };
  const ms = performance.now() - t0;
  const calls = sims.map((s) => Object.values(s.server.requestCounts()).reduce((a, b) => a + b, 0));
  await app.close();
  await Promise.all(sims.map((s) => s.close()));
  return { devices: body.data.devices.totalCount, calls, ms };
}

async function demoStartup() {
  const t0 = performance.now();
  const app = await start({ port: 0, host: '127.0.0.1', log: quiet });
  const ready = performance.now() - t0;
  await app.close();
  return ready;
}

const small = await callsFor(0);
const large = await callsFor(48);
console.log('fleet query (devices + settings + storage + streams + latestSnapshot):');
for (const r of [small, large]) {
  console.log(
    `  ${String(r.devices).padStart(3)} devices: upstream calls cloud=${r.calls[0]} studio=${r.calls[1]}  (${r.ms.toFixed(1)} ms)`,
  );
}
console.log(`  calls ratio large/small: ${(large.calls[0]! + large.calls[1]!) / (small.calls[0]! + small.calls[1]!)}`);
console.log(`demo start() to listening: ${(await demoStartup()).toFixed(1)} ms`);
