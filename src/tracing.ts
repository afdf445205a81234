import { AsyncLocalStorage } from 'node:async_hooks';
import { context, trace, ROOT_CONTEXT, SpanStatusCode, type Attributes, type Context as OtelContext, type ContextManager, type Span, type TracerProvider } from '@opentelemetry/api';
import { useOnResolve } from '@envelop/on-resolve';
import { getOperationAST, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Spans go to whatever TracerProvider is registered; none is by default, so every span here is OpenTelemetry's
 * no-op (tracing off). Span names: `graphql.<query|mutation|subscription> <name>` → `resolve <Type>.<field>` → `upstream <endpoint>`.
 */
const tracer = () => trace.getTracer('avgraph');

/**
 * Carries the active span across awaits (what @opentelemetry/context-async-hooks provides; that package is not
 * installed). Without a context manager every span would be a root.
 */
class AsyncLocalContextManager implements ContextManager {
  private readonly store = new AsyncLocalStorage<OtelContext>();
  active(): OtelContext {
    return this.store.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: OtelContext, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.store.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(ctx: OtelContext, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (...args: unknown[]) => this.with(ctx, () => (target as (...a: unknown[]) => unknown)(...args));
    return run as T;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.store.disable();
    return this;
  }
}

/** Registers `provider` for the whole process (tracing on). */
export function enableTracing(provider: TracerProvider): void {
  context.setGlobalContextManager(new AsyncLocalContextManager());
  trace.setGlobalTracerProvider(provider);
}

/**
 * Spans go to an OTLP/HTTP collector (`tracing.otlpUrl`, e.g. http://collector:4318/v1/traces), batched; the
 * returned function flushes what is left and stops.
 */
export function exportTracesTo(otlpUrl: string): () => Promise<void> {
  // the service name comes from OTEL_SERVICE_NAME, as for any OpenTelemetry SDK
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl, timeoutMillis: 5_000 }))],
  });
  enableTracing(provider);
  return () => provider.shutdown();
}

/** Runs `fn` in a child span of the active one; the span records a thrown error and ends when `fn` settles. */
export function inSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'error' });
      throw e;
    } finally {
      span.end();
    }
  });
}

/** The operation span's context, by GraphQL context object: the parent of that operation's resolver spans. */
const operations = new WeakMap<object, { span: Span; context: OtelContext }>();

/** An operation span around execute/subscribe, and a span per resolver (default resolvers excepted) inside it. */
export function useTracing(): Plugin[] {
  const operation: Plugin = {
    // named once the document is parsed: `graphql.query Fleet`
    onExecute: ({ args }) => nameOperation(args),
    onSubscribe: ({ args }) => nameOperation(args),
    instrumentation: {
      execute: ({ context: ctx }, wrapped) => spanAround(ctx, wrapped),
      subscribe: ({ context: ctx }, wrapped) => spanAround(ctx, wrapped),
    },
  };
  const resolvers = useOnResolve(
    ({ info, resolver, replaceResolver }) => {
      const name = `resolve ${info.parentType.name}.${info.fieldName}`;
      replaceResolver((root, args, ctx, i) => {
        // a child of the operation, not of whichever resolver's promise this one happens to continue
        const parent = (ctx && operations.get(ctx)?.context) ?? context.active();
        const span = tracer().startSpan(name, { attributes: { 'graphql.field.path': pathOf(i.path) } }, parent);
        const end = (value: unknown) => {
          span.end();
          return value;
        };
        try {
          const result = context.with(trace.setSpan(parent, span), () => resolver(root, args, ctx, i));
          return isThenable(result) ? result.then(end, (e: unknown) => (end(undefined), Promise.reject(e))) : end(result);
        } catch (e) {
          end(undefined);
          throw e;
        }
      });
    },
    { skipDefaultResolvers: true },
  );
  return [operation, resolvers as Plugin];
}

function pathOf(path: { prev: unknown; key: string | number } | undefined): string {
  const parts: (string | number)[] = [];
  for (let p = path; p; p = p.prev as typeof path) parts.unshift(p.key);
  return parts.join('.');
}

function nameOperation(args: ExecutionArgs): void {
  const span = operations.get(args.contextValue as object)?.span;
  const op = getOperationAST(args.document, args.operationName);
  if (!span || !op) return;
  const name = op.name?.value ?? 'anonymous';
  span.updateName(`graphql.${op.operation} ${name}`);
  span.setAttributes({ 'graphql.operation.type': op.operation, 'graphql.operation.name': name });
}

/** A span around one execute/subscribe phase; named from the request's params until nameOperation sees the document. */
function spanAround<R>(ctx: { params?: { operationName?: string | null } }, wrapped: () => R): R {
  const params = ctx.params;
  const span = tracer().startSpan(`graphql.operation ${params?.operationName ?? 'anonymous'}`);
  const inner = trace.setSpan(context.active(), span);
  operations.set(ctx, { span, context: inner });
  const result = context.with(inner, wrapped);
  // yoga hands back its own thenables (not always a Promise)
  if (isThenable(result)) {
    return result.then(
      (v) => (span.end(), v),
      (e: unknown) => {
        span.end();
        throw e;
      },
    ) as R;
  }
  span.end();
  return result;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null)?.then === 'function';
}
