/**
 * graphql-ws subscribers in a process of their own, so the server's event loop is what the fan-out bench measures.
 * Spoken by hand (graphql-transport-ws over `ws`): a receipt costs a timestamp and a push, and frames are parsed only
 * when the parent collects them, so the client adds as little as it can to the figures.
 *
 * Parent → child (IPC): { open: { url, connections, queries } } then, per event, { expect: n } and, after it, { collect: true }.
 * Child → parent: { opened: true } once every subscribe is sent; { arrived: n } once n frames came after an `expect`;
 * { receipts: [epochMs, subscriberIndex, payload][] } in answer to collect.
 */
import WebSocket from 'ws';

type Msg = { open?: { url: string; connections: number; queries: string[] }; expect?: number; collect?: true; close?: true };

const send = (m: unknown) => process.send!(m);
/** Milliseconds since the epoch at sub-millisecond resolution, comparable with the parent's clock. */
const now = () => performance.timeOrigin + performance.now();

const sockets: WebSocket[] = [];
let raw: [number, Buffer][] = [];
let expected = Infinity;

async function open(url: string, connections: number, queries: string[]) {
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const ws = new WebSocket(url, 'graphql-transport-ws');
      sockets.push(ws);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      let ack: (() => void) | null = null;
      const acked = new Promise<void>((resolve) => (ack = resolve));
      ws.on('message', (data: Buffer) => {
        // the first frame is the connection_ack; every later one is a receipt
        if (ack) return void (ack(), (ack = null));
        raw.push([now(), data]);
        if (raw.length === expected) send({ arrived: raw.length });
      });
      ws.send(JSON.stringify({ type: 'connection_init', payload: {} }));
      await acked;
      for (let i = c; i < queries.length; i += connections) {
        ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: queries[i] } }));
      }
    }),
  );
  send({ opened: true });
}

process.on('message', (m: Msg) => {
  if (m.open) void open(m.open.url, m.open.connections, m.open.queries);
  if (m.expect !== undefined) {
    raw = [];
    expected = m.expect;
  }
  if (m.collect) {
    const receipts = raw.map(([t, data]) => {
      const frame = JSON.parse(String(data)) as { id: string; type: string; payload?: unknown };
      return [t, Number(frame.id), frame.type === 'next' ? frame.payload : frame];
    });
    raw = [];
    expected = Infinity;
    send({ receipts });
  }
  if (m.close) {
    for (const ws of sockets) ws.close();
    process.disconnect();
  }
});
