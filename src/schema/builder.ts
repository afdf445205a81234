import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import type { Context } from '../context.js';
import { defaultComplexity, perId, UPSTREAM } from '../limits/cost.js';

/** The one builder every type file adds to. */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  DefaultFieldNullability: false;
}>({
  defaultFieldNullability: false,
  plugins: [ErrorsPlugin, RelayPlugin, DirectivesPlugin, FederationPlugin, ComplexityPlugin],
  // Prices every field (src/limits/cost.ts); the limits plugin measures and enforces, before execution.
  complexity: { fieldComplexity: defaultComplexity },
  directives: { useGraphQLToolsUnorderedDirectives: true },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // a connection's page size multiplies its items already
    edgesFieldOptions: { nullable: false, complexity: { field: 0, multiplier: 1 } },
    // Federation: Relay's generic names (PageInfo, Query.node/nodes) exist in other Relay-style subgraphs too, so they
    // are @shareable value types/fields rather than owned by avgraph (README "In a supergraph").
    pageInfoTypeOptions: { shareable: true },
    nodeQueryOptions: { complexity: UPSTREAM, shareable: true },
    nodesQueryOptions: { complexity: perId('ids'), shareable: true },
    nodeFieldOptions: { nullable: false },
  },
  errors: {
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName[0]!.toUpperCase()}${fieldName.slice(1)}Result` },
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
