import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';
import { pollingOf, readyOf, startReplica, writeConfig, type Replica } from '../helpers/replicas.js';
import { eventually, simPost } from '../helpers/stack.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'health-replica-token-7d21';
const LEASE_MS = 1000;
const POLL_MS = 200;

interface Change {
  device: { id: string };
  health: { state: string };
  previous: { state: string } | null;
}

describe('deviceHealthChanged with two replicas sharing one Redis', () => {
  const sim = new EpiphanSimulator({ flavor: 'EPIPHAN_CLOUD', token: TOKEN, fleetSize: 6 });
  const replicas: Replica[] = [];
  const clients: Client[] = [];
  const prefix = `avgraph-health-${randomBytes(4).toString('hex')}`;
  let devices: { id: string; vendorDeviceId: string }[] = [];
  let baseUrl = '';
  let configPath = '';

  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    await redis.ping();
    await redis.quit();
    baseUrl = await sim.listen(0);
    configPath = writeConfig({
      allowAnonymous: true,
      host: '127.0.0.1',
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      leaseMs: LEASE_MS,
      mediaSecret: 'health-replica-media-secret-00',
      // offline stays WARNING for the whole test: one change each way
      health: { offlineMinutes: 60 },
      sources: [{ id: 'cloud', vendor: 'EPIPHAN_CLOUD', baseUrl, token: TOKEN, pollIntervalMs: POLL_MS }],
    });
    replicas.push(await startReplica(configPath), await startReplica(configPath));
    const r = await fetch(`${replicas[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ devices(filter:{ connection: ONLINE }) { edges { node { id vendorDeviceId } } } }' }),
    });
    devices = ((await r.json()) as any).data.devices.edges.map((e: any) => e.node).filter((d: any) => !d.vendorDeviceId.startsWith('demo'));
  }, 40_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    for (const r of replicas) r.proc.kill('SIGKILL');
    await sim.close();
  });

  function subscribe(r: Replica): Change[] {
    const events: Change[] = [];
    const client = createClient({ url: r.url.replace(/^http/, 'ws') + '/graphql', webSocketImpl: WebSocket, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: 'subscription { deviceHealthChanged { device { id } health { state } previous { state } } }' },
      { next: (v) => void events.push((v.data as { deviceHealthChanged: Change }).deviceHealthChanged), error: () => undefined, complete: () => undefined },
    );
    return events;
  }

  const control = (name: 'offline' | 'online', vendorDeviceId: string) => simPost(baseUrl, name, { deviceId: vendorDeviceId });
  const listReads = () => sim.server.requestCounts()['GET /front/api/v2/devices'] ?? 0;
  /** Waits for `n` more polls of the simulator's fleet (by whichever replica). */
  const polls = async (n: number) => {
    const from = listReads();
    await eventually(() => listReads() >= from + n, 5000, `${n} polls`);
  };
  const killed = (r: Replica) => {
    const exited = new Promise((resolve) => r.proc.once('exit', resolve));
    r.proc.kill('SIGKILL');
    return exited;
  };
  const transitions = (events: Change[], id: string) => events.filter((e) => e.device.id === id).map((e) => `${e.previous?.state}>${e.health.state}`);

  it('is announced once per change, by the replica that polls, to subscribers of every replica', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const onA = subscribe(a);
    const onB = subscribe(b);
    await eventually(async () => (await pollingOf(a, 'cloud')) || (await pollingOf(b, 'cloud')), 5000, 'a leader');
    await polls(2);
    const dev = devices[0]!;
    await control('offline', dev.vendorDeviceId);
    await eventually(() => transitions(onA, dev.id).length > 0 && transitions(onB, dev.id).length > 0, 5000, 'the change on both replicas');
    await control('online', dev.vendorDeviceId);
    await eventually(() => transitions(onA, dev.id).length > 1 && transitions(onB, dev.id).length > 1, 5000, 'the change back on both replicas');
    // a few more polls: a second announcer would have repeated by now
    await polls(3);
    expect(transitions(onA, dev.id)).toEqual(['OK>WARNING', 'WARNING>OK']);
    expect(transitions(onB, dev.id)).toEqual(['OK>WARNING', 'WARNING>OK']);
  });

  it('goes on from the survivor when the polling replica dies, without repeating what was announced', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const leader = (await pollingOf(a, 'cloud')) ? a : b;
    const survivor = leader === a ? b : a;
    const events = subscribe(survivor);
    await polls(2);
    const dev = devices[1]!;
    const quiet = devices[2]!;
    await control('offline', dev.vendorDeviceId);
    await eventually(() => transitions(events, dev.id).length > 0, 5000, 'the change from the leader');
    await killed(leader);
    // during the handover: a device nothing was ever announced about changes before the survivor's first poll
    await control('offline', quiet.vendorDeviceId);
    await eventually(() => pollingOf(survivor, 'cloud'), 2 * LEASE_MS + 3000, 'the survivor to take over');
    await polls(2);
    // the survivor knows the device is WARNING already: nothing new to say until it changes
    expect(transitions(events, dev.id)).toEqual(['OK>WARNING']);
    // and judges its first poll against what the dead leader recorded, so the handover's change is news
    expect(transitions(events, quiet.id)).toEqual(['OK>WARNING']);
    await control('online', dev.vendorDeviceId);
    await eventually(() => transitions(events, dev.id).length > 1, 5000, 'the change from the survivor');
    expect(transitions(events, dev.id)).toEqual(['OK>WARNING', 'WARNING>OK']);
  });

  it('a replica started while another polls takes over with its record: a change during the handover is announced once', async () => {
    const leader = replicas.find((r) => r.proc.exitCode === null && r.proc.signalCode === null)!;
    const late = await startReplica(configPath);
    replicas.push(late);
    const events = subscribe(late);
    await eventually(async () => (await readyOf(late)).sources.find((s) => s.id === 'cloud')?.role === 'follower', 5000, 'the new replica to follow');
    await polls(2);
    const dev = devices[3]!;
    await killed(leader);
    await control('offline', dev.vendorDeviceId);
    await eventually(() => pollingOf(late, 'cloud'), 2 * LEASE_MS + 3000, 'the new replica to take over');
    await eventually(() => transitions(events, dev.id).length > 0, 5000, 'the change from the new replica');
    await polls(2);
    expect(transitions(events, dev.id)).toEqual(['OK>WARNING']);
    // what the old leader announced before the new replica started is not repeated
    expect(transitions(events, devices[1]!.id)).toEqual([]);
  }, 20_000);
});
