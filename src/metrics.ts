import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { usePrometheus } from '@graphql-yoga/plugin-prometheus';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { ExecutionResult, GraphQLError } from 'graphql';
import type { Runtime } from './runtime.js';
import { observeUpstream } from './sources/http.js';

export type Transport = 'ws' | 'sse';

/**
 * One prom-client registry per runtime: yoga's Prometheus plugin (request and phase durations), avgraph's own
 * families, and the process metrics. Counters kept elsewhere (upstream calls, shared subscriptions, poller runs) are
 * read at scrape time (reset, then set), so their names and values stay what they were.
 */
export interface Metrics {
  registry: Registry;
  /** Yoga plugins that feed this registry. */
  plugins: Plugin[];
  /** The text a scrape of /metrics answers. */
  render(): Promise<string>;
  close(): void;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(runtime: Runtime): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const sources = () => [...runtime.sources.values()];

  new Counter({
    name: 'avgraph_upstream_calls_total',
    help: 'Upstream calls by source and endpoint.',
    labelNames: ['source', 'endpoint'],
    registers,
    collect() {
      this.reset();
      for (const s of sources()) for (const [endpoint, n] of Object.entries(s.callCounts())) this.inc({ source: s.id, endpoint }, n);
    },
  });
  const sharedCounter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  sharedCounter('avgraph_subscription_executions_total', 'Subscription results executed (shared by identical subscriptions).', () => runtime.shared.executions);
  sharedCounter('avgraph_subscription_deliveries_total', 'Subscription results handed to subscribers.', () => runtime.shared.deliveries);
  sharedCounter(
    'avgraph_subscription_serialisations_total',
    'Results serialised into graphql-ws frames (once per result, whatever the subscribers).',
    () => runtime.shared.serialised,
  );
  sharedCounter('avgraph_subscribers_dropped_total', 'Subscribers cut for falling behind (queue or socket buffer bound).', () => runtime.shared.dropped);
  new Gauge({
    name: 'avgraph_subscriptions_active',
    help: 'Subscribers now open (graphql-ws and SSE).',
    registers,
    collect() {
      this.set(runtime.shared.subscribers);
    },
  });
  const byTransport = new Gauge({
    name: 'avgraph_subscriptions_open',
    help: 'Subscription operations now open, by transport (ws: graphql-ws, sse: GraphQL over SSE).',
    labelNames: ['transport'],
    registers,
  });
  byTransport.set({ transport: 'ws' }, 0);
  byTransport.set({ transport: 'sse' }, 0);
  if (runtime.redisState() !== 'none') {
    new Gauge({
      name: 'avgraph_redis_up',
      help: '1 while Redis is reachable.',
      registers,
      collect() {
        this.set(runtime.redisState() === 'up' ? 1 : 0);
      },
    });
  }
  new Gauge({
    name: 'avgraph_source_up',
    help: '1 when the source circuit is closed.',
    labelNames: ['source'],
    registers,
    collect() {
      for (const s of sources()) this.set({ source: s.id }, s.health().circuitOpen ? 0 : 1);
    },
  });
  new Counter({
    name: 'avgraph_poller_runs_total',
    help: 'Fleet reads made by the poller of each source on this replica.',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      for (const s of sources()) this.inc({ source: s.id }, runtime.pollers.get(s.id)?.polls ?? 0);
    },
  });
  new Gauge({
    name: 'avgraph_poller_lag_seconds',
    help: 'How late the last poll of each source started after it was due (a busy event loop shows here first).',
    labelNames: ['source'],
    registers,
    collect() {
      this.reset();
      for (const s of sources()) {
        const lag = runtime.pollers.get(s.id)?.lagMs;
        if (lag !== undefined && lag !== null) this.set({ source: s.id }, lag / 1000);
      }
    },
  });

  const upstreamSeconds = new Histogram({
    name: 'avgraph_upstream_request_duration_seconds',
    help: 'Upstream attempts (each retry counts) by source, endpoint and HTTP status ("none" without a reply).',
    labelNames: ['source', 'endpoint', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const upstreamErrors = new Counter({
    name: 'avgraph_upstream_errors_total',
    help: 'Failed upstream attempts by source, endpoint, HTTP status and error code (TIMEOUT, HTTP_503, ...).',
    labelNames: ['source', 'endpoint', 'status', 'code'],
    registers,
  });
  const stopObserving = observeUpstream((o) => {
    // the observers are process-wide: count this runtime's sources (in-process replicas in tests share ids)
    if (!runtime.sources.has(o.sourceId)) return;
    const status = o.status === null ? 'none' : String(o.status);
    upstreamSeconds.observe({ source: o.sourceId, endpoint: o.endpoint, status }, o.seconds);
    if (o.code) upstreamErrors.inc({ source: o.sourceId, endpoint: o.endpoint, status, code: o.code });
  });

  const errors = new Counter({
    name: 'avgraph_graphql_errors_total',
    help: 'Errors in GraphQL results by extensions.code (as clients see them).',
    labelNames: ['code'],
    registers,
  });

  const plugins: Plugin[] = [
    usePrometheus({
      registry,
      // /metrics is served by the server with every family; the plugin only records
      endpoint: false,
      metrics: {
        graphql_yoga_http_duration: true,
        graphql_envelop_request: true,
        graphql_envelop_request_duration: true,
        graphql_envelop_phase_parse: true,
        graphql_envelop_phase_validate: true,
        graphql_envelop_phase_context: true,
        graphql_envelop_phase_execute: true,
        graphql_envelop_phase_subscribe: true,
        graphql_envelop_error_result: true,
      },
    }),
    {
      onResultProcess({ result }) {
        for (const r of Array.isArray(result) ? result : [result]) {
          if (isAsyncIterable(r)) continue;
          for (const e of (r as ExecutionResult).errors ?? []) errors.inc({ code: codeOf(e) });
        }
      },
      onSubscribe({ args }) {
        const transport: Transport = 'operationId' in (args.contextValue as object) ? 'ws' : 'sse';
        return {
          onSubscribeResult({ result }) {
            if (!isAsyncIterable(result)) return;
            byTransport.inc({ transport });
            return { onEnd: () => byTransport.dec({ transport }) };
          },
        };
      },
    },
  ];

  return {
    registry,
    plugins,
    render: () => registry.metrics(),
    close: () => {
      stopObserving();
    },
  };
}

function codeOf(e: GraphQLError | { extensions?: Record<string, unknown> }): string {
  const code = e.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}
