import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EpiphanSource } from '../../src/sources/epiphan/client.js';
import { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';

const TOKEN = 'sim-token-aa11bb22cc33';

describe('Epiphan client against its simulator', () => {
  const sim = new EpiphanSimulator({ flavor: 'AV_STUDIO', token: TOKEN, fleetSize: 3, timeScale: 50 });
  let baseUrl: string;
  const sources: EpiphanSource[] = [];
  const source = (token = TOKEN) => {
    const s = new EpiphanSource({ config: { id: 'studio', vendor: 'AV_STUDIO', baseUrl, token }, http: { retryBaseMs: 5 } });
    sources.push(s);
    return s;
  };

  beforeAll(async () => {
    baseUrl = await sim.listen(0);
  });
  afterAll(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await sim.close();
  });

  it('lists the two documented demo devices plus the seeded fleet', async () => {
    const { devices } = await source().listDevices();
    expect(devices.map((d) => d.vendorDeviceId).slice(0, 2)).toEqual(['demo_0_d3d68f3c', 'demo_1_4e0a964a-b350-435f-82c9-de6ab5188af2']);
    expect(devices).toHaveLength(5);
  });

  it('reads one device through the array-returning single-device call, null when unknown', async () => {
    const s = source();
    const d = await s.getDevice('demo_0_d3d68f3c');
    expect(d).toMatchObject({ name: 'My First Demo Device', isRecording: null });
    expect(await s.getDevice('no-such-device')).toBeNull();
    expect(s.callCounts()).toEqual({ 'GET device': 2 });
  });

  it('reports a wrong token as a 401 UpstreamError without the token in it', async () => {
    const s = source('wrong-token-zz99');
    const err = await s.listDevices().catch((e) => e);
    expect(err).toMatchObject({ code: 'HTTP_401', retryable: false, vendor: 'AV_STUDIO' });
    expect(err.message).not.toContain('wrong-token-zz99');
    expect(s.health().state).toBe('DEGRADED');
  });

  it('produces chunks while recording, grouped into one session', async () => {
    const s = source();
    const [, , dev] = (await s.listDevices()).devices;
    const from = new Date();
    await s.execute(dev!.vendorDeviceId, { type: 'startRecording' });
    await new Promise((r) => setTimeout(r, 700));
    await s.execute(dev!.vendorDeviceId, { type: 'stopRecording' });
    const recs = await s.listRecordings(dev!.vendorDeviceId, { from, to: new Date() });
    expect(recs).toHaveLength(1);
    // 10 s chunks at time scale 50: one every 200 ms, plus the partial last one
    expect(recs[0]!.segments.length).toBeGreaterThanOrEqual(3);
    const media = await s.fetchMedia(recs[0]!.segments[0]!.media.ref, {});
    expect(media.status).toBe(200);
    media.body.resume();
    const again = await s.getRecording(dev!.vendorDeviceId, recs[0]!.vendorRecordingId);
    expect(again?.segments.length).toBe(recs[0]!.segments.length);
  });
});
