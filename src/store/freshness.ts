import { DirectiveLocation, getDirectiveValues, getOperationAST, GraphQLDirective, GraphQLInt, GraphQLNonNull, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';

/** `query @fresh { ... }` reads upstream now; `@fresh(maxAgeMs: 1000)` accepts state up to a second old. */
export const FreshDirective = new GraphQLDirective({
  name: 'fresh',
  description:
    'How old a device state this query accepts, in ms (default 0: read the vendor now; concurrent reads still share one upstream call). Without it, each source answers within its configured maxAgeMs; Device.observedAt tells when a state was read.',
  locations: [DirectiveLocation.QUERY],
  args: { maxAgeMs: { type: new GraphQLNonNull(GraphQLInt), defaultValue: 0 } },
});

export function withFreshDirective(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...config.directives, FreshDirective] });
}

/** Sets the request's freshness from the operation's @fresh before it executes. */
export function useFreshness(): Plugin<Context> {
  return {
    onExecute({ args }) {
      const op = getOperationAST(args.document, args.operationName);
      if (!op?.directives?.length) return;
      const fresh = getDirectiveValues(FreshDirective, op, args.variableValues ?? undefined);
      if (fresh) args.contextValue.freshness.maxAgeMs = Math.max(0, fresh.maxAgeMs as number);
    },
  };
}
