import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, eventually } from '../helpers/stack.js';

/** Subscribes over graphql-ws and collects the payloads. */
function collect(stack: Stack, query: string) {
  const events: any[] = [];
  const stop = stack.wsClient(KEYS.admin).subscribe({ query }, { next: (v) => void events.push(v.data), error: () => undefined, complete: () => undefined });
  return { events, stop };
}

describe('events found by polling, for every polled vendor', () => {
  const stack = new Stack({ magewell: 2, evercam: true, timeScale: 100, pollIntervalMs: 200 });
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  const online = async (sourceId: string) => (await stack.deviceIds(sourceId)).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
  /** Waits until the poller (started by the subscription just made) has read its baseline and once more. */
  const pollerReady = (id: string, before: number) =>
    eventually(() => (stack.app.runtime.pollers.get(id)!.polls >= before + 2 ? true : null), 3000, `${id} poller`);
  const polls = (id: string) => stack.app.runtime.pollers.get(id)!.polls;

  it('announces a new AV Studio recording once, while it grows', async () => {
    const dev = (await online('studio'))[0]!;
    const p0 = polls('studio');
    const sub = collect(stack, `subscription { recordingAdded(filter:{ vendors:[AV_STUDIO] }) { id status device { id } } }`);
    await pollerReady('studio', p0);
    await stack.gql(`mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    await eventually(() => sub.events.length > 0, 3000, 'recordingAdded');
    await new Promise((r) => setTimeout(r, 800));
    await stack.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    await new Promise((r) => setTimeout(r, 500));
    expect(sub.events.map((e) => e.recordingAdded.device.id)).toEqual([dev.id]);
    sub.stop();
  });

  it('announces the files a Magewell recording starts', async () => {
    const dev = (await online('encoders'))[0]!;
    const p0 = polls('encoders');
    const sub = collect(stack, `subscription { recordingAdded(filter:{ vendors:[MAGEWELL] }) { id status codec device { id } } }`);
    await pollerReady('encoders', p0);
    await stack.gql(`mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    await eventually(() => sub.events.length >= 2, 3000, 'two new files (USB and SD)');
    await new Promise((r) => setTimeout(r, 500));
    expect(sub.events).toHaveLength(2);
    expect(sub.events.every((e) => e.recordingAdded.device.id === dev.id && e.recordingAdded.status === 'IN_PROGRESS')).toBe(true);
    await stack.gql(`mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`, { id: dev.id });
    sub.stop();
  });

  it('announces Magewell stream changes', async () => {
    const dev = (await online('encoders'))[1]!;
    const p0 = polls('encoders');
    const sub = collect(stack, `subscription { streamChanged(filter:{ vendors:[MAGEWELL] }) { state url device { id } } }`);
    await pollerReady('encoders', p0);
    await stack.gql(`mutation($id:ID!){ startStream(deviceId:$id, rtmpUrl:"rtmp://x.example/live/k") { __typename } }`, { id: dev.id });
    await eventually(() => sub.events.find((e) => e.streamChanged.state === 'LIVE'), 3000, 'the stream to go live');
    await stack.gql(`mutation($id:ID!){ stopStream(deviceId:$id) { __typename } }`, { id: dev.id });
    await eventually(() => sub.events.find((e) => e.streamChanged.state === 'IDLE'), 3000, 'the stream to stop');
    sub.stop();
  });

  it('announces new Evercam snapshots, stored by a capture or by the camera, once each', async () => {
    const gate = (await stack.deviceIds('sites')).find((c) => c.vendorDeviceId === 'gate-0')!;
    const p0 = polls('sites');
    const sub = collect(stack, `subscription { snapshotAdded(filter:{ vendors:[EVERCAM] }) { id notes device { id } } }`);
    await pollerReady('sites', p0);
    const made = await stack.gql(`mutation($id:ID!){ r: captureSnapshot(deviceId:$id, notes:"watch me") { ... on CaptureSnapshotSuccess { snapshot { id } } } }`, { id: gate.id });
    await eventually(() => sub.events.find((e) => e.snapshotAdded.id === made.data.r.snapshot.id), 3000, 'snapshotAdded');
    await new Promise((r) => setTimeout(r, 600));
    expect(sub.events.filter((e) => e.snapshotAdded.id === made.data.r.snapshot.id)).toHaveLength(1);
    sub.stop();
  });

  it('announces an Evercam camera going offline', async () => {
    const yard = (await stack.deviceIds('sites')).find((c) => c.vendorDeviceId === 'yard-1')!;
    const p0 = polls('sites');
    const sub = collect(stack, `subscription { deviceChanged(filter:{ vendors:[EVERCAM], connection: OFFLINE }) { device { id connection } changedFields } }`);
    await pollerReady('sites', p0);
    await fetch(`http://127.0.0.1:${(stack.evercam!.server as any).server.address().port}/__sim/online`, { method: 'POST', body: JSON.stringify({ id: 'yard-1', online: false }) });
    const ev = await eventually(() => sub.events.find((e) => e.deviceChanged.device.id === yard.id), 3000, 'deviceChanged');
    expect(ev.deviceChanged.changedFields).toContain('connection');
    sub.stop();
  });
});
