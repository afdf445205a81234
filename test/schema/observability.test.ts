import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { enableTracing } from '../../src/tracing.js';
import { eventually, KEYS, Stack } from '../helpers/stack.js';

const FLEET = 'query Fleet { devices(first: 5) { totalCount edges { node { id name } } } }';

async function simFaults(stack: Stack, sourceId: string, faults: Record<string, unknown>): Promise<void> {
  const source = stack.config.sources.find((s) => s.id === sourceId)!;
  const origin = new URL((source as { baseUrl: string }).baseUrl).origin;
  const res = await fetch(`${origin}/__sim/${Object.keys(faults).length ? 'faults' : 'reset'}`, { method: 'POST', body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

const scrape = async (stack: Stack) => (await stack.get('/metrics')).body.toString('utf8');

describe('metrics', () => {
  const stack = new Stack();
  beforeAll(() => stack.start());
  afterAll(() => stack.close());

  it('exposes request, phase, error, subscription, upstream, poller and process families', async () => {
    expect((await stack.gql(FLEET)).errors).toBeUndefined();

    const client = stack.wsClient();
    const events: unknown[] = [];
    const stop = client.subscribe({ query: 'subscription { deviceChanged { device { id } } }' }, { next: (e) => events.push(e), error: () => {}, complete: () => {} });
    await eventually(async () => /^avgraph_subscriptions_open\{transport="ws"\} 1$/m.test(await scrape(stack)), 3000, 'ws subscription counted');

    // the Epiphan Cloud simulator fails every read: its fleet is missing and the answer says why
    await simFaults(stack, 'cloud', { errorRate: 1, errorStatus: 503 });
    const partial = await stack.gql(FLEET);
    expect(partial.errors?.map((e) => e.extensions?.code)).toContain('UPSTREAM_UNAVAILABLE');
    await simFaults(stack, 'cloud', {});

    const text = await scrape(stack);
    for (const family of [
      // the families /metrics had before, unchanged
      'avgraph_upstream_calls_total',
      'avgraph_subscription_executions_total',
      'avgraph_subscription_serialisations_total',
      'avgraph_subscription_deliveries_total',
      'avgraph_subscriptions_active',
      'avgraph_subscribers_dropped_total',
      'avgraph_source_up',
      // request and phase durations (yoga's Prometheus plugin)
      'graphql_yoga_http_duration',
      'graphql_envelop_phase_parse',
      'graphql_envelop_phase_validate',
      'graphql_envelop_phase_execute',
      'graphql_envelop_phase_subscribe',
      'avgraph_graphql_errors_total',
      'avgraph_subscriptions_open',
      'avgraph_upstream_request_duration_seconds',
      'avgraph_upstream_errors_total',
      'avgraph_poller_runs_total',
      'avgraph_poller_lag_seconds',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(text, family).toMatch(new RegExp(`^# TYPE ${family} `, 'm'));
    }
    expect(text).toMatch(/^avgraph_graphql_errors_total\{code="UPSTREAM_UNAVAILABLE"\} [1-9]/m);
    expect(text).toMatch(/^avgraph_upstream_errors_total\{source="cloud",endpoint="[^"]+",status="503",code="HTTP_503"\} [1-9]/m);
    expect(text).toMatch(/^avgraph_upstream_request_duration_seconds_count\{source="studio",endpoint="[^"]+",status="200"\} [1-9]/m);
    expect(text).toMatch(/^avgraph_upstream_calls_total\{source="cloud",endpoint="[^"]+"\} [1-9]/m);
    expect(text).toMatch(/^avgraph_poller_runs_total\{source="cloud"\} [1-9]/m);
    expect(text).toMatch(/^avgraph_poller_lag_seconds\{source="cloud"\} \d/m);
    expect(text).toMatch(/^graphql_envelop_phase_execute_count\{operationName="Fleet",operationType="query"\} [1-9]/m);

    stop();
    await eventually(async () => /^avgraph_subscriptions_open\{transport="ws"\} 0$/m.test(await scrape(stack)), 3000, 'ws subscription closed');

    // the same over SSE
    const abort = new AbortController();
    const sse = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEYS.admin}` },
      body: JSON.stringify({ query: 'subscription { deviceChanged { device { id } } }' }),
      signal: abort.signal,
    });
    expect(sse.status).toBe(200);
    await eventually(async () => /^avgraph_subscriptions_open\{transport="sse"\} 1$/m.test(await scrape(stack)), 3000, 'sse subscription counted');
    abort.abort();
    await eventually(async () => /^avgraph_subscriptions_open\{transport="sse"\} 0$/m.test(await scrape(stack)), 3000, 'sse subscription closed');
  });

  it('answers a well-formed x-request-id and puts it on every log line of the request', async () => {
    const id = 'req-obs-7f3a';
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.admin}`, 'x-request-id': id },
      body: JSON.stringify({ query: FLEET }),
    });
    expect(res.headers.get('x-request-id')).toBe(id);
    stack.bodies.push(await res.text());
    const lines = stack.logLines.filter((l) => l.includes(id));
    expect(lines.some((l) => JSON.parse(l).msg === 'graphql operation')).toBe(true);
    for (const l of lines) expect(JSON.parse(l).requestId).toBe(id);

    // one that is not (too long, odd characters) is replaced by a fresh id
    const bad = await fetch(`${stack.url}/health`, { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${stack.url}/health`);
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const stack = new Stack({ config: { tracing: {} } });
  beforeAll(async () => {
    enableTracing(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    await stack.start();
  });
  afterAll(async () => {
    await stack.close();
    trace.disable();
    context.disable();
  });

  it('traces an operation through its resolvers to the upstream calls', async () => {
    exporter.reset();
    expect((await stack.gql(FLEET)).errors).toBeUndefined();
    // the operation span ends as the response goes out
    const spans = await eventually(() => {
      const all = exporter.getFinishedSpans();
      return all.some((s) => s.name === 'graphql.query Fleet') && all;
    }, 2000, 'operation span');
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parent = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? '');

    const op = spans.find((s) => s.name === 'graphql.query Fleet');
    expect(op).toBeDefined();
    const resolver = spans.find((s) => s.name === 'resolve Query.devices');
    expect(resolver && parent(resolver)).toBe(op);
    const upstream = spans.filter((s) => s.name.startsWith('upstream '));
    expect(upstream.length).toBeGreaterThan(0);
    for (const u of upstream) expect(parent(u)).toBe(resolver);
    expect(upstream.map((u) => u.attributes['avgraph.source'])).toEqual(expect.arrayContaining(['cloud', 'studio']));
  });
});
