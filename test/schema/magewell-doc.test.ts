import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, MW_PASSWORD, Stack, eventually } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field } ... on NotSupportedError { capability } ... on UpstreamError { vendor code retryable }`;
const STATE = `connection states storage { kind status progressPercent totalBytes usedBytes } firmware { version updateInProgress progressPercent failure }`;

describe('Magewell through GraphQL, as the document describes it: clock, video, reboot, firmware, disks', () => {
  const stack = new Stack({ magewell: 2, timeScale: 50, fleetSize: 2 });
  let encoders: { id: string; vendorDeviceId: string }[];
  let epiphanId: string;
  const control = (i: number, name: string, body: object = {}) =>
    fetch(`http://127.0.0.1:${stack.magewell!.encoders[i]!.port}/__sim/${name}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);
  /** usapi calls that change something, summed over the encoders. */
  const commands = () =>
    stack.magewell!.encoders.flatMap((e) => Object.entries(e.server.requestCounts()))
      .filter(([k]) => !/ (get-|login|logout|ping|\/)/.test(k))
      .reduce((n, [, v]) => n + v, 0);
  const device = async (id: string, fields = STATE) => (await stack.gql(`query($id:ID!){ device(id:$id) { ${fields} } }`, { id })).data.device;

  beforeAll(async () => {
    await stack.start();
    encoders = await stack.deviceIds('encoders');
    epiphanId = (await stack.deviceIds('cloud'))[0]!.id;
  });
  afterAll(() => stack.close());

  it('lists a 2019 file by default, at the instant the encoder\'s clock and zone say', async () => {
    const [dev] = encoders;
    await control(0, 'date-time', { timezone: 'Asia/Shanghai' });
    await control(0, 'add-files', { disk: 1, count: 1, at: '2019-09-25T06:35:21Z' });
    const r = await stack.gql(`query($id:ID!){ device(id:$id) { recordings(first: 50) { edges { node { startedAt utcOffsetMinutes } } } } }`, { id: dev!.id });
    expect(r.errors).toBeUndefined();
    const old = r.data.device.recordings.edges.map((e: any) => e.node).find((n: any) => n.startedAt.startsWith('2019'));
    expect(old).toEqual({ startedAt: '2019-09-25T06:35:21.000Z', utcOffsetMinutes: 480 });
    // Other sources keep their window: an explicit from still narrows Magewell's list.
    const recent = await stack.gql(`query($id:ID!,$f:DateTime){ device(id:$id) { recordings(from:$f) { edges { node { startedAt } } } } }`, { id: dev!.id, f: '2020-01-01T00:00:00Z' });
    expect(recent.data.device.recordings.edges.some((e: any) => e.node.startedAt.startsWith('2019'))).toBe(false);
  });

  it('changes only the bitrate, leaving "follow input" on', async () => {
    const dev = encoders[1]!;
    await control(1, 'main-stream', { 'is-auto': 1 });
    const r = await stack.gql(
      `mutation($id:ID!){ r: updateDeviceSettings(deviceId:$id, input:{ videoBitrateKbps: 2048 }) { ${RESULT} ... on UpdateDeviceSettingsSuccess { device { settings { videoBitrateKbps } vendorData } } } }`,
      { id: dev.id },
    );
    expect(r.data.r.device.settings.videoBitrateKbps).toBe(2048);
    expect(r.data.r.device.vendorData.settings['main-stream']).toMatchObject({ 'is-auto': 1, kbps: 2048 });
    expect((await control(1, 'state')).main['is-auto']).toBe(1);
  });

  it('reboots an encoder (scope control): REBOOTING until ping answers, then online again', async () => {
    const dev = encoders[1]!;
    const reboot = `mutation($id:ID!){ r: rebootDevice(deviceId:$id) { ${RESULT} ... on RebootDeviceSuccess { device { ${STATE} } } } }`;
    const sent = commands();
    expect((await stack.gql(reboot, { id: dev.id }, KEYS.reader)).data.r.__typename).toBe('PermissionDeniedError');
    expect((await stack.gql(reboot, { id: epiphanId }, KEYS.control)).data.r).toMatchObject({ __typename: 'NotSupportedError', capability: 'REBOOT' });
    expect(commands()).toBe(sent);

    const r = await stack.gql(reboot, { id: dev.id }, KEYS.control);
    expect(r.data.r).toMatchObject({ __typename: 'RebootDeviceSuccess', device: { connection: 'OFFLINE', states: ['REBOOTING'] } });
    const fleet = await stack.gql(`{ devices(filter:{ vendors:[MAGEWELL] }) { edges { node { vendorDeviceId connection states } } } }`);
    expect(fleet.errors).toBeUndefined();
    expect(fleet.data.devices.edges[1].node).toMatchObject({ vendorDeviceId: dev.vendorDeviceId, states: ['REBOOTING'] });
    const busy = await stack.gql(`mutation($id:ID!){ r: startRecording(deviceId:$id) { ${RESULT} } }`, { id: dev.id });
    expect(busy.data.r).toMatchObject({ __typename: 'DeviceOfflineError', message: expect.stringContaining('rebooting') });

    await eventually(async () => !(await control(1, 'state')).rebooting, 3000, 'the encoder to come back');
    expect(await device(dev.id)).toMatchObject({ connection: 'ONLINE', states: [] });
  });

  it('names a failed update check, says "already up to date", and shows the update\'s failure', async () => {
    const start = `mutation($id:ID!){ r: startFirmwareUpdate(deviceId:$id) { ${RESULT} ... on AlreadyUpToDateError { version } ... on StartFirmwareUpdateSuccess { device { ${STATE} } } } }`;
    await control(0, 'firmware', { checkFails: -21 });
    const failed = await stack.gql(start, { id: encoders[0]!.id });
    expect(failed.data.r).toMatchObject({ __typename: 'UpstreamError', vendor: 'MAGEWELL', code: 'errNetwork', retryable: false });
    expect((await device(encoders[0]!.id)).firmware).toMatchObject({ failure: 'errNetwork', updateInProgress: false });

    const upToDate = await stack.gql(start, { id: encoders[1]!.id });
    expect(upToDate.data.r).toMatchObject({ __typename: 'AlreadyUpToDateError', version: '1.2.122' });

    await control(0, 'firmware', { updateFails: -34 });
    const started = await stack.gql(start, { id: encoders[0]!.id });
    expect(started.data.r).toMatchObject({ __typename: 'StartFirmwareUpdateSuccess', device: { states: ['UPDATING_FIRMWARE'], firmware: { updateInProgress: true } } });
    const after = await eventually(async () => {
      const d = await device(encoders[0]!.id);
      return d.firmware.updateInProgress ? null : d;
    }, 3000, 'the update to fail');
    expect(after.firmware).toMatchObject({ failure: 'errMWFUnsupported', version: '1.2.122' });
  });

  it('shows the storage status codes, formats a disk (scope admin) and shows it FORMATTING until done', async () => {
    const dev = encoders[1]!;
    await control(1, 'disk-status', { usb: 0x04 });
    await control(1, 'disks', { sd: false });
    expect((await device(dev.id)).storage).toEqual([
      { kind: 'USB', status: 'READ_ONLY', progressPercent: null, totalBytes: 61638148096, usedBytes: expect.any(Number) },
      { kind: 'SD', status: 'NOT_INSERTED', progressPercent: null, totalBytes: null, usedBytes: null },
    ]);
    await control(1, 'disk-status', { usb: 0x01 });
    await control(1, 'disks', { sd: true });

    const format = `mutation($id:ID!,$k:StorageKind!){ r: formatStorage(deviceId:$id, kind:$k) { ${RESULT} ... on FormatStorageSuccess { device { ${STATE} } } } }`;
    const sent = commands();
    expect((await stack.gql(format, { id: dev.id, k: 'SD' }, KEYS.control)).data.r.__typename).toBe('PermissionDeniedError');
    expect((await stack.gql(format, { id: dev.id, k: 'INTERNAL' })).data.r).toMatchObject({ __typename: 'ValidationError', field: 'kind' });
    expect((await stack.gql(format, { id: epiphanId, k: 'SD' })).data.r).toMatchObject({ __typename: 'NotSupportedError', capability: 'FORMAT_STORAGE' });
    expect(commands()).toBe(sent);

    const r = await stack.gql(format, { id: dev.id, k: 'SD' });
    expect(r.data.r.__typename).toBe('FormatStorageSuccess');
    expect(r.data.r.device.states).toContain('FORMATTING_STORAGE');
    expect(r.data.r.device.storage[1]).toMatchObject({ kind: 'SD', status: 'FORMATTING', progressPercent: expect.any(Number) });
    const again = await stack.gql(format, { id: dev.id, k: 'USB' });
    expect(again.data.r).toMatchObject({ __typename: 'ValidationError', field: 'deviceId' });
    const done = await eventually(async () => {
      const d = await device(dev.id);
      return d.storage[1].status === 'READY' ? d : null;
    }, 3000, 'the format to finish');
    expect(done.storage[1]).toMatchObject({ usedBytes: 0, progressPercent: null });
    expect(done.states).toEqual([]);
  });

  it('shows OCCUPIED while another app holds the encoder', async () => {
    const port = stack.magewell!.encoders[1]!.port;
    const pass = createHash('md5').update(MW_PASSWORD).digest('hex');
    const login = await fetch(`http://127.0.0.1:${port}/usapi?method=login&id=Admin&pass=${pass}`);
    const sid = login.headers.get('set-cookie')!.match(/sid=([^;]+)/)![1]!;
    expect((await device(encoders[1]!.id)).states).toEqual(['OCCUPIED']);
    await fetch(`http://127.0.0.1:${port}/usapi?method=logout`, { headers: { cookie: `sid=${sid}` } });
    expect((await device(encoders[1]!.id)).states).toEqual([]);
  });
});
