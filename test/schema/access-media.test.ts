import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, simCounts } from '../helpers/stack.js';

describe('access control', () => {
  const stack = new Stack();
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('answers 401 for a missing or unknown key, before any upstream call', async () => {
    stack.cloud.server.resetCounts();
    const none = await stack.gql('{ devices { totalCount } }', {}, null);
    expect(none.status).toBe(401);
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const wrong = await stack.gql('{ devices { totalCount } }', {}, 'not-a-key-at-all');
    expect(wrong.status).toBe(401);
    expect(simCounts(stack.cloud)).toEqual({});
  });

  it('accepts Authorization: Bearer and x-api-key', async () => {
    expect((await stack.gql('{ sources { name } }', {}, KEYS.reader)).data.sources).toHaveLength(2);
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEYS.reader },
      body: JSON.stringify({ query: '{ sources { name } }' }),
    });
    const text = await res.text();
    stack.bodies.push(text);
    expect(res.status).toBe(200);
    expect(JSON.parse(text).data.sources).toHaveLength(2);
  });

  it('needs the read scope for queries, and lets a control-only key run mutations', async () => {
    const r = await stack.gql('{ sources { name } }', {}, KEYS.actuator);
    expect(r.data).toBeUndefined();
    expect(r.errors?.[0]).toMatchObject({ message: expect.stringMatching(/read/), extensions: { code: 'FORBIDDEN' } });
    const [dev] = await stack.deviceIds('studio');
    const m = await stack.gql(
      `mutation($id:ID!){ r: startFirmwareUpdate(deviceId:$id) { __typename } }`,
      { id: dev!.id },
      KEYS.actuator,
    );
    expect(m.data.r.__typename).toBe('PermissionDeniedError');
  });

  it('serves /health without a key and GraphiQL with the example operation', async () => {
    const health = await stack.get('/health');
    expect(health.status).toBe(200);
    const page = await stack.get('/graphql', { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('query Fleet');
  });
});

describe('media route', () => {
  const stack = new Stack();
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  async function snapshotUrl(): Promise<string> {
    const r = await stack.gql(`{ devices(first:1, filter:{vendors:[EPIPHAN_CLOUD]}) { edges { node { latestSnapshot { url } } } } }`);
    return r.data.devices.edges[0].node.latestSnapshot.url;
  }

  it('streams the snapshot with server-side credentials, no key needed on the signed URL', async () => {
    const url = await snapshotUrl();
    expect(url).not.toContain('state.jpg');
    stack.cloud.server.resetCounts();
    const res = await stack.get(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.body.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(simCounts(stack.cloud)).toEqual({ 'GET /front/api/v1/devices/:id/state.jpg': 1 });
  });

  it('refuses tampered, forged and expired URLs with 403 and no upstream call', async () => {
    const url = new URL(await snapshotUrl());
    stack.cloud.server.resetCounts();
    const sig = url.searchParams.get('sig')!;
    const tampered = new URL(url);
    tampered.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const otherRef = new URL(url);
    otherRef.pathname = url.pathname.replace(/\/[^/]+$/, '/' + Buffer.from('snapshot:/front/api/v2/users/me').toString('base64url'));
    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    const expired = new URL(url);
    expired.searchParams.set('exp', String(Math.floor(Date.now() / 1000) - 10));
    for (const u of [tampered, otherRef, later, expired]) {
      const res = await stack.get(u.toString());
      expect(res.status).toBe(403);
    }
    expect((await stack.get('/media/cloud/abc')).status).toBe(403);
    expect(simCounts(stack.cloud)).toEqual({});
  });

  it('expires signed URLs after the configured time, rounded up to the expiry window', async () => {
    const { EXP_WINDOW_S, MediaSigner } = await import('../../src/media/signer.js');
    let now = 1_000_000_000_000;
    const signer = new MediaSigner(() => 'http://x', 'secret-for-signing-1234', 600, () => now);
    const u = new URL(signer.url({ sourceId: 'cloud', ref: 'snapshot:/a.jpg' }));
    expect(signer.verify(u.pathname, u.searchParams)).toEqual({ ok: true, media: { sourceId: 'cloud', ref: 'snapshot:/a.jpg' } });
    now += (600 + EXP_WINDOW_S) * 1000;
    expect(signer.verify(u.pathname, u.searchParams)).toEqual({ ok: false, reason: 'expired' });
  });

  it('answers 502 with a clean message when the upstream fails', async () => {
    const url = await snapshotUrl();
    stack.cloud.server.setFaults({ errorRate: 1, errorStatus: 500 });
    try {
      const res = await stack.get(url);
      expect(res.status).toBe(502);
      expect(res.body.toString()).toMatch(/HTTP 500/);
    } finally {
      stack.cloud.server.resetFaults();
    }
  });
});
