import { createComplexityRule } from '@pothos/plugin-complexity';
import { GraphQLError, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type { Access, Caller } from '../auth.js';
import type { Context } from '../context.js';
import { limitExceeded, rateLimited, type LimitsConfig } from './errors.js';
import type { CostLimiter } from './rate-limit.js';

/** Whom an operation is charged to, and whether it came over HTTP (SSE) or graphql-ws. */
export interface Client {
  /** The API key's name; without keys (open or demo mode), the client's address. */
  key: string;
  overHttp: boolean;
}

export type LimitedContext = Context & { client: Client };

export function clientOf(access: Access, caller: Caller, remoteAddress: string | undefined, overHttp: boolean): Client {
  return { key: access.enabled ? `key:${caller.name}` : `addr:${remoteAddress ?? 'unknown'}`, overHttp };
}

/**
 * The cost of the operation to run, from the field prices of the one builder (src/limits/cost.ts), with the
 * request's variables. Errors: invalid variables or page sizes, reported before anything runs.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  ctx: Context,
): number | readonly GraphQLError[] {
  let cost = 0;
  try {
    const rule = createComplexityRule({ context: ctx, variableValues: variables, operationName, onResult: (r) => void (cost = Math.max(cost, r.complexity)) });
    const errors = validate(schema, document, [rule]);
    return errors.length ? errors : cost;
  } catch (e) {
    if (e instanceof GraphQLError) return [e];
    throw e;
  }
}

/**
 * Before an operation executes or subscribes: its variables' size, its cost, and the caller's cost budget; and over
 * HTTP, the caller's open SSE subscriptions. A refused operation answers at once and sends nothing upstream.
 */
export function useOperationLimits(limits: LimitsConfig, limiter: CostLimiter): Plugin<LimitedContext> {
  const sse = new Map<string, number>();

  async function refusal(a: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: unknown; contextValue: LimitedContext }) {
    const variables = (a.variableValues ?? {}) as Record<string, unknown>;
    const bytes = Buffer.byteLength(JSON.stringify(variables));
    if (bytes > limits.maxVariablesBytes) {
      return [limitExceeded('maxVariablesBytes', limits.maxVariablesBytes, `variables are ${bytes} bytes, over the limit of ${limits.maxVariablesBytes}`, 413)];
    }
    const cost = operationCost(a.schema, a.document, a.operationName, variables, a.contextValue);
    if (typeof cost !== 'number') return cost;
    // `!(<=)` also refuses a cost that overflowed to Infinity or NaN
    if (!(cost <= limits.maxCost)) {
      return [limitExceeded('maxCost', limits.maxCost, `operation cost ${cost} exceeds the limit of ${limits.maxCost}: ask for fewer items per page or fewer upstream fields`, 400, { cost })];
    }
    const retryAfter = await limiter.take(a.contextValue.client.key, cost);
    return retryAfter === null ? null : [rateLimited(retryAfter)];
  }

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const errors = await refusal(args);
      if (errors) setResultAndStopExecution({ errors });
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const { key, overHttp } = args.contextValue.client;
      if (overHttp && (sse.get(key) ?? 0) >= limits.maxSseSubscriptionsPerKey) {
        const max = limits.maxSseSubscriptionsPerKey;
        return setResultAndStopExecution({ errors: [limitExceeded('maxSseSubscriptionsPerKey', max, `this API key already has ${max} subscriptions open over HTTP`, 429)] });
      }
      // the slot is taken before anything is awaited, so a burst of subscribes cannot all pass the check
      if (overHttp) sse.set(key, (sse.get(key) ?? 0) + 1);
      let released = !overHttp;
      const release = () => {
        if (released) return;
        released = true;
        const n = (sse.get(key) ?? 1) - 1;
        if (n > 0) sse.set(key, n);
        else sse.delete(key);
      };
      const errors = await refusal(args);
      if (errors) {
        release();
        return setResultAndStopExecution({ errors });
      }
      if (!overHttp) return;
      return {
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return release();
          return { onEnd: release };
        },
        onSubscribeError: release,
      };
    },
  };
}
