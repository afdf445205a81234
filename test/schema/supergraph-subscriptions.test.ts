import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildGraphQLWSExecutor } from '@graphql-tools/executor-graphql-ws';
import { getStitchedSchemaFromSupergraphSdl, type FederationSubschemaConfig } from '@graphql-tools/federation';
import { graphql, parse, print } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack, eventually, simCounts } from '../helpers/stack.js';

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';
const START = `mutation($id:ID!){ startRecording(deviceId:$id) { __typename } }`;
const STOP = `mutation($id:ID!){ stopRecording(deviceId:$id) { __typename } }`;

/** avgraph's count of open subscriptions on one transport, from its own /metrics. */
async function openSubscriptions(stack: Stack, transport: 'ws' | 'sse'): Promise<number> {
  const text = (await stack.get('/metrics')).body.toString();
  return Number(new RegExp(`^avgraph_subscriptions_open\\{transport="${transport}"\\} (\\d+)$`, 'm').exec(text)?.[1]);
}

/** A subgraph that extends avgraph's Device, so the gateway has entities to join on a subscription event. */
const INVENTORY = parse(`${FED} type Device @key(fields: "id") { id: ID! rack: String! }`);
const inventory = buildSubgraphSchema({
  typeDefs: INVENTORY,
  resolvers: { Device: { rack: (d: { id: string }) => `rack-${d.id.length % 7}` } },
});

/**
 * Hive Gateway's engine (@graphql-tools/federation) behind graphql-yoga: queries go to avgraph over HTTP,
 * subscriptions over graphql-ws, both with the gateway's API key for avgraph.
 */
describe('avgraph subscriptions through a federated gateway', () => {
  const stack = new Stack({ pollIntervalMs: 300 });
  const auth = `Bearer ${KEYS.admin}`;
  let ws: ReturnType<typeof buildGraphQLWSExecutor>;
  let yoga: ReturnType<typeof createYoga>;
  let studio: { id: string }[];
  const aborts: AbortController[] = [];

  beforeAll(async () => {
    await stack.start();
    studio = (await stack.deviceIds('studio')).filter((d) => d.connection === 'ONLINE' && !d.vendorDeviceId.startsWith('demo'));
    const sdl = (await stack.gql('{ _service { sdl } }')).data._service.sdl as string;
    const composed = composeServices([
      { name: 'avgraph', typeDefs: parse(sdl), url: `${stack.url}/graphql` },
      // Entity calls to inventory are answered in-process: only avgraph's transports are under test.
      { name: 'inventory', typeDefs: INVENTORY, url: 'http://inventory.invalid/graphql' },
    ]);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    ws = buildGraphQLWSExecutor({ url: `${stack.url.replace(/^http/, 'ws')}/graphql`, connectionParams: { Authorization: auth } });
    const schema = getStitchedSchemaFromSupergraphSdl({
      supergraphSdl: composed.supergraphSdl,
      httpExecutorOpts: ({ name }) => (name.toLowerCase() === 'avgraph' ? { headers: { authorization: auth } } : {}),
      onSubschemaConfig(config: FederationSubschemaConfig) {
        if (config.name.toLowerCase() === 'inventory') {
          // The executor type is generic in its result; graphql() returns the untyped ExecutionResult.
          config.executor = (({ document, variables }) =>
            graphql({ schema: inventory, source: print(document), variableValues: variables })) as FederationSubschemaConfig['executor'];
          return;
        }
        const http = config.executor;
        config.executor = (request) => (request.operationType === 'subscription' ? ws(request) : http(request));
      },
    });
    yoga = createYoga({ schema, logging: false });
  });

  afterAll(async () => {
    for (const a of aborts) a.abort();
    await ws?.[Symbol.asyncDispose]();
    await stack.close();
  });

  /** Subscribes through the gateway over SSE and collects `deviceChanged` payloads. */
  async function subscribe(query: string) {
    const abort = new AbortController();
    aborts.push(abort);
    const res = await yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const events: any[] = [];
    void (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const data = buf.slice(0, i).split('\n').find((l) => l.startsWith('data:'));
            buf = buf.slice(i + 2);
            if (data && data.length > 5) events.push(JSON.parse(data.slice(5)));
          }
        }
      } catch {
        // aborted in afterAll
      }
    })();
    return { events, stop: () => abort.abort() };
  }

  it('answers a query across avgraph (HTTP) and another subgraph', async () => {
    const r = await yoga.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `query($id:ID!){ node(id:$id) { ... on Device { id rack } } }`, variables: { id: studio[0]!.id } }),
    });
    expect(await r.json()).toEqual({ data: { node: { id: studio[0]!.id, rack: `rack-${studio[0]!.id.length % 7}` } } });
  });

  it('delivers avgraph\'s deviceChanged through the gateway over graphql-ws, joined with another subgraph\'s field', async () => {
    const dev = studio[0]!;
    const sub = await subscribe(`subscription { deviceChanged(filter:{ vendors:[AV_STUDIO] }) { device { id isRecording rack } } }`);
    // The event comes from avgraph's poller: the change must land after it has read the fleet once.
    await eventually(() => (simCounts(stack.studio)['GET /front/api/v2/devices'] ?? 0) > 0, 3000, 'the poller to start');
    // avgraph itself holds the gateway's subscription on graphql-ws, not on SSE.
    await eventually(async () => (await openSubscriptions(stack, 'ws')) === 1, 2000, 'the gateway\'s graphql-ws subscription');
    expect(await openSubscriptions(stack, 'sse')).toBe(0);
    expect((await stack.gql(START, { id: dev.id })).errors).toBeUndefined();
    const ev = await eventually(() => sub.events.find((e) => e.data?.deviceChanged.device.id === dev.id), 3000, 'deviceChanged through the gateway');
    expect(ev).toEqual({ data: { deviceChanged: { device: { id: dev.id, isRecording: true, rack: `rack-${dev.id.length % 7}` } } } });
    sub.stop();
    await stack.gql(STOP, { id: dev.id });
  });
});
