import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';
import { KEYS, Stack, collect, eventually, simCounts } from '../helpers/stack.js';

const TASK = 'POST /front/api/v2/devices/:id/task';

const RUN = `mutation($devices: FleetDevicesInput!, $command: FleetCommandInput!, $wait: Boolean) {
  r: runFleetCommand(devices: $devices, command: $command, wait: $wait) {
    __typename
    ... on Error { message }
    ... on ValidationError { field }
    ... on FleetCommandRefused { problems { deviceId error { __typename ... on Error { message } ... on ValidationError { field } } } }
    ... on FleetCommand {
      id kind total succeeded failed startedAt finishedAt
      results {
        deviceId finishedAt
        outcome {
          __typename
          ... on Error { message }
          ... on UpstreamError { vendor code }
          ... on FleetDeviceSuccess { device { id isRecording settings { videoBitrateKbps } } stream { id url } command { deviceId kind state } }
        }
      }
    }
  }
}`;

const PROGRESS = `subscription($id: ID!) {
  fleetCommandProgress(id: $id) {
    fleetCommandId total succeeded failed done finishedAt
    result { deviceId outcome { __typename } }
  }
}`;

interface Dev {
  id: string;
  name: string;
  vendorDeviceId: string;
  connection: string;
  model: string | null;
  isRecording: boolean | null;
}

async function devices(stack: Stack, sourceId: string): Promise<Dev[]> {
  const r = await stack.gql(
    `query($s:[ID!]){ devices(filter:{sourceIds:$s}, first: 500) { edges { node { id name vendorDeviceId connection model isRecording } } } }`,
    { s: [sourceId] },
  );
  return r.data.devices.edges.map((e: { node: Dev }) => e.node);
}

const commandable = (list: Dev[]) => list.filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
const tasks = (sim: EpiphanSimulator) => simCounts(sim)[TASK] ?? 0;

