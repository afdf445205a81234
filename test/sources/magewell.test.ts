import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors.js';
import { eventually } from '../helpers/stack.js';
import { MagewellSource } from '../../src/sources/magewell/client.js';
import { MagewellSimulator } from '../../src/sources/magewell/simulator.js';

const PASSWORD = 'encoder-pass-77aa';

describe('Magewell client against its simulator', () => {
  const sim = new MagewellSimulator({ encoders: 3, password: PASSWORD, timeScale: 50 });
  let urls: string[];
  const sources: MagewellSource[] = [];
  const source = (password = PASSWORD, which = urls) => {
    const s = new MagewellSource({
      config: { id: 'enc', vendor: 'MAGEWELL', devices: which.map((baseUrl) => ({ baseUrl, downloadUrl: baseUrl, username: 'Admin', password })), timeoutMs: 1000 },
      http: { retryBaseMs: 5, breakerCooldownMs: 200 },
      updateCheck: { timeoutMs: 3000, stepMs: 20 },
    });
    sources.push(s);
    return s;
  };
  const control = (i: number, name: string, body: object = {}) =>
    fetch(`${urls[i]}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

  beforeAll(async () => {
    urls = await sim.listen();
  });
  // Each test's sources log out afterwards: an encoder lets only two apps hold it.
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });
  afterAll(() => sim.close());

  it('logs in once per encoder and keeps the session for every later call', async () => {
    const s = source();
    const { devices, failures } = await s.listDevices();
    expect(failures).toEqual([]);
    expect(devices.map((d) => d.vendorDeviceId)).toEqual([sim.serial(0), sim.serial(1), sim.serial(2)]);
    await s.listDevices();
    await s.listDevices();
    expect(s.loginCount()).toBe(3);
    expect(s.callCounts()['GET get-info']).toBe(3);
    expect(s.callCounts()['GET get-status']).toBe(9);
  });

  it('logs in again exactly once when the session expires under 10 concurrent reads', async () => {
    const s = source();
    await s.listDevices();
    const before = s.loginCount();
    await Promise.all(urls.map((_, i) => control(i, 'expire-session')));
    const reads = await Promise.all(Array.from({ length: 10 }, () => s.listDevices()));
    expect(reads.every((r) => r.failures.length === 0 && r.devices.length === 3)).toBe(true);
    expect(s.loginCount() - before).toBe(3);
  });

  it('holds one session per encoder however many requests, and gives it back on close', async () => {
    const s = source();
    await Promise.all(Array.from({ length: 5 }, () => s.listDevices()));
    expect((await control(0, 'state')).sessions).toBe(1);
    await s.close();
    expect((await control(0, 'state')).sessions).toBe(0);
  });

  it('gets errOccupied when two other apps already hold the encoder', async () => {
    const a = source();
    const b = source();
    await a.listDevices();
    await b.listDevices();
    const { failures } = await source().listDevices();
    expect(failures[0]).toMatchObject({ code: 'errOccupied' });
  });

  it('logs in again after a reboot drops the session', async () => {
    const s = source();
    await s.listDevices();
    const before = s.loginCount();
    await control(1, 'reboot');
    const { failures } = await s.listDevices();
    expect(failures).toEqual([]);
    expect(s.loginCount() - before).toBe(1);
  });

  it('reports a wrong password as errPasswd without the password in it', async () => {
    const s = source('not-the-password', [urls[0]!]);
    const { devices, failures } = await s.listDevices();
    expect(devices).toEqual([]);
    expect(failures[0]).toMatchObject({ code: 'errPasswd', retryable: false, vendor: 'MAGEWELL' });
    expect(failures[0]!.message).not.toContain('not-the-password');
  });

  it('tells an encoder that refuses us (UNKNOWN) from one that is gone (OFFLINE)', async () => {
    const s = source();
    await s.listDevices();
    await Promise.all([source().listDevices(), source().listDevices()]);
    await fetch(`${urls[0]}/__sim/expire-session`, { method: 'POST' });
    // two other apps log in meanwhile: ours cannot get back in
    await Promise.all([source(PASSWORD, [urls[0]!]).listDevices(), source(PASSWORD, [urls[0]!]).listDevices()]);
    const { devices, failures } = await s.listDevices();
    expect(devices[0]).toMatchObject({ vendorDeviceId: sim.serial(0), connection: 'UNKNOWN' });
    expect(failures[0]).toMatchObject({ code: 'errOccupied' });
  });

  it('keeps answering for the other encoders when one is unreachable', async () => {
    const s = source();
    await s.listDevices();
    await sim.unplug(2);
    try {
      const t0 = Date.now();
      const { devices, failures } = await s.listDevices();
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(devices.map((d) => [d.vendorDeviceId, d.connection])).toEqual([
        [sim.serial(0), 'ONLINE'],
        [sim.serial(1), 'ONLINE'],
        [sim.serial(2), 'OFFLINE'],
      ]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toBeInstanceOf(UpstreamError);
      expect(s.health().state).toBe('DEGRADED');
      // the next read of the dead encoder is one ping, not a login or a status read
      const before = s.callCounts();
      await s.listDevices();
      const after = s.callCounts();
      expect(after['GET ping']! - (before['GET ping'] ?? 0)).toBeGreaterThanOrEqual(1);
      expect(after['GET get-status']! - before['GET get-status']!).toBe(2);
    } finally {
      await sim.plugIn(2);
    }
    await expect(s.listDevices()).resolves.toMatchObject({ failures: [] });
  });

  it('records to both disks, lists, downloads and deletes the files', async () => {
    const s = source();
    const sn = sim.serial(0);
    const from = new Date(Date.now() - 1000);
    await s.execute(sn, { type: 'startRecording' });
    const during = await s.listRecordings(sn, { from, to: new Date(Date.now() + 60_000) });
    expect(during.map((r) => r.status)).toEqual(['IN_PROGRESS', 'IN_PROGRESS']);
    await new Promise((r) => setTimeout(r, 100));
    await s.execute(sn, { type: 'stopRecording' });
    const after = await s.listRecordings(sn, { from, to: new Date(Date.now() + 60_000) });
    expect(after.map((r) => r.status)).toEqual(['READY', 'READY']);
    expect(after[0]!.durationSeconds).toBeGreaterThan(1);
    const file = await s.fetchMedia(after[0]!.download!.ref, {});
    expect(file.status).toBe(200);
    file.body.resume();
    await s.deleteRecordings(sn, after.map((r) => r.vendorRecordingId));
    expect(await s.listRecordings(sn, { from, to: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it('enforces the two-server limit and the 4 Mbps limit with typed errors, leaving nothing behind', async () => {
    const s = source();
    const sn = sim.serial(1);
    await s.execute(sn, { type: 'updateSettings', input: { videoBitrateKbps: 4096 } });
    await s.execute(sn, { type: 'startStream', rtmpUrl: 'rtmp://one.example/app/k1' });
    await s.execute(sn, { type: 'startStream', rtmpUrl: 'rtmp://two.example/app/k2' });
    const third = await s.execute(sn, { type: 'startStream', rtmpUrl: 'rtmp://three.example/app/k3' }).catch((e) => e);
    expect(third).toMatchObject({ code: 'errChannelsLimited', retryable: false });
    let dev = await s.getDevice(sn);
    expect(dev!.streams.map((x) => x.url)).toEqual(['rtmp://one.example/app/****', 'rtmp://two.example/app/****']);

    await s.execute(sn, { type: 'stopStream', vendorStreamId: dev!.streams[1]!.vendorStreamId });
    await s.execute(sn, { type: 'updateSettings', input: { videoBitrateKbps: 8192 } });
    const second = await s.execute(sn, { type: 'startStream', rtmpUrl: 'rtmp://two.example/app/k2' }).catch((e) => e);
    expect(second).toMatchObject({ code: 'err8MLimited' });
    dev = await s.getDevice(sn);
    expect(dev!.isStreaming).toBe(true);
    await s.execute(sn, { type: 'stopStream', vendorStreamId: null });
    expect((await s.getDevice(sn))!.isStreaming).toBe(false);
  });

  it('walks a live stream from starting to live', async () => {
    const s = source();
    const sn = sim.serial(2);
    const { vendorStreamId } = await s.execute(sn, { type: 'startStream', rtmpUrl: 'rtmp://live.example/app/key9' });
    const first = (await s.getDevice(sn))!.streams.find((x) => x.vendorStreamId === vendorStreamId)!;
    expect(['STARTING', 'LIVE']).toContain(first.state);
    await new Promise((r) => setTimeout(r, 100));
    const later = (await s.getDevice(sn))!.streams.find((x) => x.vendorStreamId === vendorStreamId)!;
    expect(later.state).toBe('LIVE');
    expect(later.bitrateKbps).toBeGreaterThan(0);
    await s.execute(sn, { type: 'stopStream', vendorStreamId: null });
  });

  it('runs the online firmware update when a newer version exists', async () => {
    const s = source();
    const sn = sim.serial(0);
    await s.execute(sn, { type: 'startFirmwareUpdate' });
    const dev = await s.getDevice(sn);
    expect(dev!.firmware).toMatchObject({ version: '1.2.122', updateAvailable: true, updateInProgress: true });
    const again = await s.execute(sn, { type: 'startFirmwareUpdate' }).catch((e) => e);
    expect(again).toMatchObject({ name: 'ValidationError' });
    // the update takes a simulated minute, then the device reboots (still showing the old version) and comes back new
    // what was last seen goes into a failure message (this once timed out on a loaded machine: the client cached the
    // old get-info when the update ended between its get-info and get-status)
    let seen = '';
    const done = await eventually(async () => {
      const d = await s.getDevice(sn);
      seen = JSON.stringify({ connection: d?.connection, states: d?.states, firmware: d?.firmware });
      return d!.firmware?.updateInProgress || d!.states?.includes('REBOOTING') || d!.firmware?.version !== '1.2.123' ? null : d;
    }, 15_000, 'the update to finish').catch((e: Error) => {
      throw new Error(`${e.message}; last seen ${seen}`);
    });
    expect(done.firmware).toMatchObject({ version: '1.2.123', updateAvailable: false, updateInProgress: false });
  });
});
