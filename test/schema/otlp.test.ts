import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Stack } from '../helpers/stack.js';

/** A collector of our own on loopback: every OTLP/HTTP export avgraph sends, as parsed JSON. */
function collector() {
  const exports: any[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') exports.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return { exports, server };
}

describe('traces exported over OTLP/HTTP', () => {
  const sink = collector();
  let stack: Stack;
  beforeAll(async () => {
    await new Promise<void>((r) => sink.server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/v1/traces`;
    stack = await new Stack({ config: { tracing: { otlpUrl: url } } }).start();
  });
  afterAll(async () => {
    await stack.close();
    await new Promise<void>((r) => sink.server.close(() => r()));
  });

  it('sends the operation, resolver and upstream spans to the configured collector', async () => {
    const r = await stack.gql('query Fleet { devices(first: 5) { totalCount } }');
    expect(r.data.devices.totalCount).toBeGreaterThan(0);
    // the batch goes out on its schedule, or at the latest when the server stops
    await stack.app.close();
    const names = await eventually(() => {
      const all = sink.exports.flatMap((e) => e.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => s.name))));
      return all.includes('graphql.query Fleet') ? all : null;
    }, 5000, 'the exported spans');
    expect(names).toContain('resolve Query.devices');
    expect(names.some((n: string) => n.startsWith('upstream GET devices'))).toBe(true);
  });
});
