import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, collect, eventually, simPost, simUrl } from '../helpers/stack.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field } ... on UpstreamError { code }`;
const COMMAND = `command { id kind state issuedAt confirmedAt finishedAt deadline observable deviceId error { message code } }`;

const START = `mutation($id:ID!){ r: startRecording(deviceId:$id) { ${RESULT} ... on StartRecordingSuccess { device { isRecording } ${COMMAND} } } }`;
const STOP = `mutation($id:ID!){ r: stopRecording(deviceId:$id) { ${RESULT} ... on StopRecordingSuccess { ${COMMAND} } } }`;
const SETTINGS = `mutation($id:ID!,$in:DeviceSettingsInput!){ r: updateDeviceSettings(deviceId:$id, input:$in) {
  ${RESULT} ... on UpdateDeviceSettingsSuccess { device { settings { videoBitrateKbps } } ${COMMAND} } } }`;
const COMMANDS = `query($f:CommandFilter){ commands(filter:$f, first: 50) { edges { node { id kind state deviceId finishedAt issuedAt error { code message } } } } }`;

describe('tracked commands against the Epiphan Cloud simulator', () => {
  // 12 simulated devices, every 7th offline: 11 online, so each test has a device of its own
  const stack = new Stack({
    fleetSize: 12,
    timeScale: 100,
    config: { commands: { deadlineMs: { startRecording: 800, updateSettings: 5_000 }, checkIntervalMs: 50 } },
  });
  let devices: { id: string; vendorDeviceId: string }[] = [];
  const sim = async (name: string, body: Record<string, unknown>) => (await simPost(simUrl(stack, 'cloud'), name, body)).json() as Promise<any>;
  const commands = async (f: Record<string, unknown>) => (await stack.gql(COMMANDS, { f })).data.commands.edges.map((e: any) => e.node);

  beforeAll(async () => {
    await stack.start();
    // Epiphan's demo devices report no recording state: real ones only
    devices = (await stack.deviceIds('cloud')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo_'));
    expect(devices.length).toBeGreaterThanOrEqual(9);
  });
  afterAll(() => stack.close());

  it('startRecording is CONFIRMED once a read shows the device recording; commands(filter) and node(id) find it', async () => {
    const dev = devices[0]!;
    const r = (await stack.gql(START, { id: dev.id })).data.r;
    expect(r.__typename).toBe('StartRecordingSuccess');
    expect(r.device.isRecording).toBe(true);
    expect(r.command).toMatchObject({ kind: 'START_RECORDING', state: 'CONFIRMED', observable: true, deviceId: dev.id, error: null });
    expect(Date.parse(r.command.confirmedAt)).toBeGreaterThanOrEqual(Date.parse(r.command.issuedAt));

    const listed = await commands({ deviceIds: [dev.id], kinds: ['START_RECORDING'] });
    expect(listed.map((c: any) => c.id)).toEqual([r.command.id]);
    expect(await commands({ deviceIds: [dev.id], states: ['PENDING'] })).toEqual([]);

    const node = await stack.gql(`query($id:ID!){ node(id:$id) { __typename id ... on Command { state kind device { id } } } }`, { id: r.command.id });
    expect(node.data.node).toEqual({ __typename: 'Command', id: r.command.id, state: 'CONFIRMED', kind: 'START_RECORDING', device: { id: dev.id } });
    const entity = await stack.gql(`query($r:[_Any!]!){ _entities(representations:$r) { ... on Command { id state } } }`, { r: [{ __typename: 'Command', id: r.command.id }] });
    expect(entity.data._entities).toEqual([{ id: r.command.id, state: 'CONFIRMED' }]);
  });

  it('a startRecording the cloud accepts (200) but the device never applies ends TIMED_OUT after its deadline', async () => {
    const dev = devices[1]!;
    expect((await sim('ignoreTasks', { deviceId: dev.vendorDeviceId, count: 1 })).ok).toBe(true);
    const r = (await stack.gql(START, { id: dev.id })).data.r;
    expect(r.__typename).toBe('StartRecordingSuccess');
    expect(r.device.isRecording).toBe(false);
    expect(r.command.state).toBe('PENDING');
    const [timedOut] = await eventually(async () => {
      const c = await commands({ deviceIds: [dev.id], states: ['TIMED_OUT'] });
      return c.length ? c : null;
    }, 5_000, 'the command to time out');
    expect(timedOut).toMatchObject({ id: r.command.id, kind: 'START_RECORDING', error: { code: 'TIMED_OUT' } });
    // not before its deadline: every read in between (one every 50 ms) showed the device not recording
    expect(Date.parse(timedOut.finishedAt) - Date.parse(timedOut.issuedAt)).toBeGreaterThanOrEqual(800);
    const now = await stack.gql(`query($id:ID!){ device(id:$id) { isRecording } }`, { id: dev.id });
    expect(now.data.device.isRecording).toBe(false);
  });

  it('commandChanged emits PENDING then CONFIRMED, filtered to the device asked for', async () => {
    const dev = devices[2]!;
    const other = devices[3]!;
    const sub = collect(stack, `subscription($f:CommandFilter){ commandChanged(filter:$f) { id kind state deviceId } }`, { f: { deviceIds: [dev.id] } });
    // the subscription is live once an event for the device arrives: a stop on a device not recording confirms at once
    await eventually(async () => {
      await stack.gql(STOP, { id: dev.id });
      return sub.events.some((e) => e.data?.commandChanged.kind === 'STOP_RECORDING');
    }, 5_000, 'the subscription to start');
    await stack.gql(START, { id: other.id });
    const r = (await stack.gql(START, { id: dev.id })).data.r;
    const events = () => sub.events.map((e) => e.data.commandChanged);
    await eventually(() => events().some((c) => c.id === r.command.id && c.state === 'CONFIRMED'), 3_000, 'the confirmation');
    await sub.stop();
    expect(events().every((c) => c.deviceId === dev.id)).toBe(true);
    expect(events().filter((c) => c.id === r.command.id)).toEqual([
      { id: r.command.id, kind: 'START_RECORDING', state: 'PENDING', deviceId: dev.id },
      { id: r.command.id, kind: 'START_RECORDING', state: 'CONFIRMED', deviceId: dev.id },
    ]);
  });

  it('updateDeviceSettings is CONFIRMED when a read shows the new bitrate, also when that read comes later', async () => {
    const dev = devices[4]!;
    const applied = (await stack.gql(SETTINGS, { id: dev.id, in: { videoBitrateKbps: 3000 } })).data.r;
    expect(applied.device.settings.videoBitrateKbps).toBe(3000);
    expect(applied.command).toMatchObject({ kind: 'UPDATE_SETTINGS', state: 'CONFIRMED' });

    // the cloud drops the next task: the command waits, read again every 50 ms, until the bitrate shows
    await sim('ignoreTasks', { deviceId: dev.vendorDeviceId, count: 1 });
    const queued = (await stack.gql(SETTINGS, { id: dev.id, in: { videoBitrateKbps: 2500 } })).data.r;
    expect(queued.device.settings.videoBitrateKbps).toBe(3000);
    expect(queued.command.state).toBe('PENDING');
    const again = (await stack.gql(SETTINGS, { id: dev.id, in: { videoBitrateKbps: 2500 } })).data.r;
    expect(again.command.state).toBe('CONFIRMED');
    const first = await eventually(async () => {
      const c = (await commands({ deviceIds: [dev.id], kinds: ['UPDATE_SETTINGS'] })).find((x: any) => x.id === queued.command.id);
      return c?.state === 'CONFIRMED' ? c : null;
    }, 3_000, 'the queued command to be confirmed');
    expect(first.error).toBeNull();
  });

  it('tasks devices apply late are CONFIRMED by the tracker\'s own re-reads (one fleet read per check), with no further mutation and no poller', async () => {
    const late = [devices[7]!, devices[8]!];
    expect(stack.app.runtime.pollers.get('cloud')?.active).toBe(false);
    // stops (deadline 30 s), of recordings started normally first
    const sent: { id: string }[] = [];
    for (const dev of late) {
      expect((await stack.gql(START, { id: dev.id })).data.r.command.state).toBe('CONFIRMED');
      await sim('ignoreTasks', { deviceId: dev.vendorDeviceId, count: 1, hold: true });
      const r = (await stack.gql(STOP, { id: dev.id })).data.r;
      expect(r.__typename).toBe('StopRecordingSuccess');
      expect(r.command.state).toBe('PENDING');
      sent.push(r.command);
    }
    // still PENDING over several checks: the tracker reads the fleet once a check for both, never device by device
    await sim('reset', {});
    await eventually(async () => ((await sim('stats', {})).requests['GET /front/api/v2/devices'] ?? 0) >= 3, 3_000, 'the tracker to read the fleet again');
    expect((await sim('stats', {})).requests['GET /front/api/v2/devices/:id']).toBeUndefined();
    for (const c of sent) expect((await commands({ kinds: ['STOP_RECORDING'] })).find((x: any) => x.id === c.id)).toMatchObject({ state: 'PENDING' });

    expect((await sim('applyTasks', {})).applied).toBe(2);
    const done = await eventually(async () => {
      const all = (await commands({ kinds: ['STOP_RECORDING'] })).filter((x: any) => sent.some((c) => c.id === x.id));
      return all.length === 2 && all.every((x: any) => x.state === 'CONFIRMED') ? all : null;
    }, 3_000, 'the late tasks to be confirmed');
    expect(done.map((c: any) => c.error)).toEqual([null, null]);
    expect(stack.app.runtime.pollers.get('cloud')?.active).toBe(false);
  });

  it('unpair is CONFIRMED once a read finds the device gone; an AV Studio RTMP push once its stream is live', async () => {
    const dev = devices[6]!;
    const unpair = (await stack.gql(`mutation($id:ID!){ r: unpairDevice(deviceId:$id) { ${RESULT} ... on UnpairDeviceSuccess { ${COMMAND} } } }`, { id: dev.id })).data.r;
    expect(unpair.command).toMatchObject({ kind: 'UNPAIR', deviceId: dev.id });
    await eventually(async () => (await commands({ deviceIds: [dev.id], kinds: ['UNPAIR'], states: ['CONFIRMED'] })).length === 1, 3_000, 'the unpair confirmed');
    const node = await stack.gql(`query($id:ID!){ node(id:$id) { ... on Command { state device { id } } } }`, { id: unpair.command.id });
    expect(node.data.node).toEqual({ state: 'CONFIRMED', device: null });

    const studio = (await stack.deviceIds('studio')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo_'))!;
    const push = `mutation($id:ID!){ r: startStream(deviceId:$id, rtmpUrl:"rtmp://live.example.com/app/stream-key-1") { ${RESULT} ... on StartStreamSuccess { stream { state } ${COMMAND} } } }`;
    const started = (await stack.gql(push, { id: studio.id })).data.r;
    expect(started.command).toMatchObject({ kind: 'START_STREAM', state: 'CONFIRMED' });
  });

  it('an upstream failure records a FAILED command; input refused before sending records none', async () => {
    const dev = devices[5]!;
    const before = await commands({ deviceIds: [dev.id] });
    const refused = (await stack.gql(SETTINGS, { id: dev.id, in: { videoBitrateKbps: -5 } })).data.r;
    expect(refused.__typename).toBe('ValidationError');
    expect(await commands({ deviceIds: [dev.id] })).toEqual(before);

    await sim('faults', { errorRate: 1, errorStatus: 500, failMethod: 'POST' });
    try {
      const failed = (await stack.gql(START, { id: dev.id })).data.r;
      expect(failed.__typename).toBe('UpstreamError');
    } finally {
      await sim('faults', { errorRate: 0, failMethod: null });
    }
    const [c] = await commands({ deviceIds: [dev.id] });
    expect(c).toMatchObject({ kind: 'START_RECORDING', state: 'FAILED' });
    expect(c.error.message).toMatch(/./);
    expect(await commands({ deviceIds: [dev.id], states: ['FAILED'] })).toHaveLength(1);
  });
});

describe('a command whose read-back fails', () => {
  // device state may be an hour old here, so the checks before sending read nothing: only the read after does;
  // the tracker's first re-read comes well after the mutation has answered
  const stack = new Stack({ fleetSize: 3, maxAgeMs: 3_600_000, config: { commands: { deadlineMs: { startRecording: 5_000 }, checkIntervalMs: 500 } } });
  const sim = async (name: string, body: Record<string, unknown>) => (await simPost(simUrl(stack, 'cloud'), name, body)).json() as Promise<any>;

  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('answers success with the command PENDING, which the tracker then CONFIRMED', async () => {
    const dev = (await stack.deviceIds('cloud')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo_'))!;
    // every attempt of the next read (the client retries twice) fails; the task itself goes through
    await sim('faults', { failNext: 3, failMethod: 'GET', errorStatus: 500 });
    let r: any;
    try {
      r = (await stack.gql(START, { id: dev.id })).data.r;
    } finally {
      await sim('faults', { failNext: 0, failMethod: null });
    }
    expect(r.__typename).toBe('StartRecordingSuccess');
    expect(r.command).toMatchObject({ kind: 'START_RECORDING', state: 'PENDING', error: null });
    // the device as checked before the command: the read after it failed
    expect(r.device.isRecording).toBe(false);
    const done = await eventually(async () => {
      const c = (await stack.gql(COMMANDS, { f: { deviceIds: [dev.id] } })).data.commands.edges.map((e: any) => e.node);
      return c[0]?.state === 'CONFIRMED' ? c[0] : null;
    }, 3_000, 'the command to be confirmed');
    expect(done.id).toBe(r.command.id);
  });
});
