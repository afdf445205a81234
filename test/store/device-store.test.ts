import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type Running } from '../../src/start.js';
import { eventually, Stack } from '../helpers/stack.js';

const FLEET = `{ devices(first: 50) { totalCount edges { node { id isRecording observedAt } } } }`;
const listCalls = (stack: Stack) =>
  (stack.cloud.server.requestCounts()['GET /front/api/v2/devices'] ?? 0) + (stack.studio.server.requestCounts()['GET /front/api/v2/devices'] ?? 0);
const resetCounts = (stack: Stack) => {
  stack.cloud.server.resetCounts();
  stack.studio.server.resetCounts();
};

describe('the shared device store', () => {
  const stack = new Stack({ maxAgeMs: 60_000, magewell: 6, timeScale: 50 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('answers within the freshness bound from one read, however many queries ask; @fresh reads again', async () => {
    const first = await stack.gql(FLEET);
    resetCounts(stack);
    const again = await Promise.all(Array.from({ length: 10 }, () => stack.gql(FLEET)));
    expect(listCalls(stack)).toBe(0);
    // observedAt says how old the answer is: the same read for every one of them
    const at = first.data.devices.edges[0].node.observedAt;
    expect(again.every((r) => r.data.devices.edges[0].node.observedAt === at)).toBe(true);

    const now = await stack.gql(`query @fresh ${FLEET}`);
    expect(listCalls(stack)).toBe(2);
    expect(Date.parse(now.data.devices.edges[0].node.observedAt)).toBeGreaterThan(Date.parse(at));
    await stack.gql(`query @fresh(maxAgeMs: 60000) ${FLEET}`);
    expect(listCalls(stack)).toBe(2);
  });

  it('shares one upstream read among concurrent queries that each want it now', async () => {
    stack.cloud.server.setFaults({ latencyMs: 600 });
    stack.studio.server.setFaults({ latencyMs: 600 });
    try {
      resetCounts(stack);
      const answers = await Promise.all(Array.from({ length: 30 }, () => stack.gql(`query @fresh ${FLEET}`)));
      expect(answers.every((r) => r.data.devices.totalCount === answers[0]!.data.devices.totalCount)).toBe(true);
      expect(listCalls(stack)).toBe(2);
    } finally {
      stack.cloud.server.resetFaults();
      stack.studio.server.resetFaults();
    }
  });

  it('shows a mutation\'s effect to the next query at once (read your writes), from one device read', async () => {
    const devices = await stack.deviceIds('studio');
    const target = devices.find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'))!;
    await stack.gql(FLEET);
    resetCounts(stack);
    const r = await stack.gql(`mutation($id:ID!){ startRecording(deviceId:$id){ __typename } }`, { id: target.id });
    expect(r.data.startRecording.__typename).toBe('StartRecordingSuccess');
    const after = await stack.gql(`query($id:ID!){ device(id:$id){ isRecording } }`, { id: target.id });
    expect(after.data.device.isRecording).toBe(true);
    // the command and one read of that device; no fleet read
    expect(stack.studio.server.requestCounts()['GET /front/api/v2/devices']).toBeUndefined();
    await stack.gql(`mutation($id:ID!){ stopRecording(deviceId:$id){ __typename } }`, { id: target.id });
  });

  it('reads one Magewell encoder alone: the same upstream calls whatever the number of encoders', async () => {
    const counts = () => {
      let n = 0;
      for (const e of stack.magewell!.encoders) for (const [k, v] of Object.entries(e.server.requestCounts())) if (!k.includes('login')) n += v;
      return n;
    };
    const ids = await stack.deviceIds('encoders');
    expect(ids).toHaveLength(6);
    // let the first read's freshness lapse for this one device only
    for (const e of stack.magewell!.encoders) e.server.resetCounts();
    const r = await stack.gql(`query($id:ID!){ device(id:$id) @include(if: true) { name connection } }`, { id: ids[3]!.id });
    expect(r.data.device.name).toBeTruthy();
    expect(counts()).toBe(0);
    const fresh = await stack.gql(`query($id:ID!) @fresh { device(id:$id) { name connection } }`, { id: ids[3]!.id });
    expect(fresh.data.device.connection).toBe('ONLINE');
    expect(counts()).toBe(2);
  });

  it('lists a camera added and drops one removed at once, within the freshness window', async () => {
    const ev = new Stack({ maxAgeMs: 60_000, evercam: true });
    await ev.start();
    try {
      const names = async () =>
        (await ev.gql(`{ devices(first: 100, filter:{ vendors:[EVERCAM] }) { edges { node { name } } } }`)).data.devices.edges.map((e: any) => e.node.name);
      expect(await names()).not.toContain('Gate Cam');
      const add = `mutation($in:CameraInput!){ r: addCamera(sourceId:"sites", input:$in) { ... on AddCameraSuccess { device { id } } } }`;
      const made = await ev.gql(add, { in: { name: 'Gate Cam', isPublic: false, externalHost: 'gate.example-site.net', externalHttpPort: 8081, jpgUrl: '/snap.jpg' } });
      const id = made.data.r.device.id;
      expect(await names()).toContain('Gate Cam');
      await ev.gql(`mutation($id:ID!){ removeCamera(deviceId:$id) { __typename } }`, { id });
      expect(await names()).not.toContain('Gate Cam');
    } finally {
      await ev.close();
    }
  });

  it('goes upstream again once the freshness bound has passed', async () => {
    const short = new Stack({ maxAgeMs: 300 });
    await short.start();
    try {
      await short.gql(FLEET);
      resetCounts(short);
      await short.gql(FLEET);
      expect(listCalls(short)).toBe(0);
      await new Promise((r) => setTimeout(r, 400));
      await short.gql(FLEET);
      expect(listCalls(short)).toBe(2);
    } finally {
      await short.close();
    }
  });

  it('is filled by pollers while anyone subscribes: queries meanwhile cost no upstream call', async () => {
    const quick = new Stack({ maxAgeMs: 1_000, pollIntervalMs: 200 });
    await quick.start();
    try {
      const client = quick.wsClient();
      const stop = client.subscribe({ query: 'subscription { deviceChanged { device { id } } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined });
      await new Promise((r) => setTimeout(r, 600));
      const polls = listCalls(quick);
      for (let i = 0; i < 10; i++) {
        await quick.gql(FLEET);
        await new Promise((r) => setTimeout(r, 100));
      }
      // ten queries over a second: only the pollers' reads (about 5 per source) went upstream
      expect(listCalls(quick) - polls).toBeLessThanOrEqual(14);
      const p0 = quick.app.runtime.pollers.get('cloud')!.polls + quick.app.runtime.pollers.get('studio')!.polls;
      const c0 = listCalls(quick);
      await Promise.all(Array.from({ length: 10 }, () => quick.gql(FLEET)));
      const p1 = quick.app.runtime.pollers.get('cloud')!.polls + quick.app.runtime.pollers.get('studio')!.polls;
      expect(listCalls(quick) - c0).toBe(p1 - p0);
      stop();
    } finally {
      await quick.close();
    }
  });
});

describe('the device store shared by replicas through Redis', () => {
  const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stack = new Stack({ maxAgeMs: 30_000, config: { redisUrl: REDIS_URL, redisPrefix: `avgraph-store-${randomBytes(4).toString('hex')}` } });
  let second: Running;
  beforeAll(async () => {
    await stack.start();
    second = await start({ config: stack.config, port: 0, host: '127.0.0.1', log: stack.app.runtime.log });
  });
  afterAll(async () => {
    await second?.close();
    await stack.close();
  });

  const ask = async (url: string, query: string, variables: Record<string, unknown> = {}) =>
    ((await (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer key-admin-5d8e2f1a9b3c7064` }, body: JSON.stringify({ query, variables }) })).json()) as any);

  it('reads each source once per freshness window for all replicas, and shows one replica\'s write on the other', async () => {
    await eventually(() => stack.app.runtime.redisState() === 'up' && second.runtime.redisState() === 'up', 3000, 'Redis on both');
    resetCounts(stack);
    await ask(stack.url, FLEET);
    await ask(second.url, FLEET);
    await Promise.all([ask(stack.url, FLEET), ask(second.url, FLEET)]);
    expect(listCalls(stack)).toBe(2);

    const devices = await stack.deviceIds('cloud');
    const target = devices.find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'))!;
    const r = await ask(stack.url, `mutation($id:ID!){ startRecording(deviceId:$id){ __typename } }`, { id: target.id });
    expect(r.data.startRecording.__typename).toBe('StartRecordingSuccess');
    const seen = async () => (await ask(second.url, `query($id:ID!){ device(id:$id){ isRecording } }`, { id: target.id })).data.device.isRecording;
    const until = Date.now() + 2000;
    while (!(await seen()) && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
    expect(await seen()).toBe(true);
    await ask(stack.url, `mutation($id:ID!){ stopRecording(deviceId:$id){ __typename } }`, { id: target.id });
  });
});