describe('runFleetCommand', () => {
  const stack = new Stack({ fleetSize: 50, config: { fleetCommands: { maxDevices: 200 } } });
  let cloud: Dev[];
  let studio: Dev[];
  const allTasks = () => tasks(stack.cloud) + tasks(stack.studio);

  beforeAll(async () => {
    await stack.start();
    [cloud, studio] = await Promise.all([devices(stack, 'cloud'), devices(stack, 'studio')]);
  });
  afterAll(() => stack.close());

  it('sends nothing to any of 50+ devices when one device cannot take the settings, and names that device', async () => {
    const ok = [...commandable(cloud), ...commandable(studio)].filter((d) => d.model !== 'Webcaster X2');
    const x2 = commandable(studio).find((d) => d.model === 'Webcaster X2')!;
    expect(ok.length).toBeGreaterThanOrEqual(50);
    const before = allTasks();
    // 5000 kbps is within what the undocumented models may take, beyond the Webcaster X2's documented 4000
    const r = await stack.gql(RUN, {
      devices: { deviceIds: [...ok.map((d) => d.id), x2.id] },
      command: { kind: 'UPDATE_SETTINGS', settings: { videoBitrateKbps: 5000 } },
    });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data.r.__typename).toBe('FleetCommandRefused');
    expect(r.data.r.problems).toEqual([
      { deviceId: x2.id, error: { __typename: 'ValidationError', message: expect.stringMatching(/4000/), field: 'videoBitrateKbps' } },
    ]);
    expect(allTasks()).toBe(before);
  });

  it('refuses the whole command for an unknown id, an offline device or a device lacking the capability, sending nothing', async () => {
    const ok = [...commandable(cloud), ...commandable(studio)];
    const offline = cloud.find((d) => d.connection === 'OFFLINE')!;
    const cloudDevice = commandable(cloud)[0]!;
    const before = allTasks();
    const r = await stack.gql(RUN, {
      devices: { deviceIds: [...ok.map((d) => d.id), offline.id, 'bm90LWEtZGV2aWNl'] },
      command: { kind: 'START_RECORDING' },
    });
    expect(r.data.r.__typename).toBe('FleetCommandRefused');
    expect(r.data.r.problems).toEqual(
      expect.arrayContaining([
        { deviceId: offline.id, error: expect.objectContaining({ __typename: 'DeviceOfflineError' }) },
        { deviceId: 'bm90LWEtZGV2aWNl', error: expect.objectContaining({ __typename: 'NotFoundError' }) },
      ]),
    );
    expect(r.data.r.problems).toHaveLength(2);
    // Epiphan Cloud devices have no live stream: every one of them is named
    const stream = await stack.gql(RUN, {
      devices: { deviceIds: [cloudDevice.id, ...commandable(studio).map((d) => d.id)] },
      command: { kind: 'START_STREAM', rtmpUrl: 'rtmp://live.example.com/app/key' },
    });
    expect(stream.data.r.problems).toEqual([{ deviceId: cloudDevice.id, error: expect.objectContaining({ __typename: 'NotSupportedError' }) }]);
    expect(allTasks()).toBe(before);
  });

  it('refuses bad input, a missing scope and an ambiguous device selection, sending nothing', async () => {
    const ids = commandable(studio).map((d) => d.id);
    const before = allTasks();
    const long = await stack.gql(RUN, {
      devices: { deviceIds: ids },
      command: { kind: 'START_STREAM', rtmpUrl: `rtmp://live.example.com/${'a'.repeat(1100)}` },
    });
    expect(long.data.r).toMatchObject({ __typename: 'ValidationError', field: 'rtmpUrl' });
    const both = await stack.gql(RUN, { devices: { deviceIds: ids, filter: { vendors: ['AV_STUDIO'] } }, command: { kind: 'STOP_RECORDING' } });
    expect(both.data.r).toMatchObject({ __typename: 'ValidationError', field: 'devices' });
    const noSettings = await stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'UPDATE_SETTINGS' } });
    expect(noSettings.data.r).toMatchObject({ __typename: 'ValidationError', field: 'settings' });
    const firmware = await stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'START_FIRMWARE_UPDATE' } }, KEYS.control);
    expect(firmware.data.r.__typename).toBe('PermissionDeniedError');
    const reader = await stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'START_RECORDING' } }, KEYS.reader);
    expect(reader.data.r.__typename).toBe('PermissionDeniedError');
    const tooMany = Array.from({ length: 201 }, (_, i) => Buffer.from(`Device:studio:nope-${i}`).toString('base64'));
    const many = await stack.gql(RUN, { devices: { deviceIds: tooMany }, command: { kind: 'START_RECORDING' } });
    expect(many.data.r).toMatchObject({ __typename: 'ValidationError', field: 'devices', message: expect.stringMatching(/at most 200/) });
    expect(allTasks()).toBe(before);
  });

  it('starts recording on every device a filter matches, and every one records afterwards', async () => {
    const filter = { sourceIds: ['cloud', 'studio'], connection: 'ONLINE' };
    const expected = [...cloud, ...studio].filter((d) => d.connection === 'ONLINE');
    expect(expected.length).toBeGreaterThanOrEqual(80);
    const before = allTasks();
    const r = await stack.gql(RUN, { devices: { filter }, command: { kind: 'START_RECORDING' } });
    const run = r.data.r;
    expect(run).toMatchObject({ __typename: 'FleetCommand', kind: 'START_RECORDING', total: expected.length, succeeded: expected.length, failed: 0 });
    expect(new Date(run.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());
    expect(run.results.map((x: any) => x.deviceId).sort()).toEqual(expected.map((d) => d.id).sort());
    expect(allTasks() - before).toBe(expected.length);
    for (const x of run.results) expect(x.outcome.__typename).toBe('FleetDeviceSuccess');
    const real = run.results.filter((x: any) => !expected.find((d) => d.id === x.deviceId)!.vendorDeviceId.startsWith('demo'));
    for (const x of real) {
      expect(x.outcome.device.isRecording).toBe(true);
      // tracked like a startRecording: the read after it already shows the effect
      expect(x.outcome.command).toEqual({ deviceId: x.deviceId, kind: 'START_RECORDING', state: 'CONFIRMED' });
    }
    // read back from the simulators, not from the mutation's answer
    const after = [...(await devices(stack, 'cloud')), ...(await devices(stack, 'studio'))];
    expect(commandable(after).every((d) => d.isRecording === true)).toBe(true);
    const stopped = await stack.gql(RUN, { devices: { filter }, command: { kind: 'STOP_RECORDING' } });
    expect(stopped.data.r.succeeded).toBe(expected.length);
  });

  it('gives each device its own outcome: a failing source makes its devices UpstreamError, the others succeed', async () => {
    const ids = [...commandable(cloud), ...commandable(studio)].map((d) => d.id);
    stack.studio.server.setFaults({ errorRate: 1, errorStatus: 502, failMethod: 'POST' });
    let run: any;
    try {
      run = (await stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'START_RECORDING' } })).data.r;
    } finally {
      stack.studio.server.resetFaults();
    }
    expect(run).toMatchObject({ __typename: 'FleetCommand', total: ids.length, succeeded: commandable(cloud).length, failed: commandable(studio).length });
    const byId = new Map(run.results.map((x: any) => [x.deviceId, x.outcome]));
    for (const d of commandable(studio)) expect(byId.get(d.id)).toMatchObject({ __typename: 'UpstreamError', vendor: 'AV_STUDIO' });
    for (const d of commandable(cloud)) expect(byId.get(d.id)).toMatchObject({ __typename: 'FleetDeviceSuccess', device: { isRecording: true } });
    await eventually(async () => {
      const r = await stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'STOP_RECORDING' } });
      return r.data.r.failed === 0;
    }, 3000, 'the studio source to recover');
  });

  it('streams every device\'s outcome through fleetCommandProgress, then a final event, also to a late subscriber', async () => {
    const list = commandable(studio);
    stack.studio.server.setFaults({ latencyMs: 20 });
    try {
      const r = await stack.gql(RUN, {
        devices: { deviceIds: list.map((d) => d.id) },
        command: { kind: 'START_STREAM', rtmpUrl: 'rtmp://live.example.com/app/key' },
        wait: false,
      });
      const started = r.data.r;
      expect(started).toMatchObject({ __typename: 'FleetCommand', total: list.length, finishedAt: null });
      const live = collect(stack, PROGRESS, { id: started.id }, KEYS.admin);
      await live.done;
      expect(live.errors).toEqual([]);
      const events = live.events.map((e) => e.data.fleetCommandProgress);
      const results = events.filter((e) => !e.done);
      expect(results.map((e) => e.result.deviceId).sort()).toEqual(list.map((d) => d.id).sort());
      expect(results.every((e) => e.result.outcome.__typename === 'FleetDeviceSuccess')).toBe(true);
      expect(results.map((e) => e.succeeded)).toEqual(list.map((_, i) => i + 1));
      expect(events.at(-1)).toMatchObject({ done: true, result: null, total: list.length, succeeded: list.length, failed: 0 });
      expect(events.at(-1).finishedAt).not.toBeNull();
      // after the command finished: the whole story again, and the subscription ends
      const late = collect(stack, PROGRESS, { id: started.id }, KEYS.admin);
      await late.done;
      expect(late.events.map((e) => e.data.fleetCommandProgress)).toEqual(events);
    } finally {
      stack.studio.server.resetFaults();
    }
    const stopped = await stack.gql(RUN, { devices: { deviceIds: list.map((d) => d.id) }, command: { kind: 'STOP_STREAM' } });
    expect(stopped.data.r.succeeded).toBe(list.length);
  });

  it('answers a progress subscription for an unknown fleet command with NOT_FOUND instead of waiting forever', async () => {
    const sub = collect(stack, PROGRESS, { id: 'no-such-fleet-command' }, KEYS.admin);
    await sub.done;
    expect(sub.events).toHaveLength(1);
    expect(sub.events[0].data ?? null).toBeNull();
    expect(sub.events[0].errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('runFleetCommand concurrency', () => {
  const LIMIT = 3;
  const stack = new Stack({ fleetSize: 30, config: { fleetCommands: { concurrencyPerSource: LIMIT } } });
  /** Command requests held at once by each simulator, and by both together, counted where they arrive. */
  const held = { cloud: { now: 0, max: 0 }, studio: { now: 0, max: 0 }, both: { now: 0, max: 0 } };
  let ids: string[];

  function count(sim: EpiphanSimulator, stats: { now: number; max: number }) {
    const http = (sim.server as unknown as { server: Server }).server;
    http.on('request', (req, res) => {
      if (req.method !== 'POST' || !req.url?.endsWith('/task')) return;
      stats.max = Math.max(stats.max, ++stats.now);
      held.both.max = Math.max(held.both.max, ++held.both.now);
      res.on('close', () => ((stats.now -= 1), (held.both.now -= 1)));
    });
  }

  beforeAll(async () => {
    await stack.start();
    count(stack.cloud, held.cloud);
    count(stack.studio, held.studio);
    ids = [...commandable(await devices(stack, 'cloud')), ...commandable(await devices(stack, 'studio'))].map((d) => d.id);
  });
  afterAll(() => stack.close());

  /** Runs `work` with every command request taking 40 ms, counting from zero. */
  async function slowly<T>(work: () => Promise<T>): Promise<T> {
    for (const stats of Object.values(held)) stats.max = 0;
    stack.cloud.server.setFaults({ latencyMs: 40 });
    stack.studio.server.setFaults({ latencyMs: 40 });
    try {
      return await work();
    } finally {
      stack.cloud.server.resetFaults();
      stack.studio.server.resetFaults();
    }
  }

  it('holds at most concurrencyPerSource commands in flight per source, sources side by side', async () => {
    const r = await slowly(() => stack.gql(RUN, { devices: { deviceIds: ids }, command: { kind: 'START_RECORDING' } }));
    expect(r.data.r).toMatchObject({ total: ids.length, succeeded: ids.length });
    expect(held.cloud.max).toBe(LIMIT);
    expect(held.studio.max).toBe(LIMIT);
    expect(held.both.max).toBe(2 * LIMIT);
  });

  it('shares each source\'s limit between fleet commands running at once: never more than concurrencyPerSource at one simulator', async () => {
    const parts = [ids.filter((_, i) => i % 2 === 0), ids.filter((_, i) => i % 2 === 1)];
    const runs = await slowly(() =>
      Promise.all(parts.map(async (part) => (await stack.gql(RUN, { devices: { deviceIds: part }, command: { kind: 'STOP_RECORDING' } })).data.r)),
    );
    runs.forEach((run, i) => expect(run).toMatchObject({ __typename: 'FleetCommand', total: parts[i]!.length, succeeded: parts[i]!.length }));
    // the two ran at the same time: each alone would have held LIMIT per simulator, together twice that
    const [a, b] = runs.map((run) => ({ start: Date.parse(run.startedAt), end: Date.parse(run.finishedAt) }));
    expect(a!.start < b!.end && b!.start < a!.end).toBe(true);
    expect(held.cloud.max).toBe(LIMIT);
    expect(held.studio.max).toBe(LIMIT);
  });
});
