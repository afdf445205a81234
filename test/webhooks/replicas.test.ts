import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';
import { readyOf, startReplica, writeConfig, type Replica } from '../helpers/replicas.js';
import { eventually } from '../helpers/stack.js';
import { Receiver } from './receiver.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'webhook-replica-token-5521';
/** Longer than the test needs to kill the replica holding a delivery, so the hanging attempt is still open then. */
const TIMEOUT_MS = 10_000;
/** Shorter than TIMEOUT_MS only here, so the takeover comes soon: in production it must exceed timeoutMs. */
const CLAIM_IDLE_MS = 3000;

describe('webhooks with Redis, across replicas', () => {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 4 });
  const receiver = new Receiver();
  const replicas: Replica[] = [];
  const prefix = `avgraph-webhooks-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  let devices: string[] = [];

  beforeAll(async () => {
    await redis.ping();
    const [baseUrl] = await Promise.all([sim.listen(0), receiver.listen()]);
    const configPath = writeConfig({
      allowAnonymous: true,
      host: '127.0.0.1',
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      leaseMs: 1000,
      mediaSecret: 'webhook-replica-media-0000',
      webhooks: { allowHosts: ['127.0.0.1'], pollMs: 30, refreshMs: 150, timeoutMs: TIMEOUT_MS, claimIdleMs: CLAIM_IDLE_MS, retryScheduleMs: [100, 200, 300, 400], jitter: 0 },
      sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: 150 }],
    });
    replicas.push(...(await Promise.all([startReplica(configPath), startReplica(configPath)])));
    const r = await gql(replicas[0]!, '{ devices(filter:{ connection: ONLINE }) { edges { node { id vendorDeviceId } } } }');
    devices = r.data.devices.edges.filter((e: any) => !e.node.vendorDeviceId.startsWith('demo')).map((e: any) => e.node.id);
    expect(devices.length).toBeGreaterThanOrEqual(3);
  }, 40_000);

  afterAll(async () => {
    for (const r of replicas) r.proc.kill('SIGKILL');
    await Promise.all([sim.close(), receiver.close()]);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  async function gql(r: Replica, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const res = await fetch(`${r.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    return res.json();
  }

  async function create(r: Replica, path: string): Promise<string> {
    const out = await gql(r, 'mutation($url:String!){ createWebhookEndpoint(url:$url, eventTypes:[DEVICE_CHANGED], filter:{ sourceIds:["cloud"] }) { ... on CreateWebhookEndpointSuccess { endpoint { id } } } }', { url: `${receiver.url}${path}` });
    return out.data.createWebhookEndpoint.endpoint.id;
  }

  const deliveries = async (r: Replica, endpointId: string) =>
    (await gql(r, '{ webhookEndpoints { id deliveries(first: 100) { id eventId status attempts } } }')).data.webhookEndpoints.find((e: any) => e.id === endpointId).deliveries as { eventId: string; status: string; attempts: number }[];

  const toggle = (r: Replica, deviceId: string, on: boolean) => gql(r, `mutation($id:ID!){ ${on ? 'startRecording' : 'stopRecording'}(deviceId:$id) { __typename } }`, { id: deviceId });

  const fleetReads = () => Math.max(0, ...Object.values(sim.server.requestCounts()));

  /** Every live replica knows the endpoints (its pollers joined), and the leader has read the fleet twice since: changes are news. */
  async function armed(live: Replica[]): Promise<void> {
    await eventually(async () => (await Promise.all(live.map(readyOf))).every((s) => s.sources[0]!.role !== null), 5000, 'replicas to know the endpoint');
    await eventually(async () => (await Promise.all(live.map(readyOf))).some((s) => s.sources[0]!.polling), 5000, 'a leader');
    const before = fleetReads();
    await eventually(() => fleetReads() >= before + 2, 5000, 'two polls');
  }

  const bodyOf = (path: string) => receiver.at(path).map((x) => ({ id: x.id, status: x.status, at: JSON.parse(x.body).timestamp as string, device: JSON.parse(x.body).data.device }));

  it('delivers each event once, whichever replica sees it', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const endpoint = await create(a, '/once');
    await armed([a, b]);
    for (const [i, d] of devices.slice(0, 3).entries()) await toggle(i % 2 ? b : a, d, true);
    await eventually(() => devices.slice(0, 3).every((d) => bodyOf('/once').some((x) => x.device.id === d && x.device.isRecording)), 8000, 'every start delivered');
    for (const [i, d] of devices.slice(0, 3).entries()) await toggle(i % 2 ? a : b, d, false);
    await eventually(() => devices.slice(0, 3).every((d) => bodyOf('/once').some((x) => x.device.id === d && x.device.isRecording === false)), 8000, 'every stop delivered');
    await eventually(async () => (await deliveries(b, endpoint)).every((d) => d.status === 'SUCCEEDED'), 5000, 'all settled');

    const ids = receiver.at('/once').map((x) => x.id);
    // no retries were needed, so any repeat would be a second replica delivering the same event
    expect(ids.length).toBe(new Set(ids).size);
    // ... under the same webhook-id or not: each event (device, state, time) arrived once
    const events = bodyOf('/once').map((x) => `${x.device.id} ${x.device.isRecording} ${x.at}`);
    expect(events.length).toBe(new Set(events).size);
    expect(new Set(ids)).toEqual(new Set((await deliveries(a, endpoint)).map((d) => d.eventId)));
    expect(ids.length).toBeGreaterThanOrEqual(6);
    await gql(a, 'mutation($id:ID!){ deleteWebhookEndpoint(id:$id) { __typename } }', { id: endpoint });
    // no endpoint left: every replica lets its pollers go
    await eventually(async () => (await Promise.all(replicas.map(readyOf))).every((s) => s.sources[0]!.role === null), 5000, 'pollers released');
  });

  it('a replica killed mid-delivery loses nothing: another replica delivers what it held', async () => {
    receiver.answers.set('/hang', (n) => (n === 0 ? 'hang' : 200));
    const [a, b] = replicas as [Replica, Replica];
    const endpoint = await create(b, '/hang');
    await armed([a, b]);
    await toggle(a, devices[0]!, true);
    const first = await eventually(() => receiver.at('/hang')[0], 5000, 'the first attempt');
    expect(first.status).toBeNull();

    // whoever holds the delivery (its consumer in the group) dies with the request open
    const pending = (await redis.xpending(`${prefix}:webhooks:queue`, 'workers')) as [number, string, string, [string, string][]];
    expect(pending[0]).toBe(1);
    const holder = pending[3][0]![0];
    const states = await Promise.all(replicas.map(readyOf));
    const victim = replicas[states.findIndex((s) => s.replica === holder)]!;
    const survivor = victim === a ? b : a;
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    const killedAt = Date.now();
    // killed while its attempt was still open: what follows is a takeover, not the holder finishing
    expect(killedAt - first.at).toBeLessThan(CLAIM_IDLE_MS);
    expect(receiver.at('/hang')).toHaveLength(1);

    // a change made meanwhile, through the survivor, is delivered too
    await armed([survivor]);
    await toggle(survivor, devices[1]!, true);

    const again = await eventually(() => receiver.at('/hang').find((x) => x.id === first.id && x.status === 200), CLAIM_IDLE_MS + 8000, 'the redelivery by the survivor');
    expect(again.id).toBe(first.id);
    expect(again.at).toBeGreaterThanOrEqual(killedAt);
    await eventually(() => bodyOf('/hang').some((x) => x.device.id === devices[1] && x.device.isRecording && x.status === 200), 5000, 'the later event');
    const log = await eventually(async () => {
      const l = await deliveries(survivor, endpoint);
      return l.length >= 2 && l.every((d) => d.status === 'SUCCEEDED') && l;
    }, 5000, 'everything delivered');
    expect(new Set(log.map((d) => d.eventId))).toEqual(new Set(receiver.accepted('/hang').keys()));
  }, 30_000);
});
