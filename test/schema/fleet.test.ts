import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, simCounts } from '../helpers/stack.js';

const FLEET = `query($first:Int, $after:String, $filter: DeviceFilter) {
  devices(first:$first, after:$after, filter:$filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name vendor vendorDeviceId model kind connection isRecording isStreaming lastSeenAt capabilities
      source { id name }
      settings { resolution videoBitrateKbps chunkDurationSeconds allowedResolutions maxVideoBitrateKbps }
      storage { kind queuedSeconds usedBytes uploadEnabled }
      streams { id protocol state url }
      latestSnapshot { id url size }
      firmware { version }
      signal { present }
      shares { id }
    } }
  }
}`;

describe('fleet queries', () => {
  const stack = new Stack({ fleetSize: 48 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('lists every device of both sources with unified fields', async () => {
    const r = await stack.gql(FLEET, { first: 500 });
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.totalCount).toBe(100);
    const nodes = r.data.devices.edges.map((e: any) => e.node);
    const demo = nodes.find((n: any) => n.vendorDeviceId === 'demo_0_d3d68f3c' && n.vendor === 'EPIPHAN_CLOUD');
    expect(demo).toMatchObject({ name: 'My First Demo Device', model: 'Demo', isRecording: null, kind: 'ENCODER', connection: 'ONLINE' });
    const studio = nodes.find((n: any) => n.vendor === 'AV_STUDIO' && n.model !== 'Demo');
    expect(studio.settings).toMatchObject({ resolution: '1920x1080', videoBitrateKbps: 2000, chunkDurationSeconds: null, maxVideoBitrateKbps: 4000 });
    expect(studio.storage).toEqual([{ kind: 'UPLOAD_QUEUE', queuedSeconds: 0, usedBytes: 0, uploadEnabled: true }]);
    expect(studio.capabilities).toEqual(expect.arrayContaining(['RTMP_PUSH', 'UPLOAD']));
    expect(studio.latestSnapshot.url).toMatch(new RegExp(`^${stack.url}/media/studio/`));
    expect(nodes.some((n: any) => n.connection === 'OFFLINE')).toBe(true);
  });

  it('makes one upstream list call per source however many devices and fields (50 as 2)', async () => {
    stack.cloud.server.resetCounts();
    stack.studio.server.resetCounts();
    const r = await stack.gql(FLEET, { first: 500 });
    expect(r.data.devices.edges).toHaveLength(100);
    expect(simCounts(stack.cloud)).toEqual({ 'GET /front/api/v2/devices': 1 });
    expect(simCounts(stack.studio)).toEqual({ 'GET /front/api/v2/devices': 1 });

    stack.cloud.server.resetCounts();
    stack.studio.server.resetCounts();
    const small = await stack.gql(FLEET, { first: 2, filter: { sourceIds: ['cloud'] } });
    expect(small.data.devices.edges).toHaveLength(2);
    expect(simCounts(stack.cloud)).toEqual({ 'GET /front/api/v2/devices': 1 });
    expect(simCounts(stack.studio)).toEqual({});
  });

  it('pages with Relay cursors and keeps totalCount', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 3; i++) {
      const r: any = await stack.gql(FLEET, { first: 20, after, filter: { vendors: ['AV_STUDIO'] } });
      expect(r.data.devices.totalCount).toBe(50);
      seen.push(...r.data.devices.edges.map((e: any) => e.node.id));
      after = r.data.devices.pageInfo.endCursor;
      expect(r.data.devices.pageInfo.hasNextPage).toBe(i < 2);
    }
    expect(new Set(seen).size).toBe(50);
    const bad = await stack.gql(FLEET, { first: 100000 });
    expect(bad.errors?.[0]?.message).toMatch(/first must be between/);
  });

  it('filters by vendor, source, connection, recording, capability and name', async () => {
    const q = async (filter: object) => (await stack.gql(FLEET, { first: 500, filter })).data.devices.edges.map((e: any) => e.node);
    expect((await q({ vendors: ['EPIPHAN_CLOUD'] })).every((n: any) => n.vendor === 'EPIPHAN_CLOUD')).toBe(true);
    const offline = await q({ connection: 'OFFLINE' });
    expect(offline.length).toBeGreaterThan(0);
    expect(offline.every((n: any) => n.connection === 'OFFLINE')).toBe(true);
    expect((await q({ capabilities: ['UPLOAD'] })).every((n: any) => n.vendor === 'AV_STUDIO')).toBe(true);
    const chapel = await q({ search: 'cHaPeL' });
    expect(chapel.length).toBeGreaterThanOrEqual(2);
    expect(chapel.every((n: any) => /chapel/i.test(n.name))).toBe(true);
    expect(await q({ isRecording: true })).toEqual([]);
    const sourceId = (await stack.gql('{ sources { id name } }')).data.sources.find((s: any) => s.name === 'studio').id;
    expect((await q({ sourceIds: [sourceId] })).every((n: any) => n.vendor === 'AV_STUDIO')).toBe(true);
  });

  it('resolves opaque global ids through node, nodes and device', async () => {
    const [first] = await stack.deviceIds('studio');
    expect(Buffer.from(first!.id, 'base64').toString()).toBe(`Device:studio:${first!.vendorDeviceId}`);
    const r = await stack.gql(
      `query($id:ID!, $ids:[ID!]!) {
        node(id:$id) { id ... on Device { name } }
        nodes(ids:$ids) { id }
        device(id:$id) { name source { name vendor health { state circuitOpen } } }
        missing: device(id:"bm9wZQ==") { id }
      }`,
      { id: first!.id, ids: [first!.id, 'RGV2aWNlOnN0dWRpbzpub3BlOg=='] },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.node).toEqual({ id: first!.id, name: first!.name });
    expect(r.data.nodes).toEqual([{ id: first!.id }, null]);
    expect(r.data.device.source).toEqual({ name: 'studio', vendor: 'AV_STUDIO', health: { state: 'OK', circuitOpen: false } });
    expect(r.data.missing).toBeNull();
  });

  it('resolves stream, snapshot and source ids as nodes', async () => {
    const r = await stack.gql(`{ sources { id } devices(first:1, filter:{vendors:[AV_STUDIO]}) { edges { node { latestSnapshot { id } } } } }`);
    const snapId = r.data.devices.edges[0].node.latestSnapshot.id;
    const n = await stack.gql(`query($a:ID!,$b:ID!){ a: node(id:$a) { __typename id } b: node(id:$b) { __typename ... on Source { name } } }`, {
      a: snapId,
      b: r.data.sources[0].id,
    });
    expect(n.data.a).toEqual({ __typename: 'Snapshot', id: snapId });
    expect(n.data.b).toEqual({ __typename: 'Source', name: 'cloud' });
  });

  it('answers with the other source when one is down, naming the failing source', async () => {
    stack.cloud.server.setFaults({ errorRate: 1, errorStatus: 500 });
    try {
      const r = await stack.gql(FLEET, { first: 500 });
      expect(r.data.devices.totalCount).toBe(50);
      expect(r.data.devices.edges.every((e: any) => e.node.vendor === 'AV_STUDIO')).toBe(true);
      expect(r.errors).toHaveLength(1);
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'cloud', vendor: 'EPIPHAN_CLOUD' });
      const health = await stack.gql('{ sources { name health { state lastError } } }');
      const cloud = health.data.sources.find((s: any) => s.name === 'cloud');
      expect(cloud.health.state).not.toBe('OK');
      expect(cloud.health.lastError).toMatch(/HTTP 500/);
    } finally {
      stack.cloud.server.resetFaults();
    }
  });

  it('keeps vendorData for admins', async () => {
    const q = `{ devices(first:1, filter:{vendors:[AV_STUDIO]}) { edges { node { vendorData } } } }`;
    const admin = await stack.gql(q);
    expect(admin.data.devices.edges[0].node.vendorData).toMatchObject({ Telemetry: expect.any(Object) });
    const reader = await stack.gql(q, {}, KEYS.reader);
    expect(reader.data.devices.edges[0].node.vendorData).toBeNull();
    expect(reader.errors?.[0]?.message).toMatch(/admin/);
  });

  it('never lets a configured secret into a response body or log line', async () => {
    await stack.gql(`{ devices(first:500) { edges { node { id vendorData latestSnapshot { url } streams { url } } } } sources { health { lastError } } }`);
    stack.studio.server.setFaults({ errorRate: 1, errorStatus: 500 });
    await stack.gql(`{ devices { totalCount } }`);
    stack.studio.server.resetFaults();
    expect(stack.bodies.length).toBeGreaterThan(5);
    expect(stack.logLines.length).toBeGreaterThan(5);
    stack.assertNoSecrets();
  });
});

describe('fleet pages beyond the relay helper’s own cap of 100', () => {
  // 302 devices a source (two demo devices each): 604 in all
  const stack = new Stack({ fleetSize: 300 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());
  const PAGE = `query($first:Int, $after:String) { devices(first:$first, after:$after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`;

  it('returns 500 edges for first: 500, the rest on the next page, and 100 when first is absent', async () => {
    const r = await stack.gql(PAGE, { first: 500 });
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.totalCount).toBe(604);
    expect(r.data.devices.edges).toHaveLength(500);
    expect(r.data.devices.pageInfo.hasNextPage).toBe(true);

    const rest = await stack.gql(PAGE, { first: 500, after: r.data.devices.pageInfo.endCursor });
    expect(rest.data.devices.edges).toHaveLength(104);
    expect(rest.data.devices.pageInfo.hasNextPage).toBe(false);
    const ids = new Set([...r.data.devices.edges, ...rest.data.devices.edges].map((e: any) => e.node.id));
    expect(ids.size).toBe(604);

    const byDefault = await stack.gql(`{ devices { edges { node { id } } } }`);
    expect(byDefault.data.devices.edges).toHaveLength(100);
  });
});
