import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, simCounts } from '../helpers/stack.js';

const RESULT = `__typename
  ... on Error { message }
  ... on ValidationError { field }
  ... on NotSupportedError { capability }
  ... on UpstreamError { vendor code retryable }`;

const DEVICE = `device { id name isRecording isStreaming settings { resolution videoBitrateKbps chunkDurationSeconds } storage { kind queuedSeconds uploadEnabled } streams { id protocol direction state url health { throughputRatio sentFrames } } }`;

const m = {
  startRecording: `mutation($id:ID!){ r: startRecording(deviceId:$id) { ${RESULT} ... on StartRecordingSuccess { ${DEVICE} } } }`,
  stopRecording: `mutation($id:ID!){ r: stopRecording(deviceId:$id) { ${RESULT} ... on StopRecordingSuccess { ${DEVICE} } } }`,
  startStream: `mutation($id:ID!,$url:String){ r: startStream(deviceId:$id, rtmpUrl:$url) { ${RESULT} ... on StartStreamSuccess { stream { id protocol direction state url device { isStreaming } } } } }`,
  stopStream: `mutation($id:ID!,$sid:ID){ r: stopStream(deviceId:$id, streamId:$sid) { ${RESULT} ... on StopStreamSuccess { ${DEVICE} } } }`,
  settings: `mutation($id:ID!,$in:DeviceSettingsInput!){ r: updateDeviceSettings(deviceId:$id, input:$in) { ${RESULT} ... on UpdateDeviceSettingsSuccess { ${DEVICE} } } }`,
  firmware: `mutation($id:ID!){ r: startFirmwareUpdate(deviceId:$id) { ${RESULT} ... on StartFirmwareUpdateSuccess { device { id } } } }`,
  setUpload: `mutation($id:ID!,$on:Boolean!){ r: setUpload(deviceId:$id, enabled:$on) { ${RESULT} ... on SetUploadSuccess { ${DEVICE} } } }`,
  clearFootage: `mutation($id:ID!){ r: clearFootage(deviceId:$id) { ${RESULT} ... on ClearFootageSuccess { ${DEVICE} } } }`,
  pair: `mutation($s:ID!,$code:String!,$name:String){ r: pairDevice(sourceId:$s, pairingCode:$code, name:$name) { ${RESULT} ... on PairDeviceSuccess { device { id name vendor model } } } }`,
  unpair: `mutation($id:ID!){ r: unpairDevice(deviceId:$id) { ${RESULT} ... on UnpairDeviceSuccess { deviceId } } }`,
  rename: `mutation($id:ID!){ r: renameDevice(deviceId:$id, name:"x") { ${RESULT} } }`,
  capture: `mutation($id:ID!){ r: captureSnapshot(deviceId:$id, size: STILL) { ${RESULT} } }`,
  trigger: `mutation($id:ID!){ r: triggerEvent(deviceId:$id, seconds: 30) { ${RESULT} } }`,
  ptz: `mutation($id:ID!){ r: movePtz(deviceId:$id, direction: LEFT, mode: STEP) { ${RESULT} } }`,
  createShare: `mutation($id:ID!){ r: createShare(deviceId:$id, email:"a@b.c", rights:[VIEW]) { ${RESULT} } }`,
  addCamera: `mutation($s:ID!){ r: addCamera(sourceId:$s, input:{ name:"cam" }) { ${RESULT} } }`,
  updateCamera: `mutation($id:ID!){ r: updateCamera(deviceId:$id, input:{ name:"cam" }) { ${RESULT} } }`,
  removeCamera: `mutation($id:ID!){ r: removeCamera(deviceId:$id) { ${RESULT} } }`,
  deleteRecordings: `mutation($ids:[ID!]!){ r: deleteRecordings(ids:$ids) { ${RESULT} } }`,
  deleteShare: `mutation($id:ID!){ r: deleteShare(id:$id) { ${RESULT} } }`,
};

