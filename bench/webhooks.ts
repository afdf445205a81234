/**
 * Webhook delivery latency at a steady event rate: deviceChanged events published on avgraph's pub/sub at RATE
 * per second (as a poller publishes them), one endpoint subscribed, a local receiver answering 200 at once.
 * Latency is from the event's publication (its `at`, the body's timestamp) to the receiver reading the request;
 * p50/p99 over every event, in memory and, when Redis answers at REDIS_URL, with the Redis queue.
 * Run: npm run bench:webhooks   (RATE=100 SECONDS=10 to change the load)
 */
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { parseConfig } from '../src/config.js';
import { createLogger } from '../src/log.js';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { start } from '../src/start.js';

const TOKEN = 'bench-token-webhooks-000';
const RATE = Number(process.env.RATE ?? 100);
const SECONDS = Number(process.env.SECONDS ?? 10);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function redisAnswers(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 1000, lazyConnect: true, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function run(label: string, extra: Record<string, unknown>): Promise<void> {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 4 });
  const baseUrl = await sim.listen(0);
  const latencies = new Map<string, number>();
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = Date.now();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      const id = String(req.headers['webhook-id']);
      if (!latencies.has(id)) latencies.set(id, now - Date.parse(body.timestamp));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  const config = parseConfig(
    {
      port: 0,
      allowAnonymous: true,
      mediaSecret: 'bench-media-secret-webhooks-0',
      webhooks: { allowHosts: ['127.0.0.1'] },
      ...extra,
      sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: 60_000 }],
    },
    {},
  );
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  const app = await start({ config, host: '127.0.0.1', port: 0, log: createLogger({ secrets: () => [TOKEN], level: 'warn', destination: quiet }) });
  while (extra.redisUrl && app.runtime.redisState() !== 'up') await new Promise((r) => setTimeout(r, 20));
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation($url:String!){ createWebhookEndpoint(url:$url, eventTypes:[DEVICE_CHANGED]) { __typename } }', variables: { url: receiverUrl } }),
  });
  const created = ((await res.json()) as { data: { createWebhookEndpoint: { __typename: string } } }).data.createWebhookEndpoint.__typename;
  if (created !== 'CreateWebhookEndpointSuccess') throw new Error(`endpoint not created: ${created}`);
  const [device] = (await app.runtime.stores.get('cloud')!.fleet()).devices;
  if (!device) throw new Error('no device');

  const total = RATE * SECONDS;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    app.runtime.pubsub.publish('deviceChanged', { device: { ...device, name: `bench ${i}` }, changedFields: ['name'], at: new Date() });
  }
  const until = Date.now() + 30_000;
  while (latencies.size < total && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  const sorted = [...latencies.values()].sort((a, b) => a - b);
  console.log(
    `${label}: ${RATE} events/s for ${SECONDS}s: delivered ${latencies.size}/${total}; latency p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)} ms`,
  );
  await app.close();
  await Promise.all([sim.close(), new Promise((r) => receiver.close(r))]);
  if (extra.redisPrefix) {
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${String(extra.redisPrefix)}:*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  }
}

await run('in memory', {});
if (await redisAnswers()) await run('with Redis', { redisUrl: REDIS_URL, redisPrefix: `bench-webhooks-${randomBytes(4).toString('hex')}` });
else console.log(`with Redis: skipped (no Redis at ${REDIS_URL})`);
