import { offsetToCursor } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermissionDeniedError, UpstreamError } from '../../src/errors.js';
import type { DeviceCommand } from '../../src/model.js';
import { recordingsNeeded } from '../../src/recordings.js';
import type { PlaylistMedia } from '../../src/sources/source.js';
import { VideoloftSource } from '../../src/sources/videoloft/client.js';
import { mapAlert, mayRun } from '../../src/sources/videoloft/map.js';
import { VideoloftSimulator } from '../../src/sources/videoloft/simulator.js';

// Payloads from ../shared/vendor-docs/videoloft.md.
/** §1.3.1 /alert: the example's visible fields, with the alert of the §1.3.3 URL example. */
const ALERT = { alert: 1540567030, startt: 1540567026000, rom: 1, smx: '07', aud: null, tz: 1, type: 'motion', has_hdstill: 0, end: 1540567097000 };
/** §1.3.9 realtime `alert` message data. */
const REALTIME_ALERT = { uid: '250843.27', id: 1613745105, rom: 1, startt: 1613745105000, enddt: 1613745117000, smx: '0a', aud: null, tz: 0, type: 'motion', has_hdstill: 0 };

describe('Videoloft event detail (document §1.3.1, §1.3.9)', () => {
  it('maps smx and aud (hex 00..0a) to levels 0..1, tz hours to a UTC offset, and keeps has_hdstill in vendorData', () => {
    expect(mapAlert('cams', '12345.63', ALERT)).toMatchObject({ motionLevel: 0.7, audioLevel: null, utcOffsetMinutes: 60, vendorData: { has_hdstill: 0 } });
    expect(mapAlert('cams', '250843.27', REALTIME_ALERT)).toMatchObject({ motionLevel: 1, audioLevel: null, utcOffsetMinutes: 0 });
    const audio = mapAlert('cams', 'u', { ...ALERT, type: 'audio', smx: '00', aud: '05', tz: -3.5, has_hdstill: 1 })!;
    expect(audio).toMatchObject({ trigger: 'AUDIO', motionLevel: 0, audioLevel: 0.5, utcOffsetMinutes: -210, vendorData: { has_hdstill: 1 } });
  });

  it('leaves unreadable magnitudes and offsets null', () => {
    const r = mapAlert('cams', 'u', { alert: 1, startt: 1000, endtt: 2000, smx: 'zz', aud: '', tz: undefined })!;
    expect(r).toMatchObject({ motionLevel: null, audioLevel: null, utcOffsetMinutes: null });
  });
});

describe('Videoloft permissions (document §1.1.5, §1.2.2, §1.2.3)', () => {
  it('lets read-only users ("r") watch live video but not control the camera', () => {
    expect(mayRun('startStream', ['r'])).toBe(true);
    expect(mayRun('stopStream', ['r'])).toBe(true);
    for (const c of ['triggerEvent', 'captureSnapshot', 'movePtz', 'updateSettings'] as const) {
      expect(mayRun(c, ['r'])).toBe(false);
      expect(mayRun(c, ['r', 'w'])).toBe(true);
      expect(mayRun(c, ['a'])).toBe(true);
    }
  });
});

describe('recordings a page needs', () => {
  it('is the end of a forward page plus one, and everything for a page counted from the end', () => {
    expect(recordingsNeeded({ first: 10 })).toBe(11);
    expect(recordingsNeeded({ first: 10, after: offsetToCursor(19) })).toBe(31);
    expect(recordingsNeeded({})).toBe(101);
    expect(recordingsNeeded({ last: 5 })).toBeUndefined();
  });
});

