import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { pollingOf, startReplica, writeConfig, type Replica } from './helpers/replicas.js';
import { eventually } from './helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'replica-test-token-4411';
const LEASE_MS = 1000;
const POLL_MS = 300;

const polling = (r: Replica) => pollingOf(r, 'cloud');

describe('two replicas sharing one Redis', () => {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 4 });
  const replicas: Replica[] = [];
  const clients: Client[] = [];
  const prefix = `avgraph-test-${randomBytes(4).toString('hex')}`;
  let deviceId = '';

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    await redis.ping();
    await redis.quit();
    const baseUrl = await sim.listen(0);
    const configPath = writeConfig({
      allowAnonymous: true,
      host: '127.0.0.1',
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      leaseMs: LEASE_MS,
      mediaSecret: 'replica-media-secret-0000',
      sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }],
    });
    replicas.push(await startReplica(configPath), await startReplica(configPath));
    const r = await fetch(`${replicas[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ devices(filter:{ connection: ONLINE }) { edges { node { id vendorDeviceId } } } }' }),
    });
    deviceId = ((await r.json()) as any).data.devices.edges.find((e: any) => !e.node.vendorDeviceId.startsWith('demo')).node.id;
  }, 40_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const r of replicas) r.proc.kill('SIGKILL');
    await sim.close();
  });

  function subscribe(r: Replica) {
    const events: any[] = [];
    const client = createClient({ url: r.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { deviceChanged { device { id isRecording } changedFields } }' },
      { next: (v) => void events.push(v.data), error: () => undefined, complete: () => undefined },
    );
    return events;
  }

  const mutate = (r: Replica, op: 'startRecording' | 'stopRecording') =>
    fetch(`${r.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation($id:ID!){ ${op}(deviceId:$id) { __typename } }`, variables: { id: deviceId } }),
    }).then((x) => x.json());

  it('polls each source from one replica only, and events cross to the other', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const onA = subscribe(a);
    const onB = subscribe(b);
    await eventually(async () => (await polling(a)) || (await polling(b)), 5000, 'a leader');
    expect([await polling(a), await polling(b)].filter(Boolean)).toHaveLength(1);

    sim.server.resetCounts();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    const polls = sim.server.requestCounts()['GET /front/api/v2/devices'] ?? 0;
    const intervals = (Date.now() - t0) / POLL_MS;
    expect(polls).toBeLessThanOrEqual(Math.ceil(intervals * 1.2) + 1);
    expect(polls).toBeGreaterThanOrEqual(2);

    // the mutation goes to the replica that does not poll: its kick reaches the leader through Redis
    const follower = (await polling(a)) ? b : a;
    await mutate(follower, 'startRecording');
    await eventually(() => onA.some((e) => e.deviceChanged.device.id === deviceId && e.deviceChanged.device.isRecording), 2000, 'the event on A');
    await eventually(() => onB.some((e) => e.deviceChanged.device.id === deviceId && e.deviceChanged.device.isRecording), 2000, 'the event on B');
  });

  it('moves polling to the survivor when the leader dies, keeping the survivor\'s subscription', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const leader = (await polling(a)) ? a : b;
    const survivor = leader === a ? b : a;
    const events = subscribe(survivor);
    await new Promise((r) => setTimeout(r, 300));
    leader.proc.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(() => polling(survivor), 2 * LEASE_MS + 1500, 'the survivor to take over');
    expect(Date.now() - killedAt).toBeLessThan(2 * LEASE_MS + 1500);
    await mutate(survivor, 'stopRecording');
    await eventually(() => events.some((e) => e.deviceChanged.device.id === deviceId && e.deviceChanged.device.isRecording === false), 3000, 'the event after takeover');
  });
});
