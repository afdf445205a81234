import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { keyFromConnectionParams, type Caller } from './auth.js';
import { limitExceeded } from './limits/errors.js';
import { createMediaHandler } from './media/route.js';
import type { Runtime } from './runtime.js';
import { createAvgraphYoga } from './yoga.js';

interface EnvelopedRoot {
  execute: (a: ExecutionArgs) => unknown;
  subscribe: (a: ExecutionArgs) => unknown;
}

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

function metrics(runtime: Runtime): string {
  const lines = [
    '# HELP avgraph_upstream_calls_total Upstream calls by source and endpoint.',
    '# TYPE avgraph_upstream_calls_total counter',
  ];
  for (const s of runtime.sources.values()) {
    for (const [endpoint, n] of Object.entries(s.callCounts())) {
      lines.push(`avgraph_upstream_calls_total{source="${s.id}",endpoint="${endpoint}"} ${n}`);
    }
  }
  lines.push(
    '# HELP avgraph_subscription_executions_total Subscription results executed (shared by identical subscriptions).',
    '# TYPE avgraph_subscription_executions_total counter',
    `avgraph_subscription_executions_total ${runtime.shared.executions}`,
    '# HELP avgraph_subscription_deliveries_total Subscription results handed to subscribers.',
    '# TYPE avgraph_subscription_deliveries_total counter',
    `avgraph_subscription_deliveries_total ${runtime.shared.deliveries}`,
    '# HELP avgraph_subscription_serialisations_total Results serialised into graphql-ws frames (once per result, whatever the subscribers).',
    '# TYPE avgraph_subscription_serialisations_total counter',
    `avgraph_subscription_serialisations_total ${runtime.shared.serialised}`,
    '# HELP avgraph_subscriptions_active Subscribers now open (graphql-ws and SSE).',
    '# TYPE avgraph_subscriptions_active gauge',
    `avgraph_subscriptions_active ${runtime.shared.subscribers}`,
    '# HELP avgraph_subscribers_dropped_total Subscribers cut for falling behind (queue or socket buffer bound).',
    '# TYPE avgraph_subscribers_dropped_total counter',
    `avgraph_subscribers_dropped_total ${runtime.shared.dropped}`,
  );
  const redis = runtime.redisState();
  if (redis !== 'none') lines.push('# HELP avgraph_redis_up 1 while Redis is reachable.', '# TYPE avgraph_redis_up gauge', `avgraph_redis_up ${redis === 'up' ? 1 : 0}`);
  lines.push('# HELP avgraph_source_up 1 when the source circuit is closed.', '# TYPE avgraph_source_up gauge');
  for (const s of runtime.sources.values()) lines.push(`avgraph_source_up{source="${s.id}"} ${s.health().circuitOpen ? 0 : 1}`);
  return lines.join('\n') + '\n';
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** One port: GraphQL over HTTP and SSE (yoga), graphql-ws on the same path, /media, /health, /ready, /metrics. */
export async function startServer(runtime: Runtime, port: number, host: string): Promise<RunningServer> {
  const yoga = createAvgraphYoga(runtime);
  const media = createMediaHandler({ signer: runtime.media, sources: runtime.sources, log: runtime.log });
  const sockets = new Set<Socket>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return json(res, 200, { status: 'ok' });
    if (path === '/ready') {
      const sources = [...runtime.sources.values()].map((s) => ({
        id: s.id,
        vendor: s.vendor,
        state: s.health().state,
        polling: runtime.pollers.get(s.id)?.active ?? false,
        /** leader, follower, or local: polling for this replica alone while Redis is away */
        role: runtime.pollers.get(s.id)?.role ?? null,
      }));
      const redis = runtime.redisState();
      // Still serving while Redis is away, on its own: ready, and says so.
      return json(res, 200, { status: redis === 'down' ? 'degraded' : 'ready', replica: runtime.replicaId, redis, sources });
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return void res.end(metrics(runtime));
    }
    if (path?.startsWith('/media/')) return void media(req, res);
    if (path === '/') {
      res.writeHead(302, { location: '/graphql' });
      return void res.end();
    }
    return void yoga.handle(req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  // A message over the body limit closes the connection (1009) unread, as HTTP answers 413.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: runtime.config.limits.maxBodyBytes });
  const callers = new WeakMap<object, Caller>();
  const ws = useServer(
    {
      onConnect: (ctx) => {
        const caller = runtime.access.authenticate(keyFromConnectionParams(ctx.connectionParams));
        if (!caller) {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        callers.set(ctx.extra.socket, caller);
        return true;
      },
      execute: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      // yoga's subscribe: sharing and subscriber bounds come with it (useSharedSubscriptions), as for SSE.
      subscribe: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, id, params) => {
        // ctx.subscriptions: this connection's operations in flight, this one included; over the limit it alone is refused
        const most = runtime.config.limits.maxSubscriptionsPerConnection;
        if (Object.keys(ctx.subscriptions).length > most) {
          return [limitExceeded('maxSubscriptionsPerConnection', most, `this connection already has ${most} operations open`, null)];
        }
        const enveloped = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          // shared results reach this subscriber as frames carrying its operation id (useSharedSubscriptions)
          operationId: id,
          params,
          caller: callers.get(ctx.extra.socket),
        });
        let parsed: DocumentNode;
        try {
          parsed = enveloped.parse(params.query);
        } catch (e) {
          // a syntax error or the token limit answers this operation; thrown, it would close the connection
          if (e instanceof GraphQLError) return [e];
          throw e;
        }
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          operationName: params.operationName,
          document: parsed,
          variableValues: params.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: {
            execute: enveloped.execute,
            subscribe: enveloped.subscribe,
          } satisfies EnvelopedRoot,
        };
        const errors = enveloped.validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
    12_000,
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      await ws.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // plugins let go of what they hold (the rate limiter's Redis connection)
      await yoga.dispose();
    },
  };
}