describe('Videoloft client against the simulator', () => {
  const sim = new VideoloftSimulator({ email: 'ops@example.com', password: 'vl-doc-pass-1234', motionEverySeconds: 0 });
  let source: VideoloftSource;
  let authUrl: string;
  const ctl = async (name: string, body: object) => (await fetch(`${authUrl}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) })).json();
  const requests = (servers: { requestCounts(): Record<string, number> }[], route?: string) =>
    servers.reduce((n, s) => n + Object.entries(s.requestCounts()).reduce((m, [k, v]) => m + (!route || k === route ? v : 0), 0), 0);

  beforeAll(async () => {
    authUrl = await sim.listen();
    source = new VideoloftSource({
      config: { id: 'cams', vendor: 'VIDEOLOFT', authUrl, email: 'ops@example.com', password: 'vl-doc-pass-1234' },
      timing: { liveEveryMs: 100, liveHoldMs: 2000 },
    });
    await source.listDevices();
  });
  afterAll(async () => {
    await source.close();
    await sim.close();
  });

  it('reads only the alert pages a limited request needs', async () => {
    const uidd = sim.cameras[0]!.uidd;
    await ctl('add-alerts', { uidd, count: 100 });
    sim.loggers.forEach((l) => l.resetCounts());
    const range = { from: new Date(Date.now() - 7 * 86_400_000), to: new Date() };
    const ten = await source.listRecordings(uidd, { ...range, limit: 11 });
    expect(ten.length).toBeGreaterThanOrEqual(11);
    expect(requests(sim.loggers, 'GET /alert')).toBe(1);
    sim.loggers.forEach((l) => l.resetCounts());
    // without a limit, the whole week: 106 alerts, 50 a page
    expect(await source.listRecordings(uidd, range)).toHaveLength(106);
    expect(requests(sim.loggers, 'GET /alert')).toBe(3);
  });

  it('plays live video from the Wowza server the camera is on now, not the cached one', async () => {
    const cam = sim.cameras.find((c) => c.online && c.permissions.includes('a'))!;
    await source.execute(cam.uidd, { type: 'startStream', rtmpUrl: null });
    const first = (await source.fetchMedia(`live:${cam.uidd}`, {})) as PlaylistMedia;
    expect(first.playlist).toMatch(/^#EXTM3U/);
    expect(requests([sim.wowzas[1]!])).toBe(0);

    await ctl('move-wowza', { uidd: cam.uidd, wowza: 1 });
    sim.auth.resetCounts();
    // five players at once: one fresh viewerInfo read between them
    const moved = (await Promise.all(Array.from({ length: 5 }, () => source.fetchMedia(`live:${cam.uidd}`, {})))) as PlaylistMedia[];
    for (const m of moved) expect(m.playlist).toMatch(/^#EXTM3U/);
    expect(requests([sim.auth], 'GET /devices/viewerInfo')).toBe(1);
    expect(requests([sim.wowzas[1]!])).toBe(5);
    // the variant playlist it names is fetched from the new server too
    const child = moved[0]!.refFor('chunklist_w1.m3u8')!;
    const chunklist = (await source.fetchMedia(child, {})) as PlaylistMedia;
    expect(chunklist.playlist).toMatch(/#EXTINF/);
    expect(requests([sim.wowzas[1]!])).toBe(6);
    await source.execute(cam.uidd, { type: 'stopStream', vendorStreamId: 'live' });
  });

  it('validates live view for a read-only camera and refuses its control; the logger refuses control too', async () => {
    const cam = sim.cameras.find((c) => c.online && c.permissions.join() === 'r')!;
    const trigger: DeviceCommand = { type: 'triggerEvent', seconds: 5 };
    await expect(source.validateCommand(cam.uidd, { type: 'startStream', rtmpUrl: null })).resolves.toBeUndefined();
    await expect(source.validateCommand(cam.uidd, trigger)).rejects.toBeInstanceOf(PermissionDeniedError);
    // the simulator holds to the same rule when asked directly
    await expect(source.execute(cam.uidd, { type: 'startStream', rtmpUrl: null })).resolves.toEqual({ vendorStreamId: 'live' });
    const refused = await source.execute(cam.uidd, trigger).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).status).toBe(403);
    await source.execute(cam.uidd, { type: 'stopStream', vendorStreamId: 'live' });
  });
});
