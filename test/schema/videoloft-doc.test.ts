import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message }`;

/** What ../shared/vendor-docs/videoloft.md says, end to end through GraphQL against the simulator. */
describe('Videoloft as its document describes it, through GraphQL', () => {
  const stack = new Stack({
    videoloft: 4,
    timeScale: 50,
    videoloftTiming: { liveEveryMs: 100, liveHoldMs: 1500, triggerEveryMs: 100 },
  });
  let cams: { id: string; vendorDeviceId: string; connection: string }[];
  const sim = () => stack.videoloft!;
  const ctl = async (name: string, body: object = {}) =>
    (await fetch(`http://127.0.0.1:${(sim().auth as any).server.address().port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const online = (c: { connection: string }) => c.connection === 'ONLINE';
  const admin = (c: { vendorDeviceId: string }) => sim().camera(c.vendorDeviceId)!.permissions.includes('a');
  const requests = (servers: { requestCounts(): Record<string, number> }[], route?: string) =>
    servers.reduce((n, s) => n + Object.entries(s.requestCounts()).reduce((m, [k, v]) => m + (!route || k === route ? v : 0), 0), 0);

  beforeAll(async () => {
    await stack.start();
    cams = await stack.deviceIds('cams');
  });
  afterAll(() => stack.close());

  it('lets a read-only user watch live video, and refuses them control (§1.1.5)', async () => {
    const cam = cams.find((c) => online(c) && !admin(c) && sim().camera(c.vendorDeviceId)!.phoneid.startsWith('DS-'))!;
    expect(cam).toBeDefined();
    const start = await stack.gql(`mutation($id:ID!){ r: startStream(deviceId:$id) { ${RESULT} ... on StartStreamSuccess { stream { url } } } }`, { id: cam.id });
    expect(start.data.r.__typename).toBe('StartStreamSuccess');
    expect((await ctl('state', { uidd: cam.vendorDeviceId })).liveUntil).toBeGreaterThan(Date.now());
    const master = await stack.get(start.data.r.stream.url);
    expect(master.status).toBe(200);
    expect(master.body.toString()).toMatch(/^#EXTM3U/);

    const thumbBefore = sim().camera(cam.vendorDeviceId)!.lastthumb;
    for (const q of [
      `mutation($id:ID!){ r: triggerEvent(deviceId:$id, seconds: 5) { ${RESULT} } }`,
      `mutation($id:ID!){ r: captureSnapshot(deviceId:$id) { ${RESULT} } }`,
      `mutation($id:ID!){ r: movePtz(deviceId:$id, direction:UP, mode:STEP) { ${RESULT} } }`,
    ]) {
      expect((await stack.gql(q, { id: cam.id })).data.r.__typename).toBe('PermissionDeniedError');
    }
    const state = await ctl('state', { uidd: cam.vendorDeviceId });
    expect(state).toMatchObject({ ptz: [], triggerUntil: 0 });
    expect(sim().camera(cam.vendorDeviceId)!.lastthumb).toBe(thumbBefore);
    const stop = await stack.gql(`mutation($id:ID!){ r: stopStream(deviceId:$id) { ${RESULT} } }`, { id: cam.id });
    expect(stop.data.r.__typename).toBe('StopStreamSuccess');
  });

  it('plays live video from the Wowza server a camera moved to (§1.4.1)', async () => {
    const cam = cams.find((c) => online(c) && admin(c))!;
    const start = await stack.gql(`mutation($id:ID!){ r: startStream(deviceId:$id) { ${RESULT} ... on StartStreamSuccess { stream { url } } } }`, { id: cam.id });
    const url = start.data.r.stream.url;
    expect((await stack.get(url)).status).toBe(200);
    expect(requests([sim().wowzas[1]!])).toBe(0);

    await ctl('move-wowza', { uidd: cam.vendorDeviceId, wowza: 1 });
    const master = await stack.get(url);
    expect(master.status).toBe(200);
    const child = new URL(master.body.toString().split('\n').find((l) => l && !l.startsWith('#'))!, url).href;
    const chunklist = await stack.get(child);
    expect(chunklist.status).toBe(200);
    const segment = new URL(chunklist.body.toString().split('\n').find((l) => l && !l.startsWith('#'))!, child).href;
    expect((await stack.get(segment)).body[0]).toBe(0x47);
    expect(requests([sim().wowzas[1]!])).toBe(3);
    await stack.gql(`mutation($id:ID!){ stopStream(deviceId:$id) { __typename } }`, { id: cam.id });
  });

  it('reads only the alert pages the requested page of recordings needs (§1.3.1)', async () => {
    const cam = cams.filter((c) => admin(c))[1]!;
    await ctl('add-alerts', { uidd: cam.vendorDeviceId, count: 200 });
    const page = `query($id:ID!,$after:String){ device(id:$id) { recordings(first: 10, after:$after) { edges { node { startedAt } } pageInfo { hasNextPage endCursor } } } }`;
    sim().loggers.forEach((l) => l.resetCounts());
    const first = await stack.gql(page, { id: cam.id });
    expect(first.data.device.recordings.edges).toHaveLength(10);
    expect(first.data.device.recordings.pageInfo.hasNextPage).toBe(true);
    expect(requests(sim().loggers, 'GET /alert')).toBe(1);

    sim().loggers.forEach((l) => l.resetCounts());
    const second = await stack.gql(page, { id: cam.id, after: first.data.device.recordings.pageInfo.endCursor });
    const times = [...first.data.device.recordings.edges, ...second.data.device.recordings.edges].map((e: any) => Date.parse(e.node.startedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(times).size).toBe(20);
    expect(requests(sim().loggers, 'GET /alert')).toBe(1);

    // a page counted from the end still sees the whole week: the oldest alert is last
    const last = await stack.gql(`query($id:ID!){ device(id:$id) { recordings(last: 1) { edges { node { startedAt } } } } }`, { id: cam.id });
    const oldest = Math.min(...sim().camera(cam.vendorDeviceId)!.alerts.map((a) => a.startt));
    expect(Date.parse(last.data.device.recordings.edges[0].node.startedAt)).toBe(oldest);
  });

  it('shows motion and audio levels, the camera time zone and HD still availability on recordings (§1.3.1)', async () => {
    const own = cams.filter((c) => admin(c) && c.vendorDeviceId.startsWith('329475.'))[2]!;
    const customer = cams.find((c) => c.vendorDeviceId.startsWith('400123.'))!;
    await ctl('motion', { uidd: own.vendorDeviceId, type: 'audio', smx: '02', aud: '09', has_hdstill: 1 });
    await ctl('motion', { uidd: customer.vendorDeviceId, smx: '05' });
    const q = `query($id:ID!){ device(id:$id) { recordings(first: 1) { edges { node { trigger motionLevel audioLevel utcOffsetMinutes vendorData } } } } }`;
    const mine = (await stack.gql(q, { id: own.id })).data.device.recordings.edges[0].node;
    expect(mine).toMatchObject({ trigger: 'AUDIO', motionLevel: 0.2, audioLevel: 0.9, utcOffsetMinutes: 60, vendorData: { has_hdstill: 1 } });
    const theirs = (await stack.gql(q, { id: customer.id })).data.device.recordings.edges[0].node;
    expect(theirs).toMatchObject({ trigger: 'MOTION', motionLevel: 0.5, audioLevel: null, utcOffsetMinutes: -300 });

    const reader = await stack.gql(q, { id: own.id }, KEYS.reader);
    expect(reader.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const plain = await stack.gql(`query($id:ID!){ device(id:$id) { recordings(first: 1) { edges { node { motionLevel utcOffsetMinutes } } } } }`, { id: own.id }, KEYS.reader);
    expect(plain.data.device.recordings.edges[0].node).toEqual({ motionLevel: 0.2, utcOffsetMinutes: 60 });
  });
});
