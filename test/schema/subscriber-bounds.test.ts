import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Device } from '../../src/model.js';
import { eventually, KEYS, Stack } from '../helpers/stack.js';

const QUERY = 'subscription { deviceChanged { device { id name } changedFields } }';
/** Fat events (about 30 KB each), so a client that stops reading fills the kernel's socket buffers quickly. */
const FIELDS = Array.from({ length: 2000 }, (_, i) => `field-${i}-padding`);

/** A graphql-ws client spoken by hand, so the test controls when its socket reads. */
async function rawSubscriber(stack: Stack) {
  const ws = new WebSocket(stack.url.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const messages: any[] = [];
  const raw: string[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (m) => (raw.push(String(m)), messages.push(JSON.parse(String(m)))));
  await new Promise((r) => ws.on('open', r));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${KEYS.admin}` } }));
  await eventually(() => messages.some((m) => m.type === 'connection_ack'), 2000, 'ack');
  const subscribe = (id: string, query = QUERY) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
  subscribe('1');
  return { ws, messages, raw, closed, subscribe, nexts: () => messages.filter((m) => m.type === 'next').length };
}

/** An SSE subscription over HTTP; events are counted as they arrive. */
function sseSubscriber(stack: Stack) {
  const abort = new AbortController();
  let events = 0;
  const done = (async () => {
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEYS.admin}` },
      body: JSON.stringify({ query: QUERY }),
      signal: abort.signal,
    });
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) events += (decoder.decode(chunk as Uint8Array).match(/^event: next$/gm) ?? []).length;
    } catch {
      // aborted by the test
    }
  })();
  return { events: () => events, stop: async () => (abort.abort(), await done) };
}

describe('subscriber bounds', () => {
  const stack = new Stack({ config: { maxQueuedEvents: 20 } });
  let device: Device;

  beforeAll(async () => {
    await stack.start();
    const read = await stack.app.runtime.sources.get('cloud')!.listDevices();
    device = read.devices[0]!;
  });
  afterAll(() => stack.close());

  const publish = (n: number) => {
    for (let i = 0; i < n; i++) stack.app.runtime.pubsub.publish('deviceChanged', { device, changedFields: FIELDS, at: new Date() });
  };

  it('closes a graphql-ws client that stops reading with 4429, and keeps serving the others', async () => {
    const shared = stack.app.runtime.shared;
    const stalled = await rawSubscriber(stack);
    const healthy = await rawSubscriber(stack);
    await eventually(() => shared.subscribers >= 2, 2000, 'both subscribed');
    const dropped0 = shared.dropped;
    // the stalled client stops reading: what the kernel cannot absorb waits in avgraph, up to the bound
    (stalled.ws as any)._socket.pause();
    for (let round = 0; round < 40 && shared.dropped === dropped0; round++) {
      publish(20);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(shared.dropped).toBe(dropped0 + 1);
    const sent = healthy.nexts();
    await eventually(() => healthy.nexts() >= sent && healthy.nexts() > 20, 3000, 'the healthy client keeps receiving');
    // once it reads again it finds the close frame behind its unread data
    (stalled.ws as any)._socket.resume();
    expect(await stalled.closed).toBe(4429);
    publish(1);
    await eventually(() => healthy.nexts() > sent, 3000, 'events after the cut');
    expect(healthy.ws.readyState).toBe(WebSocket.OPEN);
    healthy.ws.close();
  });

  it('serialises a shared result once and writes every graphql-ws subscriber the same bytes but its id', async () => {
    const shared = stack.app.runtime.shared;
    const query = 'subscription { deviceChanged { device { id name } changedFields at } }';
    const a = await rawSubscriber(stack);
    const b = await rawSubscriber(stack);
    a.subscribe('second on a', query);
    b.subscribe('b"1', query);
    a.subscribe('third on a', query);
    await eventually(() => shared.subscribers === 5, 3000, 'five subscribers');
    const [e0, s0, d0] = [shared.executions, shared.serialised, shared.deliveries];
    stack.app.runtime.pubsub.publish('deviceChanged', { device, changedFields: ['name'], at: new Date() });
    const frames = () => [...a.raw, ...b.raw].filter((f) => f.includes('"type":"next"') && f.includes('"at"'));
    await eventually(() => frames().length === 3, 3000, 'three frames');
    // the two ws subscribers of QUERY share another execution; this query's three subscribers share one
    expect(shared.executions - e0).toBe(2);
    expect(shared.serialised - s0).toBe(2);
    expect(shared.deliveries - d0).toBe(5);
    const byId: Record<string, string> = Object.fromEntries(frames().map((f) => [JSON.parse(f).id, f]));
    expect(Object.keys(byId).sort()).toEqual(['b"1', 'second on a', 'third on a']);
    const payload = (f: string) => f.slice(f.indexOf('"payload":'));
    expect(new Set(Object.values(byId).map(payload)).size).toBe(1);
    expect(byId['b"1']).toBe(`{"id":"b\\"1","type":"next",${payload(byId['b"1']!)}`);
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^avgraph_subscription_serialisations_total \d+$/m);
    a.ws.close();
    b.ws.close();
    await eventually(() => shared.subscribers === 0, 3000, 'all gone');
  });

  it('shares one execution per event between SSE and graphql-ws subscribers, and counts them', async () => {
    const shared = stack.app.runtime.shared;
    const sse = [sseSubscriber(stack), sseSubscriber(stack)];
    const ws = await rawSubscriber(stack);
    await eventually(() => shared.subscribers === 3, 3000, 'three subscribers');
    const metrics = await (await fetch(`${stack.url}/metrics`)).text();
    expect(metrics).toMatch(/^avgraph_subscriptions_active 3$/m);
    const [e0, d0] = [shared.executions, shared.deliveries];
    stack.app.runtime.pubsub.publish('deviceChanged', { device, changedFields: ['name'], at: new Date() });
    await eventually(() => sse.every((s) => s.events() === 1) && ws.nexts() === 1, 3000, 'the event everywhere');
    expect(shared.executions - e0).toBe(1);
    expect(shared.deliveries - d0).toBe(3);
    await Promise.all(sse.map((s) => s.stop()));
    ws.ws.close();
    await eventually(() => shared.subscribers === 0, 3000, 'all gone');
  });
});
