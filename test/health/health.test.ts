import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, collect, eventually, simPost, simUrl } from '../helpers/stack.js';

const HEALTH = `query($id:ID!){ device(id:$id) { id health { state staleSeconds reasons { code severity message subject } } } }`;
const FLEET = `query($f:DeviceFilter,$n:Int){ fleetHealth(filter:$f) {
  counts { ok unknown warning critical total }
  bySource { source { name } counts { ok unknown warning critical total } }
  worst(limit:$n) { id name health { state reasons { code severity } } }
} }`;

type Reason = { code: string; severity: string; message: string; subject: string | null };
type Health = { state: string; staleSeconds: number | null; reasons: Reason[] };

describe('device health through GraphQL, against the simulators', () => {
  // offlineMinutes 0.04: a device offline for 2.4 s is CRITICAL, so the tests see WARNING turn CRITICAL;
  // uploadQueueMinutes 0.1: queue readings kept 6 s, one per ~94 ms, so growth shows within a second
  const stack = new Stack({
    magewell: 2,
    timeScale: 60,
    pollIntervalMs: 200,
    config: { health: { offlineMinutes: 0.04, uploadQueueMinutes: 0.1, uploadQueueGrowthSeconds: 3 } },
  });
  let cloud: { id: string; vendorDeviceId: string }[];
  let studio: { id: string; vendorDeviceId: string }[];
  let encoders: { id: string; vendorDeviceId: string }[];

  const healthOf = async (id: string): Promise<Health> => {
    const r = await stack.gql(HEALTH, { id });
    expect(r.errors).toBeUndefined();
    return r.data.device.health;
  };
  /** The device's health, once it has a reason with this code (and severity, when given). */
  const until = (id: string, code: string, severity?: string, ms = 5000) =>
    eventually(async () => {
      const h = await healthOf(id);
      return h.reasons.some((r) => r.code === code && (!severity || r.severity === severity)) ? h : null;
    }, ms, `${code} ${severity ?? ''} on ${id}`);
  const encoderUrl = (i: number) => `http://127.0.0.1:${stack.magewell!.encoders[i]!.port}`;

  beforeAll(async () => {
    await stack.start();
    const online = <T extends { connection: string; vendorDeviceId: string }>(l: T[]) => l.filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
    cloud = online(await stack.deviceIds('cloud'));
    studio = online(await stack.deviceIds('studio'));
    encoders = await stack.deviceIds('encoders');
  });
  afterAll(() => stack.close());

  it('is OK for a device with nothing wrong, read just now', async () => {
    expect(await healthOf(cloud[0]!.id)).toEqual({ state: 'OK', staleSeconds: 0, reasons: [] });
  });

  it('OFFLINE: an Epiphan device taken offline is WARNING, then CRITICAL past offlineMinutes, and OK again once back', async () => {
    const dev = cloud[1]!;
    await simPost(simUrl(stack, 'cloud'), 'offline', { deviceId: dev.vendorDeviceId });
    const first = await healthOf(dev.id);
    expect(first.state).toBe('WARNING');
    expect(first.reasons).toEqual([{ code: 'OFFLINE', severity: 'WARNING', subject: null, message: expect.stringMatching(/^offline for \d+ s$/) }]);
    const later = await until(dev.id, 'OFFLINE', 'CRITICAL');
    expect(later.state).toBe('CRITICAL');
    await simPost(simUrl(stack, 'cloud'), 'online', { deviceId: dev.vendorDeviceId });
    expect((await healthOf(dev.id)).state).toBe('OK');
  });

  it('UPLOAD_QUEUE_GROWING: an AV Studio device recording with upload off, until upload drains the queue', async () => {
    const dev = studio[0]!;
    await stack.gql(`mutation($id:ID!){ setUpload(deviceId:$id, enabled:false) { __typename } }`, { id: dev.id });
    await stack.gql(`mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    const h = await until(dev.id, 'UPLOAD_QUEUE_GROWING', 'WARNING');
    expect(h.state).toBe('WARNING');
    expect(h.reasons[0]).toMatchObject({ subject: 'UPLOAD_QUEUE', message: expect.stringMatching(/^upload queue grew from \d+ s to \d+ s of footage over \d+ s \(upload is off\)$/) });
    await stack.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    await stack.gql(`mutation($id:ID!){ setUpload(deviceId:$id, enabled:true) { __typename } }`, { id: dev.id });
    await eventually(async () => (await healthOf(dev.id)).state === 'OK', 5000, 'the queue to drain');
  });

  it('STREAM_UNDERRUN: an AV Studio RTMP push falling behind real time is WARNING, then CRITICAL', async () => {
    const dev = studio[1]!;
    const started = await stack.gql(`mutation($id:ID!){ startStream(deviceId:$id, rtmpUrl:"rtmp://x.example/live/k") { __typename } }`, { id: dev.id });
    expect(started.data.startStream.__typename).toBe('StartStreamSuccess');
    expect((await healthOf(dev.id)).reasons.filter((r) => r.code === 'STREAM_UNDERRUN')).toEqual([]);
    await simPost(simUrl(stack, 'studio'), 'rtmp-speed', { deviceId: dev.vendorDeviceId, speed: 0.8 });
    expect((await until(dev.id, 'STREAM_UNDERRUN', 'WARNING')).reasons[0]).toMatchObject({ subject: 'rtmp', message: 'RTMP stream rtmp sends at 0.80× real time' });
    await simPost(simUrl(stack, 'studio'), 'rtmp-speed', { deviceId: dev.vendorDeviceId, speed: 0.3 });
    expect((await healthOf(dev.id)).state).toBe('CRITICAL');
    await stack.gql(`mutation($id:ID!){ stopStream(deviceId:$id) { __typename } }`, { id: dev.id });
    expect((await healthOf(dev.id)).state).toBe('OK');
  });

  it('STORAGE_LOW and STORAGE_ERROR: a Magewell SD card low on space, full, then not writable', async () => {
    const dev = encoders[0]!;
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x05 });
    expect((await healthOf(dev.id)).reasons).toEqual([{ code: 'STORAGE_LOW', severity: 'WARNING', subject: 'SD', message: expect.stringMatching(/^SD storage low on space/) }]);
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x03 });
    expect((await healthOf(dev.id)).reasons).toEqual([{ code: 'STORAGE_LOW', severity: 'CRITICAL', subject: 'SD', message: 'SD storage is full' }]);
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x04 });
    expect((await healthOf(dev.id)).reasons).toEqual([{ code: 'STORAGE_ERROR', severity: 'CRITICAL', subject: 'SD', message: 'SD storage is read-only' }]);
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x01 });
    expect((await healthOf(dev.id)).state).toBe('OK');
  });

  it('NO_SIGNAL: a Magewell encoder recording when its input goes dark', async () => {
    const dev = encoders[1]!;
    await stack.gql(`mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    expect((await healthOf(dev.id)).state).toBe('OK');
    await simPost(encoderUrl(1), 'signal', { present: false });
    expect((await healthOf(dev.id)).reasons).toEqual([{ code: 'NO_SIGNAL', severity: 'CRITICAL', subject: null, message: 'no input signal while recording' }]);
    await stack.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    expect((await healthOf(dev.id)).state).toBe('OK');
    await simPost(encoderUrl(1), 'signal', { present: true });
  });

  it('fleetHealth counts by state and source and lists the worst devices first, limited', async () => {
    const dev = encoders[0]!;
    const filter = { vendors: ['MAGEWELL', 'AV_STUDIO'] };
    const before = (await stack.gql(FLEET, { f: filter, n: 100 })).data.fleetHealth;
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x03 });
    const r = await stack.gql(FLEET, { f: filter, n: 100 });
    expect(r.errors).toBeUndefined();
    const f = r.data.fleetHealth;
    const total = (await stack.deviceIds('studio')).length + encoders.length;
    expect(f.counts.total).toBe(total);
    expect(f.counts.ok + f.counts.unknown + f.counts.warning + f.counts.critical).toBe(total);
    expect(f.counts).toEqual({ ...before.counts, ok: before.counts.ok - 1, critical: before.counts.critical + 1 });
    expect(f.bySource.map((s: any) => s.source.name)).toEqual(['studio', 'encoders']);
    expect(f.bySource[1].counts).toEqual({ ok: encoders.length - 1, unknown: 0, warning: 0, critical: 1, total: encoders.length });
    expect(f.bySource[0].counts).toEqual(before.bySource[0].counts);
    const rank = ['OK', 'UNKNOWN', 'WARNING', 'CRITICAL'];
    const ranks = f.worst.map((d: any) => rank.indexOf(d.health.state));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(f.worst).toHaveLength(total);
    expect(f.worst.slice(0, f.counts.critical)).toContainEqual({ id: dev.id, name: expect.any(String), health: { state: 'CRITICAL', reasons: [{ code: 'STORAGE_LOW', severity: 'CRITICAL' }] } });
    const one = (await stack.gql(FLEET, { f: filter, n: 1 })).data.fleetHealth.worst;
    expect(one).toEqual([f.worst[0]]);
    const bad = await stack.gql(FLEET, { f: null, n: 101 });
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
    await simPost(encoderUrl(0), 'disk-status', { sd: 0x01 });
  });

  it('deviceHealthChanged: emits when a device goes offline and back, once per change, to matching subscribers only', async () => {
    const dev = cloud[2]!;
    const sub = collect(stack, `subscription { deviceHealthChanged(filter:{ sourceIds:["cloud"] }) {
      device { id } health { state reasons { code severity } } previous { state } at } }`);
    const other = collect(stack, `subscription { deviceHealthChanged(filter:{ sourceIds:["studio"] }) { device { id } } }`);
    const poller = stack.app.runtime.pollers.get('cloud')!;
    // two polls: the first is the starting point
    const polls0 = poller.polls;
    await eventually(() => poller.polls >= polls0 + 2, 3000, 'the cloud poller to poll twice');
    expect(sub.events).toEqual([]);
    await simPost(simUrl(stack, 'cloud'), 'offline', { deviceId: dev.vendorDeviceId });
    const mine = () => sub.events.map((e) => e.data.deviceHealthChanged).filter((e) => e.device.id === dev.id);
    await eventually(() => mine().some((e) => e.health.state === 'CRITICAL'), 5000, 'the device to turn CRITICAL');
    await simPost(simUrl(stack, 'cloud'), 'online', { deviceId: dev.vendorDeviceId });
    await eventually(() => mine().at(-1)?.health.state === 'OK', 3000, 'the device to be OK again');
    // WARNING first (offline a moment), CRITICAL past offlineMinutes, OK once back: each change once
    expect(mine().map((e) => [e.previous.state, e.health.state])).toEqual([
      ['OK', 'WARNING'],
      ['WARNING', 'CRITICAL'],
      ['CRITICAL', 'OK'],
    ]);
    expect(mine()[0].health.reasons).toEqual([{ code: 'OFFLINE', severity: 'WARNING' }]);
    expect(other.events).toEqual([]);
    await Promise.all([sub.stop(), other.stop()]);
  });

  it('SOURCE_CIRCUIT_OPEN: while a source fails, fleetHealth keeps its last read devices as UNKNOWN and subscribers hear it', async () => {
    const ids = new Set(cloud.map((d) => d.id));
    const sub = collect(stack, `subscription { deviceHealthChanged(filter:{ sourceIds:["cloud"] }) { device { id } health { state reasons { code } } } }`);
    const poller = stack.app.runtime.pollers.get('cloud')!;
    const polls0 = poller.polls;
    await eventually(() => poller.polls >= polls0 + 2, 3000, 'the cloud poller to poll twice');
    await simPost(simUrl(stack, 'cloud'), 'faults', { errorRate: 1, errorStatus: 503 });
    try {
      const f = await eventually(async () => {
        const r = await stack.gql(FLEET, { f: { sourceIds: ['cloud'] }, n: 100 });
        return r.data.fleetHealth.counts.unknown > 0 ? r : null;
      }, 5000, 'the circuit to open');
      expect(f.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', source: 'cloud' });
      const worst = f.data.fleetHealth.worst as { id: string; health: { state: string; reasons: { code: string }[] } }[];
      const fine = worst.filter((d) => ids.has(d.id));
      expect(fine.length).toBe(cloud.length);
      for (const d of fine) expect(d.health).toEqual({ state: 'UNKNOWN', reasons: [{ code: 'SOURCE_CIRCUIT_OPEN', severity: 'UNKNOWN' }] });
      // the poller's next (failing) poll re-judges the cloud devices it last read
      await eventually(() => ids.size > 0 && [...ids].every((id) => sub.events.some((e) => e.data.deviceHealthChanged.device.id === id)), 8000, 'events for every device');
      for (const e of sub.events) expect(e.data.deviceHealthChanged.health.reasons.map((r: any) => r.code)).toContain('SOURCE_CIRCUIT_OPEN');
    } finally {
      await simPost(simUrl(stack, 'cloud'), 'reset');
    }
    await eventually(async () => (await stack.gql(HEALTH, { id: cloud[0]!.id })).data?.device?.health.state === 'OK', 5000, 'the circuit to close');
    await sub.stop();
  });

  // last: the encoder keeps the failure until it is cleared on the device
  it('FIRMWARE_FAILED: a Magewell update check that failed', async () => {
    const dev = encoders[1]!;
    await simPost(encoderUrl(1), 'firmware', { checkFails: -21 });
    const r = await stack.gql(`mutation($id:ID!){ r: startFirmwareUpdate(deviceId:$id) { __typename } }`, { id: dev.id });
    expect(r.data.r.__typename).toBe('UpstreamError');
    expect(await healthOf(dev.id)).toMatchObject({ state: 'WARNING', reasons: [{ code: 'FIRMWARE_FAILED', severity: 'WARNING', message: 'firmware update failed: errNetwork' }] });
  });
});
