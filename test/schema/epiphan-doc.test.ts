import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Stack, simCounts } from '../helpers/stack.js';
import type { EpiphanSimulator } from '../../src/sources/epiphan/simulator.js';

const RESULT = `__typename ... on Error { message } ... on ValidationError { field }`;
const SETTINGS = `settings { resolution videoBitrateKbps chunkDurationSeconds allowedResolutions maxVideoBitrateKbps }`;
const UPDATE = `mutation($id:ID!,$in:DeviceSettingsInput!){ r: updateDeviceSettings(deviceId:$id, input:$in) { ${RESULT} ... on UpdateDeviceSettingsSuccess { device { ${SETTINGS} } } } }`;

interface Node {
  id: string;
  model: string;
  connection: string;
  vendorDeviceId: string;
  settings: { resolution: string; videoBitrateKbps: number; chunkDurationSeconds: number | null; allowedResolutions: string[]; maxVideoBitrateKbps: number | null } | null;
}

describe('Epiphan Cloud / AV Studio setting limits per model, end to end', () => {
  const stack = new Stack();
  const fleet: Record<string, Node[]> = {};
  /** An online device of a model (the simulators run Webcaster X2, Pearl Mini, Pearl Nano, Pearl-2, Pearl Nexus). */
  const device = (source: 'cloud' | 'studio', model: string) => fleet[source]!.find((d) => d.model === model && d.connection === 'ONLINE')!;
  const tasksSent = (sim: EpiphanSimulator) => simCounts(sim)['POST /front/api/v2/devices/:id/task'] ?? 0;
  const settingsOf = async (id: string) => (await stack.gql(`query($id:ID!){ device(id:$id) { ${SETTINGS} } }`, { id })).data.device.settings;

  beforeAll(async () => {
    await stack.start();
    for (const source of ['cloud', 'studio'] as const) {
      const r = await stack.gql(`query($s:[ID!]){ devices(filter:{sourceIds:$s}, first:100) { edges { node { id model connection vendorDeviceId ${SETTINGS} } } } }`, { s: [source] });
      fleet[source] = r.data.devices.edges.map((e: { node: Node }) => e.node);
    }
  });
  afterAll(() => stack.close());

  it('shows the documented bounds on Webcaster X2 devices only; other models show none rather than the X2\'s', () => {
    for (const source of ['cloud', 'studio'] as const) {
      expect(device(source, 'Webcaster X2').settings).toMatchObject({
        allowedResolutions: ['1920x1080', '1280x720', '640x360', '320x180'],
        maxVideoBitrateKbps: 4000,
      });
      for (const model of ['Pearl Mini', 'Pearl Nano', 'Pearl-2', 'Pearl Nexus']) {
        expect(device(source, model).settings).toMatchObject({ allowedResolutions: [], maxVideoBitrateKbps: null });
      }
    }
  });

  it('lets a model without documented limits take what its own firmware accepts, beyond the X2 bounds', async () => {
    const mini = device('cloud', 'Pearl Mini');
    const r = await stack.gql(UPDATE, { id: mini.id, in: { resolution: '1920x1200', videoBitrateKbps: 9000 } });
    expect(r.data.r).toMatchObject({ __typename: 'UpdateDeviceSettingsSuccess', device: { settings: { resolution: '1920x1200', videoBitrateKbps: 9000 } } });

    const pearl2 = device('cloud', 'Pearl-2');
    const chunk = await stack.gql(UPDATE, { id: pearl2.id, in: { chunkDurationSeconds: 5, resolution: '3840x2160' } });
    expect(chunk.data.r.device.settings).toMatchObject({ chunkDurationSeconds: 5, resolution: '3840x2160' });

    const nexus = device('studio', 'Pearl Nexus');
    const studio = await stack.gql(UPDATE, { id: nexus.id, in: { videoBitrateKbps: 16000 } });
    expect(studio.data.r.device.settings.videoBitrateKbps).toBe(16000);
  });

  it('passes on the device\'s own refusal as a ValidationError naming the field; nothing changes', async () => {
    const nano = device('studio', 'Pearl Nano');
    const before = await settingsOf(nano.id);
    const sent = tasksSent(stack.studio);
    const bitrate = await stack.gql(UPDATE, { id: nano.id, in: { videoBitrateKbps: 12000 } });
    expect(bitrate.data.r).toMatchObject({ __typename: 'ValidationError', field: 'videoBitrateKbps', message: expect.stringMatching(/device refused videoBitrateKbps: .*1 to 8000/) });
    const resolution = await stack.gql(UPDATE, { id: nano.id, in: { resolution: '3840x2160' } });
    expect(resolution.data.r).toMatchObject({ __typename: 'ValidationError', field: 'resolution', message: expect.stringMatching(/device refused resolution/) });
    // each went to the device, which said no
    expect(tasksSent(stack.studio)).toBe(sent + 2);
    expect(await settingsOf(nano.id)).toEqual(before);
  });

  it('refuses what is known invalid before sending anything: the X2 table, malformed values, unlisted parameters', async () => {
    const sent = tasksSent(stack.cloud) + tasksSent(stack.studio);
    const demo = fleet.cloud!.find((d) => d.model === 'Demo')!;
    const cases: [Node, object, string][] = [
      [device('cloud', 'Webcaster X2'), { videoBitrateKbps: 4001 }, 'videoBitrateKbps'],
      [device('studio', 'Webcaster X2'), { resolution: '1920x1200' }, 'resolution'],
      [device('cloud', 'Webcaster X2'), { chunkDurationSeconds: 3601 }, 'chunkDurationSeconds'],
      [device('cloud', 'Pearl Mini'), { resolution: 'full-hd' }, 'resolution'],
      [device('cloud', 'Pearl Mini'), { videoBitrateKbps: 0 }, 'videoBitrateKbps'],
      [device('cloud', 'Pearl Nexus'), { chunkDurationSeconds: -1 }, 'chunkDurationSeconds'],
      // AV Studio devices list no chunk_duration; the demo device lists no settings at all
      [device('studio', 'Pearl-2'), { chunkDurationSeconds: 60 }, 'chunkDurationSeconds'],
      [demo, { videoBitrateKbps: 1000 }, 'videoBitrateKbps'],
    ];
    for (const [d, input, field] of cases) {
      const r = await stack.gql(UPDATE, { id: d.id, in: input });
      expect(r.data.r, `${d.model} ${JSON.stringify(input)}`).toMatchObject({ __typename: 'ValidationError', field });
    }
    expect(tasksSent(stack.cloud) + tasksSent(stack.studio)).toBe(sent);
  });
});
