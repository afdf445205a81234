import type { IncomingMessage } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { GraphQLError, getOperationAST, type ExecutionResult } from 'graphql';
import { createGraphQLError, createYoga, isAsyncIterable, maskError as yogaMaskError, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { keyFromHeaders, type Caller } from './auth.js';
import { graphiqlOptions, renderOfflineGraphiQL } from './graphiql.js';
import { createContext, hasScope, type Context } from './context.js';
import { AvgraphError, UpstreamError, ValidationError } from './errors.js';
import { clientOf, useOperationLimits, type LimitedContext } from './limits/operation.js';
import { shapeLimits } from './limits/shape.js';
import type { Runtime } from './runtime.js';
import { loadManifest, usePersistedDocuments } from './persisted.js';
import { REQUEST_ID_HEADER, requestLog, useOperationLog } from './request-id.js';
import { schema } from './schema/index.js';
import { useFreshness } from './store/freshness.js';
import { useSharedSubscriptions } from './subscriptions/use-shared.js';
import { useTracing } from './tracing.js';

/** Opens in GraphiQL: the fleet with what a dashboard shows first. */
export const EXAMPLE_OPERATION = `# Every device of every source, with what a dashboard shows first.
# Try a mutation next: copy a device id into
#   mutation { startRecording(deviceId: "...") { __typename ... on StartRecordingSuccess { device { name isRecording } } ... on Error { message } } }
query Fleet {
  sources { name vendor health { state circuitOpen latencyMs } }
  devices(first: 20) {
    totalCount
    edges {
      node {
        id name vendor model connection isRecording isStreaming
        settings { resolution videoBitrateKbps }
        storage { kind queuedSeconds uploadEnabled }
        streams { protocol state url health { throughputRatio } }
        latestSnapshot { url }
      }
    }
  }
}
`;

export interface ServerContext {
  /** Set for graphql-ws connections, which authenticate once in connectionParams. */
  caller?: Caller;
  /** The Node request (HTTP) or upgrade request (graphql-ws): its address keys limits in open mode. */
  req?: IncomingMessage;
  /** graphql-ws: the operation's request id (HTTP requests carry theirs in x-request-id). */
  requestId?: string;
}

function unauthorized(): GraphQLError {
  return new GraphQLError('missing or unknown API key (send Authorization: Bearer <key> or x-api-key)', {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
  });
}

/** Queries need the read scope; mutations check their own scope and answer PermissionDeniedError. */
function useReadScope(): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const op = getOperationAST(args.document, args.operationName);
      if (op?.operation === 'query' && !hasScope(args.contextValue, 'read')) {
        setResultAndStopExecution({ errors: [new GraphQLError('this API key lacks the "read" scope', { extensions: { code: 'FORBIDDEN' } })] });
      }
    },
  };
}

/** Appends the errors of sources that failed while others answered (partial results). */
function usePartialErrors(): Plugin<Context> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          const extra = args.contextValue.partialErrors;
          if (!extra?.length || isAsyncIterable(result)) return;
          const r = result as ExecutionResult;
          setResult({ ...r, errors: [...(r.errors ?? []), ...extra] });
        },
      };
    },
  };
}

/** Our typed errors reach clients with their message (secret-free by construction) and a code; others are masked. */
function maskError(error: unknown, message: string): Error {
  const located = error instanceof GraphQLError ? error : null;
  const original = located ? located.originalError : error;
  const keep = (msg: string, extensions: Record<string, unknown>) =>
    createGraphQLError(msg, { nodes: located?.nodes, path: located?.path, extensions });
  if (original instanceof UpstreamError) {
    return keep(original.message, {
      code: 'UPSTREAM_ERROR',
      vendor: original.vendor,
      source: original.sourceId,
      upstreamCode: original.code,
      retryable: original.retryable,
    });
  }
  if (original instanceof ValidationError) return keep(original.message, { code: 'BAD_USER_INPUT', field: original.field });
  if (original instanceof AvgraphError) return keep(original.message, { code: original.name });
  return yogaMaskError(error, message);
}

/** `observers`: plugins that only watch (metrics), first so they see every operation, refused ones too. */
export function createAvgraphYoga(runtime: Runtime, observers: Plugin[] = []) {
  const { limits } = runtime.config;
  const limiter = runtime.costLimiter;
  return createYoga<ServerContext & YogaInitialContext, LimitedContext>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: graphiqlOptions(EXAMPLE_OPERATION),
    renderGraphiQL: renderOfflineGraphiQL,
    // yoga logs at debug on every request: nothing is built for a level that is off
    logging: {
      debug: (...a) => runtime.log.isLevelEnabled('debug') && requestLog(runtime.log).debug(a.map(String).join(' ')),
      info: (...a) => runtime.log.isLevelEnabled('info') && requestLog(runtime.log).info(a.map(String).join(' ')),
      warn: (...a) => runtime.log.isLevelEnabled('warn') && requestLog(runtime.log).warn(a.map(String).join(' ')),
      error: (...a) => requestLog(runtime.log).error(a.map((x) => (x instanceof Error ? x.message : String(x))).join(' ')),
    },
    maskedErrors: { maskError },
    // Refused by content-length, or once over while streaming (413), before any parsing.
    maxRequestBodySize: limits.maxBodyBytes,
    context: ({ request, caller, req, requestId }) => {
      // graphql-ws connections authenticate once and pass their caller; HTTP requests carry their key.
      const who = caller ?? runtime.access.authenticate(keyFromHeaders((n) => request.headers.get(n)));
      if (!who) throw unauthorized();
      const id = requestId ?? request.headers.get(REQUEST_ID_HEADER) ?? undefined;
      return { ...createContext(runtime, who, id), client: clientOf(runtime.access, who, req?.socket.remoteAddress, !caller) };
    },
    plugins: [
      ...observers,
      useOperationLog(),
      ...(runtime.config.tracing ? useTracing() : []),
      // the persisted document replaces the query before anything else reads it (require mode refuses ad-hoc ones)
      usePersistedDocuments(runtime.config.persistedOperations, loadManifest()),
      // limits first: a refused operation goes no further
      ...shapeLimits(limits),
      useOperationLimits(limits, limiter),
      useReadScope(),
      usePartialErrors(),
      useFreshness(),
      // Queries and mutations compiled once into plain functions (graphql-jit), not interpreted field by field per
      // request. Not subscriptions: graphql-jit 0.8 hands a subscribe function the variables as its arguments.
      useGraphQlJit(
        {},
        {
          enableIf: (a) => getOperationAST(a.document, a.operationName)?.operation !== 'subscription',
          onError: (r) => runtime.log.warn({ errors: r.errors?.map((e) => e.message) }, 'graphql-jit: operation not compiled'),
        },
      ),
      useSharedSubscriptions(runtime.shared, runtime.config.maxSubscriberBufferBytes),
    ],
  });
}
