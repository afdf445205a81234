import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GraphQLError, type DocumentNode, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { keyFromConnectionParams, type Caller } from './auth.js';
import { createDashboardHandler, isDashboardPath } from './dashboard.js';
import { limitExceeded } from './limits/errors.js';
import { createMediaHandler } from './media/route.js';
import { createMetrics } from './metrics.js';
import { withRequestId } from './request-id.js';
import type { Runtime } from './runtime.js';
import { exportTracesTo } from './tracing.js';
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

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Headers an operation carries in its extensions (GraphiQL puts its Headers tab there on graphql-ws). */
function headersOf(extensions: Readonly<Record<string, unknown>> | null | undefined): Record<string, unknown> | undefined {
  const headers = extensions?.headers;
  return headers && typeof headers === 'object' ? (headers as Record<string, unknown>) : undefined;
}

/** One port: the dashboard at /, GraphQL over HTTP and SSE (yoga), graphql-ws on the same path, /media, /health, /ready, /metrics. */
export async function startServer(runtime: Runtime, port: number, host: string): Promise<RunningServer> {
  const metrics = createMetrics(runtime);
  const otlpUrl = runtime.config.tracing?.otlpUrl;
  const stopTracing = otlpUrl ? exportTracesTo(otlpUrl) : null;
  const yoga = createAvgraphYoga(runtime, metrics.plugins);
  const media = createMediaHandler({ signer: runtime.media, sources: runtime.sources, log: runtime.log });
  const dashboard = createDashboardHandler();
  const sockets = new Set<Socket>();

  const route = (req: IncomingMessage, res: ServerResponse): void => {
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
      return void metrics.render().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (e: unknown) => {
          runtime.log.error({ err: e instanceof Error ? e.message : String(e) }, 'metrics scrape failed');
          res.writeHead(500).end();
        },
      );
    }
    if (path?.startsWith('/media/')) return void media(req, res);
    if (isDashboardPath(path!)) return dashboard(req, res);
    return void yoga.handle(req, res);
  };
  const server = createServer((req, res) => withRequestId(req, res, () => route(req, res)));
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
        const key = keyFromConnectionParams(ctx.connectionParams);
        const caller = runtime.access.authenticate(key);
        // No key at all: each operation may bring its own in extensions.headers (GraphiQL sends its Headers tab so).
        if (!caller && key !== null) {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return false;
        }
        if (caller) callers.set(ctx.extra.socket, caller);
        return true;
      },
      execute: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      // yoga's subscribe: sharing and subscriber bounds come with it (useSharedSubscriptions), as for SSE.
      subscribe: (args: ExecutionArgs) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, id, params) => {
        // ctx.subscriptions: this connection's operations in flight, this one included; over the limit it alone is refused
        const caller = callers.get(ctx.extra.socket) ?? runtime.access.authenticate(keyFromConnectionParams(headersOf(params.extensions)));
        if (!caller) {
          ctx.extra.socket.close(4401, 'Unauthorized');
          return [new GraphQLError('missing or unknown API key', { extensions: { code: 'UNAUTHENTICATED' } })];
        }
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
          requestId: randomUUID(),
          params,
          caller,
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
      metrics.close();
      await stopTracing?.().catch(() => undefined);
    },
  };
}
