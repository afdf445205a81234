/**
 * Time of one runFleetCommand over 100 devices (50 Epiphan Cloud + 50 AV Studio, simulated over real HTTP), from
 * the mutation's request to its answer with every device's outcome: validation of all 100, then the command and
 * the read after it on each, concurrencyPerSource at a time per source, both sources side by side.
 * Measured with the simulators answering at once, and with 50 ms added to every vendor reply (a cloud's round trip).
 * Run: npm run bench:fleet
 */
import { Writable } from 'node:stream';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { start } from '../src/start.js';

const DEVICES_PER_SOURCE = 50;
const RUNS = 5;
const quiet = createLogger({ secrets: () => [], destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const RUN = `mutation($ids: [ID!]!, $kind: FleetCommandKind!) {
  runFleetCommand(devices: { deviceIds: $ids }, command: { kind: $kind }) {
    __typename ... on FleetCommand { total succeeded failed }
  }
}`;

async function bench(concurrencyPerSource: number, latencyMs: number): Promise<number[]> {
  const token = 'bench-token-000000';
  // 60 devices a simulator: every seventh is offline, the two demo devices are left out
  const sims = [
    new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token, fleetSize: 60 }),
    new EpiphanSimulator({ flavor: 'AV_STUDIO', token, fleetSize: 60 }),
  ];
  const [cloudUrl, studioUrl] = await Promise.all(sims.map((s) => s.listen(0)));
  const config = parseConfig(
    {
      allowAnonymous: true,
      fleetCommands: { concurrencyPerSource },
      sources: [
        { id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl: cloudUrl, token, maxAgeMs: 0 },
        { id: 'studio', vendor: 'AV_STUDIO', baseUrl: studioUrl, token, maxAgeMs: 0 },
      ],
    },
    {},
  );
  const app = await start({ config, port: 0, host: '127.0.0.1', log: quiet });
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data: any; errors?: unknown[] };
  };
  const list = await gql(`{ devices(filter: { connection: ONLINE }, first: 500) { edges { node { id vendorDeviceId source { name } } } } }`);
  const nodes: { id: string; vendorDeviceId: string; source: { name: string } }[] = list.data.devices.edges.map((e: any) => e.node);
  const ids = ['cloud', 'studio'].flatMap((s) =>
    nodes.filter((n) => n.source.name === s && !n.vendorDeviceId.startsWith('demo')).slice(0, DEVICES_PER_SOURCE).map((n) => n.id),
  );
  if (ids.length !== 2 * DEVICES_PER_SOURCE) throw new Error(`expected ${2 * DEVICES_PER_SOURCE} devices, found ${ids.length}`);
  for (const s of sims) s.server.setFaults({ latencyMs });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await gql(RUN, { ids, kind: i % 2 ? 'STOP_RECORDING' : 'START_RECORDING' });
    times.push(performance.now() - t0);
    const run = r.data?.runFleetCommand;
    if (run?.succeeded !== ids.length) throw new Error(`fleet command did not succeed everywhere: ${JSON.stringify(r)}`);
  }
  await app.close();
  await Promise.all(sims.map((s) => s.close()));
  return times;
}

console.log(`runFleetCommand over ${2 * DEVICES_PER_SOURCE} devices (2 sources), median of ${RUNS} runs`);
for (const latencyMs of [0, 50]) {
  for (const concurrency of [4, 16]) {
    const times = await bench(concurrency, latencyMs);
    const all = times.map((t) => Math.round(t)).join(', ');
    console.log(`  vendor latency ${String(latencyMs).padStart(2)} ms, concurrencyPerSource ${String(concurrency).padStart(2)}: ${Math.round(median(times))} ms  (${all})`);
  }
}
