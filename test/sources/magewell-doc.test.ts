import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AlreadyUpToDateError, UpstreamError, ValidationError } from '../../src/errors.js';
import type { Device } from '../../src/model.js';
import { MagewellSource } from '../../src/sources/magewell/client.js';
import { MagewellSimulator } from '../../src/sources/magewell/simulator.js';
import { eventually } from '../helpers/stack.js';

const PASSWORD = 'encoder-pass-5d3e';
const FAR = { from: new Date('2000-01-01T00:00:00Z'), to: new Date(Date.now() + 3600_000) };

describe('Magewell client against its simulator: the document\'s clock, video, reboot, firmware and disk flows', () => {
  const sim = new MagewellSimulator({ encoders: 2, password: PASSWORD, timeScale: 50 });
  let urls: string[];
  const sources: MagewellSource[] = [];
  const source = (opts: { rebootTimeoutMs?: number } = {}) => {
    const s = new MagewellSource({
      config: { id: 'enc', vendor: 'MAGEWELL', devices: urls.map((baseUrl) => ({ baseUrl, downloadUrl: baseUrl, username: 'Admin', password: PASSWORD })), timeoutMs: 1000 },
      http: { retryBaseMs: 5, breakerCooldownMs: 200 },
      updateCheck: { timeoutMs: 3000, stepMs: 20 },
      ...opts,
    });
    sources.push(s);
    return s;
  };
  const control = (i: number, name: string, body: object = {}) =>
    fetch(`${urls[i]}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
  const requests = (i: number, route: string) => sim.encoders[i]!.server.requestCounts()[route] ?? 0;
  /** Another app on the encoder's network logs in (and holds one of its two places). */
  const otherApp = async (i: number) => {
    const pass = createHash('md5').update(PASSWORD).digest('hex');
    const res = await fetch(`${urls[i]}/usapi?method=login&id=Admin&pass=${pass}`);
    const sid = res.headers.get('set-cookie')!.match(/sid=([^;]+)/)![1]!;
    return () => fetch(`${urls[i]}/usapi?method=logout`, { headers: { cookie: `sid=${sid}` } });
  };
  const sd = (d: Device | null) => d!.storage.find((v) => v.kind === 'SD')!;

  beforeAll(async () => {
    urls = await sim.listen();
  });
  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });
  afterAll(() => sim.close());

  it('reads file times in the encoder\'s time zone, asking for the zone once per session', async () => {
    const s = source();
    const sn = sim.serial(0);
    await control(0, 'date-time', { timezone: 'Asia/Shanghai' });
    await control(0, 'add-files', { disk: 1, count: 1, at: '2019-09-25T06:35:21Z' });
    const settings0 = requests(0, 'GET get-settings');
    const find = async () => (await s.listRecordings(sn, FAR)).find((r) => r.startedAt.getFullYear() === 2019);
    const file = await find();
    expect(file?.startedAt.toISOString()).toBe('2019-09-25T06:35:21.000Z');
    expect(file?.utcOffsetMinutes).toBe(480);
    await find();
    expect(requests(0, 'GET get-settings') - settings0).toBe(1);

    // A device read brings the zone along (no extra call); a new session reads it again.
    await control(0, 'date-time', { timezone: 'America/New_York' });
    await s.getDevice(sn);
    const settings1 = requests(0, 'GET get-settings');
    expect((await find())?.startedAt.toISOString()).toBe('2019-09-25T06:35:21.000Z');
    expect(requests(0, 'GET get-settings')).toBe(settings1);
    await control(0, 'date-time', { timezone: 'Europe/Berlin' });
    await control(0, 'expire-session');
    expect((await find())?.utcOffsetMinutes).toBe(120);
    expect(requests(0, 'GET get-settings')).toBe(settings1 + 1);
    await control(0, 'date-time', { timezone: 'UTC' });
  });

  it('changes the bitrate without turning off "follow input", and fixes the format only when asked to', async () => {
    const s = source();
    const sn = sim.serial(1);
    await control(1, 'main-stream', { 'is-auto': 1 });
    await s.execute(sn, { type: 'updateSettings', input: { videoBitrateKbps: 2048 } });
    expect((await control(1, 'state')).main).toMatchObject({ 'is-auto': 1, kbps: 2048, cx: 1920, cy: 1080 });
    await s.execute(sn, { type: 'updateSettings', input: { resolution: '1280x720' } });
    expect((await control(1, 'state')).main).toMatchObject({ 'is-auto': 0, kbps: 2048, cx: 1280, cy: 720 });
  });

  it('shows an encoder it rebooted as REBOOTING, without a failure, until ping answers again', async () => {
    const s = source();
    const sn = sim.serial(1);
    await s.getDevice(sn);
    const logins = s.loginCount();
    await s.validateCommand(sn, { type: 'reboot' });
    await s.execute(sn, { type: 'reboot' });
    expect(await s.getDevice(sn)).toMatchObject({ connection: 'OFFLINE', states: ['REBOOTING'], firmware: { version: '1.2.122' } });
    const { devices, failures } = await s.listDevices();
    expect(failures).toEqual([]);
    expect(devices[1]).toMatchObject({ vendorDeviceId: sn, states: ['REBOOTING'] });
    await eventually(async () => !(await control(1, 'state')).rebooting, 3000, 'the encoder to come back');
    expect(await s.getDevice(sn)).toMatchObject({ connection: 'ONLINE', states: [] });
    expect(s.loginCount() - logins).toBe(1);
  });

  it('counts an encoder that stays away past rebootTimeoutMs as offline', async () => {
    const s = source({ rebootTimeoutMs: 20 });
    const sn = sim.serial(1);
    await s.execute(sn, { type: 'reboot' });
    await new Promise((r) => setTimeout(r, 60));
    const { devices, failures } = await s.listDevices();
    expect(devices[1]).toMatchObject({ connection: 'OFFLINE', states: [] });
    expect(failures).toHaveLength(1);
    await eventually(async () => !(await control(1, 'state')).rebooting, 3000, 'the encoder to come back');
  });

  it('names a failed update check, clears it before the next run, and reports "up to date" as such', async () => {
    const s = source();
    await control(0, 'firmware', { checkFails: -21 });
    const failed = await s.execute(sim.serial(0), { type: 'startFirmwareUpdate' }).catch((e) => e);
    expect(failed).toBeInstanceOf(UpstreamError);
    expect(failed).toMatchObject({ code: 'errNetwork', retryable: false });
    expect(failed.message).toContain('errNetwork');
    expect((await s.getDevice(sim.serial(0)))!.firmware).toMatchObject({ failure: 'errNetwork', updateInProgress: false });

    const upToDate = await s.execute(sim.serial(1), { type: 'startFirmwareUpdate' }).catch((e) => e);
    expect(upToDate).toBeInstanceOf(AlreadyUpToDateError);
    expect(upToDate).toMatchObject({ version: '1.2.122' });
    expect(requests(1, 'GET update')).toBe(0);
  });

  it('runs an update that failed before, with progress of the whole update and the failure named', async () => {
    const s = source();
    const sn = sim.serial(0);
    await control(0, 'firmware', { updateFails: -21 });
    await s.execute(sn, { type: 'startFirmwareUpdate' });
    const failed = await eventually(async () => {
      const d = await s.getDevice(sn);
      return d!.firmware!.updateInProgress ? null : d;
    }, 3000, 'the update to fail');
    expect(failed.firmware).toMatchObject({ failure: 'errNetwork', version: '1.2.122', progressPercent: null });

    // The failure holds until clear-upgrade, which the next start sends first.
    await s.execute(sn, { type: 'startFirmwareUpdate' });
    const progress: number[] = [];
    const done = await eventually(async () => {
      const d = await s.getDevice(sn);
      if (d!.firmware!.updateInProgress) progress.push(d!.firmware!.progressPercent!);
      return d!.firmware!.updateInProgress ? null : d;
    }, 4000, 'the update to finish');
    expect(done.firmware).toMatchObject({ version: '1.2.123', failure: null });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBeGreaterThan(50);
  });

  it('shows the storage status codes and formats a disk as the document says', async () => {
    const s = source();
    const sn = sim.serial(1);
    await control(1, 'disk-status', { usb: 0x03 });
    await control(1, 'disks', { sd: false });
    let d = await s.getDevice(sn);
    expect(d!.storage.map((v) => [v.kind, v.status])).toEqual([['USB', 'FULL'], ['SD', 'NOT_INSERTED']]);
    expect(sd(d)).toMatchObject({ totalBytes: null });
    await expect(s.validateCommand(sn, { type: 'formatStorage', kind: 'SD' })).rejects.toMatchObject({ name: 'ValidationError', field: 'kind' });
    await control(1, 'disks', { sd: true });
    await control(1, 'disk-status', { usb: 0x01 });

    const before = Object.values(sim.encoders[1]!.server.requestCounts()).reduce((a, b) => a + b, 0);
    const wrongKind = await s.validateCommand(sn, { type: 'formatStorage', kind: 'INTERNAL' }).catch((e) => e);
    expect(wrongKind).toBeInstanceOf(ValidationError);
    expect(wrongKind).toMatchObject({ field: 'kind' });
    expect(Object.values(sim.encoders[1]!.server.requestCounts()).reduce((a, b) => a + b, 0)).toBe(before);

    await s.execute(sn, { type: 'startRecording' });
    await expect(s.validateCommand(sn, { type: 'formatStorage', kind: 'SD' })).rejects.toMatchObject({ field: 'deviceId' });
    await s.execute(sn, { type: 'stopRecording' });
    expect((await s.listRecordings(sn, FAR)).some((r) => r.vendorRecordingId.startsWith('sd:'))).toBe(true);

    for (let run = 0; run < 2; run++) {
      await s.execute(sn, { type: 'formatStorage', kind: 'SD' });
      d = await s.getDevice(sn);
      expect(sd(d)).toMatchObject({ status: 'FORMATTING' });
      expect(d!.states).toContain('FORMATTING_STORAGE');
      await expect(s.validateCommand(sn, { type: 'reboot' })).rejects.toMatchObject({ field: 'deviceId' });
      await eventually(async () => sd(await s.getDevice(sn)).status === 'READY', 3000, 'the format to finish');
    }
    expect((await s.listRecordings(sn, FAR)).some((r) => r.vendorRecordingId.startsWith('sd:'))).toBe(false);
    expect(sd(await s.getDevice(sn)).usedBytes).toBe(0);
  });

  it('says when another app holds the encoder, and when two do', async () => {
    const s = source();
    const sn = sim.serial(0);
    expect((await s.getDevice(sn))!.states).toEqual([]);
    const leave = await otherApp(0);
    expect((await s.getDevice(sn))!.states).toEqual(['OCCUPIED']);
    await leave();
    expect((await s.getDevice(sn))!.states).toEqual([]);
    // Our session ends; two other apps take both places meanwhile.
    await control(0, 'expire-session');
    const leaving = [await otherApp(0), await otherApp(0)];
    const { devices, failures } = await s.listDevices();
    expect(failures[0]).toMatchObject({ code: 'errOccupied' });
    expect(devices[0]).toMatchObject({ connection: 'UNKNOWN', states: ['OCCUPIED'] });
    await Promise.all(leaving.map((f) => f()));
  });
});
