import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EpiphanSimulator } from '../src/sources/epiphan/simulator.js';
import { freePort, OwnRedis, readyOf, startReplica, writeConfig, type Replica } from './helpers/replicas.js';
import { eventually } from './helpers/stack.js';

const TOKEN = 'outage-test-token-5521';
const LEASE_MS = 900;
const POLL_MS = 250;

/**
 * Two replicas on a Redis of the test's own, which the test stops and starts again: neither process exits, each
 * serves its own subscribers while Redis is away, a change made meanwhile reaches every subscriber once, and
 * once Redis is back one replica polls again.
 */
describe('a Redis outage under two replicas', () => {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 4 });
  const replicas: Replica[] = [];
  const clients: Client[] = [];
  let redis: OwnRedis;
  let deviceId = '';

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const baseUrl = await sim.listen(0);
    const configPath = writeConfig({
      allowAnonymous: true,
      host: '127.0.0.1',
      redisUrl: redis.url,
      leaseMs: LEASE_MS,
      mediaSecret: 'outage-media-secret-00000',
      sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }],
    });
    replicas.push(await startReplica(configPath), await startReplica(configPath));
    const r = await gql(replicas[0]!, '{ devices(filter:{ connection: ONLINE }) { edges { node { id vendorDeviceId } } } }');
    deviceId = r.data.devices.edges.find((e: any) => !e.node.vendorDeviceId.startsWith('demo')).node.id;
  }, 40_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const r of replicas) r.proc.kill('SIGKILL');
    await redis.stop();
    await sim.close();
  });

  async function gql(r: Replica, query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const res = await fetch(`${r.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    expect(res.status).toBe(200);
    return res.json();
  }

  /** The recording states one subscriber was told for the test device, in order. */
  function subscribe(r: Replica): boolean[] {
    const states: boolean[] = [];
    const client = createClient({ url: r.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { deviceChanged { device { id isRecording } } }' },
      {
        next: (v: any) => void (v.data.deviceChanged.device.id === deviceId && states.push(v.data.deviceChanged.device.isRecording)),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return states;
  }

  const mutate = (r: Replica, op: 'startRecording' | 'stopRecording') =>
    gql(r, `mutation($id:ID!){ ${op}(deviceId:$id) { __typename } }`, { id: deviceId });
  const roles = async () => Promise.all(replicas.map(async (r) => (await readyOf(r)).sources[0]!.role));
  const alive = () => replicas.every((r) => r.proc.exitCode === null && r.proc.signalCode === null);

  it('keeps serving through the outage, delivers what changed meanwhile once, and converges when Redis returns', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const onA = subscribe(a);
    const onB = subscribe(b);
    await eventually(async () => (await roles()).sort().join() === 'follower,leader', 5000, 'one leader');

    await redis.stop();
    await eventually(async () => (await Promise.all(replicas.map(readyOf))).every((s) => s.redis === 'down' && s.status === 'degraded'), 5000, '/ready saying Redis is down');
    await eventually(async () => (await roles()).every((r) => r === 'local'), 3000, 'both replicas polling on their own');
    // let each take its first poll of its own, then change the device through one replica
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    expect((await mutate(a, 'startRecording')).data.startRecording.__typename).toBe('StartRecordingSuccess');
    // a subscription opened during the outage works too
    const onLate = subscribe(b);
    await eventually(() => onA.includes(true) && onB.includes(true), 4000, 'the change on both replicas during the outage');
    // the mutation's process and the other one are still there well after (they used to exit ~2 s later)
    await new Promise((r) => setTimeout(r, 2500));
    expect(alive()).toBe(true);

    await redis.start();
    await eventually(async () => (await Promise.all(replicas.map(readyOf))).every((s) => s.redis === 'up' && s.status === 'ready'), 8000, 'Redis back on both');
    await eventually(async () => (await roles()).sort().join() === 'follower,leader', 5000, 'one leader again');
    expect((await mutate(b, 'stopRecording')).data.stopRecording.__typename).toBe('StopRecordingSuccess');
    await eventually(() => onA.at(-1) === false && onB.at(-1) === false && onLate.at(-1) === false, 4000, 'the change after Redis returned');
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    // each subscriber was told each change exactly once
    expect(onA).toEqual([true, false]);
    expect(onB).toEqual([true, false]);
    expect(onLate).toEqual(onLate.length === 2 ? [true, false] : [false]);
    expect(alive()).toBe(true);
  }, 40_000);
});