const RECORDINGS = `query($id:ID!){ device(id:$id) { recordings(first: 50) { edges { node {
  id startedAt endedAt durationSeconds status trigger segments { startedAt endedAt downloadUrl } playback { downloadUrl } device { id }
} } } } }`;

describe('mutations against the Epiphan / AV Studio simulators', () => {
  const stack = new Stack({ timeScale: 100 });
  let studio: { id: string; name: string; vendorDeviceId: string; connection: string }[];
  let cloud: typeof studio;
  const online = (list: typeof studio) => list.filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
  /** Commands the simulators received so far. */
  const commandsSent = () =>
    [stack.cloud, stack.studio]
      .flatMap((sim) => Object.entries(simCounts(sim)))
      .filter(([route]) => route.startsWith('POST '))
      .reduce((n, [, c]) => n + c, 0);

  beforeAll(async () => {
    await stack.start();
    studio = await stack.deviceIds('studio');
    cloud = await stack.deviceIds('cloud');
  });
  afterAll(() => stack.close());

  it('starts and stops recording; the session shows up as one recording of many chunks', async () => {
    const dev = online(studio)[0]!;
    const before = Date.now();
    const sent = commandsSent();
    const start = await stack.gql(m.startRecording, { id: dev.id });
    expect(commandsSent()).toBe(sent + 1);
    expect(simCounts(stack.studio)['POST /front/api/v2/devices/:id/task']).toBeGreaterThan(0);
    expect(start.data.r).toMatchObject({ __typename: 'StartRecordingSuccess', device: { id: dev.id, isRecording: true } });
    await new Promise((r) => setTimeout(r, 450));
    const stop = await stack.gql(m.stopRecording, { id: dev.id });
    expect(stop.data.r.device.isRecording).toBe(false);

    const recs = await stack.gql(RECORDINGS, { id: dev.id });
    const nodes = recs.data.device.recordings.edges.map((e: any) => e.node);
    expect(nodes.length).toBe(3); // two seeded sessions + ours
    const newest = nodes[0];
    expect(new Date(newest.startedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(newest.segments.length).toBeGreaterThanOrEqual(4);
    expect(newest).toMatchObject({ status: 'READY', trigger: 'MANUAL', playback: { downloadUrl: null }, device: { id: dev.id } });
    expect(newest.segments[0].downloadUrl).toMatch(new RegExp(`^${stack.url}/media/studio/`));
    const file = await stack.get(newest.segments[0].downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');

    const node = await stack.gql(`query($id:ID!){ node(id:$id) { ... on Recording { id startedAt segments { startedAt } } } }`, { id: newest.id });
    expect(node.data.node).toMatchObject({ id: newest.id, startedAt: newest.startedAt });
    expect(node.data.node.segments).toHaveLength(newest.segments.length);

    const merged = await stack.gql(`query($ids:[ID!]){ recordings(filter:{ deviceIds:$ids, triggers:[MANUAL] }, first: 2) { edges { node { id } } pageInfo { hasNextPage } } }`, {
      ids: [dev.id],
    });
    expect(merged.data.recordings.edges[0].node.id).toBe(newest.id);
    expect(merged.data.recordings.pageInfo.hasNextPage).toBe(true);
  });

  it('merges recordings of every device into one timeline, newest first', async () => {
    const r = await stack.gql(`{ recordings(first: 500) { edges { node { startedAt device { vendor } } } } }`);
    const starts = r.data.recordings.edges.map((e: any) => new Date(e.node.startedAt).getTime());
    expect(starts.length).toBeGreaterThan(10);
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    // only AV Studio documents the timeline
    expect(r.data.recordings.edges.every((e: any) => e.node.device.vendor === 'AV_STUDIO')).toBe(true);
    const bad = await stack.gql(`{ recordings(filter:{ from:"2026-01-02T00:00:00Z", to:"2026-01-01T00:00:00Z" }) { edges { cursor } } }`);
    expect(bad.errors?.[0]?.message).toMatch(/"from" must not be after "to"/);
  });

  it('pushes RTMP on AV Studio, masks the key, and stops it', async () => {
    const dev = online(studio)[1]!;
    const start = await stack.gql(m.startStream, { id: dev.id, url: 'rtmp://live.example.com/app/secret-stream-key' });
    expect(start.data.r).toMatchObject({
      __typename: 'StartStreamSuccess',
      stream: { protocol: 'RTMP', direction: 'PUSH', url: 'rtmp://live.example.com/app/****', device: { isStreaming: true } },
    });
    expect(JSON.stringify(start)).not.toContain('secret-stream-key');
    await new Promise((r) => setTimeout(r, 50));
    const d = await stack.gql(`query($id:ID!){ device(id:$id) { streams { id state health { throughputRatio sentFrames sentBytes } } } }`, { id: dev.id });
    expect(d.data.device.streams[0]).toMatchObject({ state: 'LIVE', health: { throughputRatio: 1 } });
    expect(d.data.device.streams[0].health.sentFrames).toBeGreaterThan(0);

    const stop = await stack.gql(m.stopStream, { id: dev.id, sid: start.data.r.stream.id });
    expect(stop.data.r).toMatchObject({ __typename: 'StopStreamSuccess', device: { isStreaming: false, streams: [] } });
  });

  it('refuses bad stream input without sending anything', async () => {
    const dev = online(studio)[1]!;
    const sent = commandsSent();
    for (const url of [null, 'http://example.com/live/key', 'rtmp://host', 'rtmp://host/app key']) {
      const r = await stack.gql(m.startStream, { id: dev.id, url });
      expect(r.data.r).toMatchObject({ __typename: 'ValidationError', field: 'rtmpUrl' });
    }
    const otherDevice = online(studio)[2]!;
    const wrongStream = await stack.gql(m.stopStream, {
      id: otherDevice.id,
      sid: Buffer.from(`Stream:studio:${encodeURIComponent(dev.vendorDeviceId)}/rtmp`).toString('base64'),
    });
    expect(wrongStream.data.r.__typename).toBe('NotFoundError');
    const cloudStream = await stack.gql(m.startStream, { id: online(cloud)[0]!.id, url: 'rtmp://h/app/k' });
    expect(cloudStream.data.r).toMatchObject({ __typename: 'NotSupportedError', capability: 'LIVE_STREAM' });
    expect(commandsSent()).toBe(sent);
  });

  it('updates settings with setparam and validates against the documented values first', async () => {
    const dev = online(cloud)[0]!;
    const ok = await stack.gql(m.settings, { id: dev.id, in: { resolution: '1280x720', videoBitrateKbps: 3000, chunkDurationSeconds: 60 } });
    expect(ok.data.r).toMatchObject({ device: { settings: { resolution: '1280x720', videoBitrateKbps: 3000, chunkDurationSeconds: 60 } } });

    const sent = commandsSent();
    const cases: [object, string][] = [
      [{ resolution: '1024x768' }, 'resolution'],
      [{ videoBitrateKbps: 5000 }, 'videoBitrateKbps'],
      [{ videoBitrateKbps: -1 }, 'videoBitrateKbps'],
      [{ chunkDurationSeconds: 5 }, 'chunkDurationSeconds'],
      [{ frameRate: 25 }, 'frameRate'],
      [{}, 'input'],
      // a valid value next to an invalid one: nothing is sent
      [{ resolution: '640x360', videoBitrateKbps: 99999 }, 'videoBitrateKbps'],
    ];
    for (const [input, field] of cases) {
      const r = await stack.gql(m.settings, { id: dev.id, in: input });
      expect(r.data.r).toMatchObject({ __typename: 'ValidationError', field });
    }
    const studioChunk = await stack.gql(m.settings, { id: online(studio)[0]!.id, in: { chunkDurationSeconds: 60 } });
    expect(studioChunk.data.r).toMatchObject({ __typename: 'ValidationError', field: 'chunkDurationSeconds' });
    expect(commandsSent()).toBe(sent);
    const after = await stack.gql(`query($id:ID!){ device(id:$id) { settings { resolution } } }`, { id: dev.id });
    expect(after.data.device.settings.resolution).toBe('1280x720');
  });

  it('toggles upload and clears footage on AV Studio; refuses both on Epiphan Cloud', async () => {
    const dev = online(studio)[3]!;
    const off = await stack.gql(m.setUpload, { id: dev.id, on: false });
    expect(off.data.r.device.storage[0]).toMatchObject({ kind: 'UPLOAD_QUEUE', uploadEnabled: false });
    await stack.gql(m.startRecording, { id: dev.id });
    await new Promise((r) => setTimeout(r, 150));
    await stack.gql(m.stopRecording, { id: dev.id });
    const queued = await stack.gql(`query($id:ID!){ device(id:$id) { storage { queuedSeconds usedBytes } } }`, { id: dev.id });
    expect(queued.data.device.storage[0].queuedSeconds).toBeGreaterThan(0);
    const cleared = await stack.gql(m.clearFootage, { id: dev.id });
    expect(cleared.data.r.device.storage[0]).toMatchObject({ queuedSeconds: 0 });
    const on = await stack.gql(m.setUpload, { id: dev.id, on: true });
    expect(on.data.r.device.storage[0].uploadEnabled).toBe(true);

    const sent = commandsSent();
    expect((await stack.gql(m.setUpload, { id: online(cloud)[0]!.id, on: true })).data.r).toMatchObject({ __typename: 'NotSupportedError', capability: 'UPLOAD' });
    expect((await stack.gql(m.clearFootage, { id: online(cloud)[0]!.id })).data.r.__typename).toBe('NotSupportedError');
    expect(commandsSent()).toBe(sent);
  });

  it('starts a firmware update (admin only)', async () => {
    const dev = online(cloud)[1]!;
    expect((await stack.gql(m.firmware, { id: dev.id })).data.r).toEqual({ __typename: 'StartFirmwareUpdateSuccess', device: { id: dev.id } });
    const denied = await stack.gql(m.firmware, { id: dev.id }, KEYS.control);
    expect(denied.data.r).toMatchObject({ __typename: 'PermissionDeniedError', message: expect.stringMatching(/admin/) });
  });

  it('pairs a device by code and unpairs it', async () => {
    const bad = await stack.gql(m.pair, { s: 'studio', code: 'deadbeef' });
    expect(bad.data.r).toMatchObject({ __typename: 'ValidationError', field: 'pairingCode' });
    const malformed = await stack.gql(m.pair, { s: 'studio', code: 'no spaces!' });
    expect(malformed.data.r).toMatchObject({ __typename: 'ValidationError', field: 'pairingCode' });
    const unknownSource = await stack.gql(m.pair, { s: 'nowhere', code: '5cf06c29' });
    expect(unknownSource.data.r.__typename).toBe('NotFoundError');

    const ok = await stack.gql(m.pair, { s: 'studio', code: '5cf06c29', name: 'NEW DEVICE' });
    expect(ok.data.r).toMatchObject({ __typename: 'PairDeviceSuccess', device: { name: 'NEW DEVICE', vendor: 'AV_STUDIO' } });
    const again = await stack.gql(m.pair, { s: 'studio', code: '5cf06c29' });
    expect(again.data.r.__typename).toBe('ValidationError');

    const id = ok.data.r.device.id;
    const denied = await stack.gql(m.unpair, { id }, KEYS.control);
    expect(denied.data.r.__typename).toBe('PermissionDeniedError');
    const gone = await stack.gql(m.unpair, { id });
    expect(gone.data.r).toEqual({ __typename: 'UnpairDeviceSuccess', deviceId: id });
    expect((await stack.gql(`query($id:ID!){ device(id:$id) { id } }`, { id })).data.device).toBeNull();
    expect((await stack.gql(m.unpair, { id })).data.r.__typename).toBe('NotFoundError');
  });

  it('answers DeviceOfflineError for an offline device, NotFoundError for unknown ids', async () => {
    const offline = studio.find((d) => d.connection === 'OFFLINE')!;
    const sent = commandsSent();
    expect((await stack.gql(m.startRecording, { id: offline.id })).data.r).toMatchObject({ __typename: 'DeviceOfflineError' });
    for (const id of ['garbage', Buffer.from('Device:nowhere:x').toString('base64'), Buffer.from('Device:studio:nope').toString('base64'), Buffer.from('Recording:studio:x/1').toString('base64')]) {
      expect((await stack.gql(m.startRecording, { id })).data.r.__typename).toBe('NotFoundError');
    }
    expect(commandsSent()).toBe(sent);
  });

  it('refuses every mutation this vendor family cannot do with NotSupportedError and no upstream call', async () => {
    const id = online(studio)[0]!.id;
    const sent = commandsSent();
    for (const q of [m.rename, m.capture, m.trigger, m.ptz, m.createShare, m.updateCamera, m.removeCamera]) {
      expect((await stack.gql(q, { id })).data.r.__typename).toBe('NotSupportedError');
    }
    expect((await stack.gql(m.addCamera, { s: 'studio' })).data.r.__typename).toBe('NotSupportedError');
    const recording = Buffer.from(`Recording:studio:${encodeURIComponent(online(studio)[0]!.vendorDeviceId)}/1`).toString('base64');
    expect((await stack.gql(m.deleteRecordings, { ids: [recording] })).data.r).toMatchObject({ __typename: 'NotSupportedError', capability: 'DELETE_RECORDINGS' });
    expect((await stack.gql(m.deleteRecordings, { ids: ['bad'] })).data.r.__typename).toBe('NotFoundError');
    expect((await stack.gql(m.deleteShare, { id: Buffer.from('Share:studio:a/b').toString('base64') })).data.r.__typename).toBe('NotSupportedError');
    expect(commandsSent()).toBe(sent);
  });

  it('checks scopes before anything else', async () => {
    const id = online(studio)[0]!.id;
    const sent = commandsSent();
    const r = await stack.gql(m.startRecording, { id }, KEYS.reader);
    expect(r.data.r).toMatchObject({ __typename: 'PermissionDeniedError', message: expect.stringMatching(/control/) });
    expect((await stack.gql(m.pair, { s: 'studio', code: 'a1b2c3d4' }, KEYS.control)).data.r.__typename).toBe('PermissionDeniedError');
    expect((await stack.gql(m.createShare, { id }, KEYS.control)).data.r.__typename).toBe('PermissionDeniedError');
    expect(commandsSent()).toBe(sent);
  });

  it('reports an upstream failure of a command as UpstreamError without retrying it', async () => {
    const dev = online(studio)[4]!;
    stack.studio.server.resetCounts();
    stack.studio.server.setFaults({ errorRate: 1, errorStatus: 502, failMethod: 'POST' });
    try {
      const failed = await stack.gql(m.startRecording, { id: dev.id });
      expect(failed.data.r).toMatchObject({ __typename: 'UpstreamError', vendor: 'AV_STUDIO', code: 'HTTP_502', retryable: true });
      expect(simCounts(stack.studio)['POST /front/api/v2/devices/:id/task']).toBe(1);
    } finally {
      stack.studio.server.resetFaults();
    }
    stack.studio.server.setFaults({ errorRate: 1, errorStatus: 500, failMethod: 'GET' });
    try {
      const readFails = await stack.gql(m.startRecording, { id: dev.id });
      expect(readFails.data.r).toMatchObject({ __typename: 'UpstreamError', code: 'HTTP_500' });
      expect(simCounts(stack.studio)['POST /front/api/v2/devices/:id/task']).toBe(1);
    } finally {
      stack.studio.server.resetFaults();
    }
  });
});
