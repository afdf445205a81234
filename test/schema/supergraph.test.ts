import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphql, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, Stack } from '../helpers/stack.js';

const FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])';

/** A subgraph owned by another team: it adds a field to avgraph's Device through entity resolution. */
const INVENTORY = parse(`${FED}
  type Device @key(fields: "id") { id: ID! rack: String! }`);
const inventory = buildSubgraphSchema({
  typeDefs: INVENTORY,
  resolvers: { Device: { rack: (d: { id: string }) => `rack-${d.id.length % 7}` } },
});

/** A Relay-style subgraph with its own Node types, PageInfo, Query.node and ValidationError. */
const TICKETS = [{ id: 'VGlja2V0OjE=', title: 'lens cap on' }];
const TICKETING = parse(`${FED}
    interface Node { id: ID! }
    type PageInfo @shareable { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
    type ValidationError @shareable { message: String! field: String }
    type Device implements Node @key(fields: "id", resolvable: false) { id: ID! }
    type Ticket implements Node @key(fields: "id") { id: ID! title: String! device: Device! }
    type TicketEdge { cursor: String! node: Ticket! }
    type TicketConnection { edges: [TicketEdge!]! pageInfo: PageInfo! }
    union OpenTicketResult = Ticket | ValidationError
    type Query { node(id: ID!): Node @shareable tickets: TicketConnection! }
    type Mutation { openTicket(title: String!): OpenTicketResult! }`);
const ticketing = (deviceId: string) =>
  buildSubgraphSchema({
    typeDefs: TICKETING,
    resolvers: {
      Query: {
        node: (_: unknown, { id }: { id: string }) => TICKETS.find((t) => t.id === id) ?? null,
        tickets: () => ({
          edges: TICKETS.map((t) => ({ cursor: t.id, node: t })),
          pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
        }),
      },
      Mutation: { openTicket: () => ({ __typename: 'ValidationError', message: 'title is taken', field: 'title' }) },
      Node: { __resolveType: () => 'Ticket' },
      OpenTicketResult: { __resolveType: (o: { __typename: string }) => o.__typename },
      Ticket: { device: () => ({ id: deviceId }) },
    },
  });

/** The smallest GraphQL-over-HTTP server a gateway needs in front of a subgraph schema. */
async function serve(schema: GraphQLSchema): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    const result = await graphql({ schema, source: query, variableValues: variables });
    res.setHeader('content-type', 'application/json').end(JSON.stringify(result));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('avgraph in a supergraph', () => {
  const stack = new Stack();
  const servers: Server[] = [];
  let subgraphs: { name: string; typeDefs: DocumentNode; url: string }[];
  let gateway: ApolloGateway;
  let deviceId: string;
  let deviceName: string;
  let run: (query: string, variables?: Record<string, unknown>) => Promise<{ data?: any; errors?: readonly unknown[] }>;

  beforeAll(async () => {
    await stack.start();
    const [dev] = await stack.deviceIds('cloud');
    deviceId = dev!.id;
    deviceName = dev!.name;
    const sdl = (await stack.gql('{ _service { sdl } }')).data._service.sdl as string;
    const inv = await serve(inventory);
    const tix = await serve(ticketing(deviceId));
    servers.push(inv.server, tix.server);
    subgraphs = [
      { name: 'avgraph', typeDefs: parse(sdl), url: `${stack.url}/graphql` },
      { name: 'inventory', typeDefs: INVENTORY, url: inv.url },
      { name: 'ticketing', typeDefs: TICKETING, url: tix.url },
    ];
    const composed = composeServices(subgraphs);
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
    gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      logger: silent,
      // avgraph authorises every request: the gateway forwards the caller's API key to it.
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    const { schema, executor } = await gateway.load();
    run = async (query, variables = {}) => {
      const document = parse(query);
      const operation = document.definitions.find((d) => d.kind === 'OperationDefinition')!;
      // The executor takes an Apollo Server request context; these are the parts it reads.
      const requestContext = {
        request: { query, variables },
        document,
        source: query,
        operation,
        operationName: null,
        schema,
        queryHash: query,
        context: { authorization: `Bearer ${KEYS.reader}` },
        logger: silent,
        metrics: {},
      };
      return executor(requestContext as unknown as Parameters<typeof executor>[0]);
    };
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await stack.close();
  });

  it('composes beside a Relay-style subgraph with its own PageInfo, Node, Query.node and ValidationError', () => {
    const result = composeServices(subgraphs);
    expect(result.errors).toBeUndefined();
    const supergraph = result.supergraphSdl!;
    expect(supergraph).toMatch(/type PageInfo\s+@join__type\(graph: AVGRAPH\)\s+@join__type\(graph: TICKETING\)/);
    expect(supergraph).toMatch(/type Device implements Node\s+@join__implements[\s\S]*?@join__type\(graph: INVENTORY, key: "id"\)/);
  });

  it('resolves another subgraph\'s Device field through _entities', async () => {
    const r = await run(`query($s:[ID!]){ devices(filter:{sourceIds:$s}, first: 2) { edges { node { id name rack } } pageInfo { hasNextPage } } }`, { s: ['cloud'] });
    expect(r.errors).toBeUndefined();
    const nodes = r.data.devices.edges.map((e: any) => e.node);
    expect(nodes.length).toBe(2);
    for (const n of nodes) expect(n.rack).toBe(`rack-${n.id.length % 7}`);
  });

  it('resolves avgraph\'s Device from the Relay subgraph through _entities, and each side keeps its shared types', async () => {
    const r = await run(`{ tickets { edges { node { title device { name rack } } } pageInfo { hasNextPage } } }
      `);
    expect(r.errors).toBeUndefined();
    expect(r.data.tickets).toEqual({
      edges: [{ node: { title: 'lens cap on', device: { name: deviceName, rack: `rack-${deviceId.length % 7}` } } }],
      pageInfo: { hasNextPage: false },
    });
    const m = await run(`mutation { openTicket(title: "x") { ... on ValidationError { message field } } }`);
    expect(m).toEqual({ data: { openTicket: { message: 'title is taken', field: 'title' } } });
  });

  it('plans the shared Query.node to one subgraph: avgraph answers its own global ids', async () => {
    const r = await run('query($id:ID!){ node(id:$id) { __typename ... on Device { name rack } } }', { id: deviceId });
    expect(r).toEqual({ data: { node: { __typename: 'Device', name: deviceName, rack: `rack-${deviceId.length % 7}` } } });
  });

  it('rejects a subscription: @apollo/gateway plans queries and mutations only', async () => {
    await expect(run('subscription { sourceHealthChanged { id } }')).rejects.toThrow(/Execution of subscriptions not supported by gateway/);
  });
});
