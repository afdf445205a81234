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
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('message', (m) => messages.push(JSON.parse(String(m))));
  await new Promise((r) => ws.on('open', r));
  ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${KEYS.admin}` } }));
  await eventually(() => messages.some((m) => m.type === 'connection_ack'), 2000, 'ack');
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: QUERY } }));
  return { ws, messages, closed, nexts: () => messages.filter((m) => m.type === 'next').length };
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
