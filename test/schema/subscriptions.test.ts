import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KEYS, Stack, eventually, simCounts } from '../helpers/stack.js';

const START = `mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`;
const STOP = `mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`;

/** Collects a graphql-ws subscription's events until stopped. */
function collect(stack: Stack, query: string, variables: Record<string, unknown> = {}, key: string | null = KEYS.reader) {
  const events: any[] = [];
  const errors: unknown[] = [];
  const client = stack.wsClient(key);
  let stop = () => {};
  const done = new Promise<void>((resolve) => {
    stop = client.subscribe({ query, variables }, { next: (v) => void events.push(v), error: (e) => (errors.push(e), resolve()), complete: resolve });
  });
  return { events, errors, stop: async () => (stop(), await Promise.race([done, new Promise((r) => setTimeout(r, 200))])) };
}

const listGets = (stack: Stack, sim: 'cloud' | 'studio') => simCounts(stack[sim])['GET /front/api/v2/devices'] ?? 0;

describe('subscriptions', () => {
  const stack = new Stack({ pollIntervalMs: 300 });
  let studio: { id: string; connection: string; vendorDeviceId: string }[];
  beforeAll(async () => {
    await stack.start();
    studio = (await stack.deviceIds('studio')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
  });
  afterAll(() => stack.close());

  it('delivers deviceChanged over graphql-ws within 2 s of a startRecording mutation', async () => {
    const dev = studio[0]!;
    const sub = collect(stack, `subscription { deviceChanged(filter:{ vendors:[AV_STUDIO] }) { device { id isRecording } changedFields at } }`);
    await eventually(() => listGets(stack, 'studio') > 0, 3000, 'the poller to start');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await stack.gql(START, { id: dev.id });
    const ev = await eventually(() => sub.events.find((e) => e.data?.deviceChanged.device.id === dev.id), 2000, 'deviceChanged');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(ev.data.deviceChanged.device.isRecording).toBe(true);
    expect(ev.data.deviceChanged.changedFields).toContain('isRecording');
    await sub.stop();
    await stack.gql(STOP, { id: dev.id });
  });

  it('filters deviceChanged: other vendors and names do not reach the subscriber', async () => {
    const cloudDev = (await stack.deviceIds('cloud')).find((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'))!;
    const sub = collect(stack, `subscription { deviceChanged(filter:{ vendors:[AV_STUDIO], search:"no such room" }) { device { id } } }`);
    const all = collect(stack, `subscription { deviceChanged { device { id vendor } } }`);
    await eventually(() => listGets(stack, 'cloud') > 0, 3000, 'the cloud poller');
    await new Promise((r) => setTimeout(r, 50));
    await stack.gql(START, { id: cloudDev.id });
    await eventually(() => all.events.find((e) => e.data.deviceChanged.device.id === cloudDev.id), 2000, 'the cloud event');
    expect(sub.events).toEqual([]);
    await Promise.all([sub.stop(), all.stop()]);
    await stack.gql(STOP, { id: cloudDev.id });
  });

  it('delivers over SSE too', async () => {
    const dev = studio[1]!;
    const ac = new AbortController();
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      signal: ac.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEYS.reader}` },
      body: JSON.stringify({ query: `subscription { deviceChanged { device { id isRecording } changedFields } }` }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const read = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await eventually(() => listGets(stack, 'studio') > 0, 3000, 'the poller');
    await new Promise((r) => setTimeout(r, 400));
    await stack.gql(START, { id: dev.id });
    await eventually(() => text.includes(dev.id), 2000, 'the SSE event');
    stack.bodies.push(text);
    const line = text.split('\n').find((l) => l.startsWith('data:') && l.includes(dev.id))!;
    expect(JSON.parse(line.slice(5)).data.deviceChanged).toMatchObject({ device: { id: dev.id, isRecording: true } });
    ac.abort();
    await read;
    await stack.gql(STOP, { id: dev.id });
  });

  it('reports stream starts and stops as streamChanged', async () => {
    const dev = studio[2]!;
    const sub = collect(stack, `subscription { streamChanged(filter:{ vendors:[AV_STUDIO] }) { id state protocol url device { id } } }`);
    await eventually(() => listGets(stack, 'studio') > 0, 3000, 'the poller');
    await new Promise((r) => setTimeout(r, 400));
    await stack.gql(`mutation($id:ID!){ startStream(deviceId:$id, rtmpUrl:"rtmp://h/app/key1") { __typename } }`, { id: dev.id });
    const started = await eventually(() => sub.events.find((e) => e.data.streamChanged.device.id === dev.id), 2000, 'stream start');
    expect(started.data.streamChanged).toMatchObject({ protocol: 'RTMP', url: 'rtmp://h/app/****' });
    await stack.gql(`mutation($id:ID!){ stopStream(deviceId:$id) { __typename } }`, { id: dev.id });
    await eventually(() => sub.events.find((e) => e.data.streamChanged.device.id === dev.id && e.data.streamChanged.state === 'IDLE'), 2000, 'stream stop');
    await sub.stop();
  });

  it('reports a new device state image as snapshotAdded, filtered on its device without extra reads', async () => {
    const dev = studio[3]!;
    const sub = collect(stack, `subscription { snapshotAdded(filter:{ vendors:[AV_STUDIO] }) { id url takenAt device { id } } }`);
    await eventually(() => listGets(stack, 'studio') > 0, 3000, 'the poller');
    await new Promise((r) => setTimeout(r, 400));
    await stack.gql(START, { id: dev.id });
    const ev = await eventually(() => sub.events.find((e) => e.data.snapshotAdded.device.id === dev.id), 2000, 'snapshotAdded');
    expect(ev.data.snapshotAdded.url).toMatch(new RegExp(`^${stack.url}/media/studio/`));
    await sub.stop();
    await stack.gql(STOP, { id: dev.id });
  });

  it('polls each source once per interval however many subscribers, and only while someone listens', async () => {
    // let earlier subscriptions' pollers wind down
    await new Promise((r) => setTimeout(r, 100));
    const poller = stack.app.runtime.pollers.get('cloud')!;
    expect(poller.active).toBe(false);
    stack.cloud.server.resetCounts();
    await new Promise((r) => setTimeout(r, 700));
    expect(listGets(stack, 'cloud')).toBe(0);

    const subs = Array.from({ length: 8 }, () => collect(stack, `subscription { deviceChanged(filter:{ vendors:[EPIPHAN_CLOUD] }) { device { id } } }`));
    await eventually(() => poller.active, 2000, 'the poller');
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    const polls = listGets(stack, 'cloud');
    const intervals = (Date.now() - t0) / 300;
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(Math.ceil(intervals) + 1);

    await Promise.all(subs.map((s) => s.stop()));
    await eventually(() => !poller.active, 2000, 'the poller to stop');
    const after = listGets(stack, 'cloud');
    await new Promise((r) => setTimeout(r, 700));
    expect(listGets(stack, 'cloud')).toBe(after);
  });

  it('reports sourceHealthChanged when a source fails and recovers', async () => {
    const sub = collect(stack, `subscription { sourceHealthChanged { name health { state circuitOpen lastError } } }`);
    await eventually(() => stack.app.runtime.pollers.get('cloud')!.active, 2000, 'the poller');
    stack.cloud.server.setFaults({ errorRate: 1, errorStatus: 500 });
    const down = await eventually(() => sub.events.find((e) => e.data.sourceHealthChanged.name === 'cloud'), 3000, 'health change');
    expect(['DEGRADED', 'DOWN']).toContain(down.data.sourceHealthChanged.health.state);
    expect(down.data.sourceHealthChanged.health.lastError).toMatch(/HTTP 500/);
    stack.cloud.server.resetFaults();
    await eventually(
      () => sub.events.find((e) => e.data.sourceHealthChanged.name === 'cloud' && e.data.sourceHealthChanged.health.state === 'OK'),
      5000,
      'recovery',
    );
    await sub.stop();
  });

  it('executes identical subscriptions once per event and delivers to each', async () => {
    const dev = studio[4]!;
    const q = `subscription { deviceChanged(filter:{ vendors:[AV_STUDIO] }) { device { id isRecording } changedFields } }`;
    const subs = Array.from({ length: 5 }, () => collect(stack, q));
    await eventually(() => listGets(stack, 'studio') > 0, 3000, 'the poller');
    await new Promise((r) => setTimeout(r, 400));
    const shared = stack.app.runtime.shared;
    const [e0, d0] = [shared.executions, shared.deliveries];
    await stack.gql(START, { id: dev.id });
    await eventually(() => subs.every((s) => s.events.some((e) => e.data.deviceChanged.device.id === dev.id)), 2000, 'every subscriber');
    const executions = shared.executions - e0;
    expect(executions).toBeGreaterThanOrEqual(1);
    expect(shared.deliveries - d0).toBe(5 * executions);
    await Promise.all(subs.map((s) => s.stop()));
    await stack.gql(STOP, { id: dev.id });
  });

  it('backs off while a source fails, and polls at its interval again once it recovers', async () => {
    const sub = collect(stack, `subscription { deviceChanged(filter:{ vendors:[EPIPHAN_CLOUD] }) { device { id } } }`);
    const poller = stack.app.runtime.pollers.get('cloud')!;
    await eventually(() => poller.active, 2000, 'the poller');
    stack.cloud.server.setFaults({ errorRate: 1, errorStatus: 500 });
    try {
      const p0 = poller.polls;
      await new Promise((r) => setTimeout(r, 2400));
      // at 300 ms it would poll 8 times; backing off (600, 1200, 2400 ms ...) it polls 3 or 4 times
      expect(poller.polls - p0).toBeLessThanOrEqual(4);
      expect(poller.polls - p0).toBeGreaterThanOrEqual(2);
    } finally {
      stack.cloud.server.resetFaults();
    }
    // recovery: the next poll succeeds and the interval returns to normal
    await eventually(() => stack.app.runtime.sources.get('cloud')!.health().state === 'OK', 6000, 'recovery');
    const p1 = poller.polls;
    await new Promise((r) => setTimeout(r, 1000));
    expect(poller.polls - p1).toBeGreaterThanOrEqual(2);
    await sub.stop();
  });

  it('lets a client that reconnects subscribe again cleanly', async () => {
    const dev = studio[5]!;
    const first = collect(stack, `subscription { deviceChanged(filter:{ vendors:[AV_STUDIO] }) { device { id } } }`);
    await first.stop();
    const again = collect(stack, `subscription { deviceChanged(filter:{ vendors:[AV_STUDIO] }) { device { id isRecording } } }`);
    await eventually(() => stack.app.runtime.pollers.get('studio')!.active, 2000, 'the poller');
    await new Promise((r) => setTimeout(r, 400));
    await stack.gql(START, { id: dev.id });
    await eventually(() => again.events.find((e) => e.data.deviceChanged.device.id === dev.id), 2000, 'the event after resubscribing');
    await again.stop();
    await stack.gql(STOP, { id: dev.id });
  });

  it('takes the key from an operation\'s extensions.headers when the connection brought none (GraphiQL), and closes with 4401 without one', async () => {
    const open = (first: Record<string, unknown>) =>
      new Promise<{ code: number; messages: any[] }>((resolve) => {
        const ws = new WebSocket(stack.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
        const messages: any[] = [];
        ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
        ws.on('message', (m) => {
          const msg = JSON.parse(String(m));
          messages.push(msg);
          if (msg.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: first }));
          if (msg.type === 'next' || msg.type === 'error') ws.close(1000);
        });
        ws.on('close', (code) => resolve({ code, messages }));
      });
    const query = '{ sources { name } }';
    const keyed = await open({ query, extensions: { headers: { Authorization: `Bearer ${KEYS.reader}` } } });
    expect(keyed.messages.find((m) => m.type === 'next')?.payload.data.sources.length).toBeGreaterThan(0);
    expect((await open({ query })).code).toBe(4401);
    expect((await open({ query, extensions: { headers: { Authorization: 'Bearer wrong-key-1234567' } } })).code).toBe(4401);
  });

  it('closes a graphql-ws connection with 4401 for a wrong key', async () => {
    const ws = new WebSocket(stack.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
    const code = await new Promise<number>((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: 'Bearer wrong-key-1234567' } })));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
  });

  it('refuses subscriptions to a key without read', async () => {
    const sub = collect(stack, `subscription { deviceChanged { device { id } } }`, {}, KEYS.actuator);
    await eventually(() => sub.events.length > 0 || sub.errors.length > 0, 2000, 'an answer');
    const answer = JSON.stringify(sub.events[0] ?? sub.errors[0]);
    expect(answer).toMatch(/read/);
    await sub.stop();
  });
});
