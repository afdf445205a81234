import type { FieldComplexityValue } from '@pothos/plugin-complexity';
import { getNamedType, getNullableType, isLeafType, isListType, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { pageSize, type PageArgs } from '../schema/connection.js';

/**
 * The cost model (@pothos/plugin-complexity): an upstream call costs UPSTREAM, an object resolved from memory 1,
 * a scalar 0. A field's sub-selection is multiplied by how many items it yields: the page asked for, the ids
 * given, or LIST_SIZE for a device's own short lists. Costs come from the query's shape and arguments only.
 */
export const UPSTREAM = 100;
/** Items assumed in an in-memory list (a device's streams, storage volumes, shares). */
export const LIST_SIZE = 5;
/** Devices a recordings query over the whole fleet is priced for: it reads each device's recordings. */
export const FLEET_GUESS = 50;

/** Every field without its own price: objects 1, scalars and enums 0; lists multiply by LIST_SIZE. */
export function defaultComplexity(_args: object, _ctx: Context, field: GraphQLField<unknown, Context>): FieldComplexityValue {
  return {
    field: isLeafType(getNamedType(field.type)) ? 0 : 1,
    multiplier: isListType(getNullableType(field.type)) ? LIST_SIZE : 1,
  };
}

/** The capabilities whose reads go upstream; a source without one answers those fields from memory. */
type OptionalRead = 'shares' | 'snapshots';

/** One upstream call per parent where a configured source has the capability `read`; otherwise an object from memory. */
function callIfAny(ctx: Context, read: OptionalRead): number {
  for (const s of ctx.runtime.sources.values()) if (s[read]) return UPSTREAM;
  return 1;
}

/** A field that reads upstream through an optional source capability, once per parent. */
export const optionalRead =
  (read: OptionalRead, multiplier = 1) =>
  (_args: object, ctx: Context): FieldComplexityValue => ({ field: callIfAny(ctx, read), multiplier });

/** A connection: `base` once, its items times the page size asked for. Out-of-bounds sizes are refused here, before any call. */
export const connectionCost =
  (base: number | ((ctx: Context) => number) = UPSTREAM) =>
  (args: PageArgs, ctx: Context): FieldComplexityValue => ({ field: typeof base === 'number' ? base : base(ctx), multiplier: pageSize(args) });

/** A snapshot archive page: one upstream call where a source keeps an archive. */
export const snapshotsCost = connectionCost((ctx) => callIfAny(ctx, 'snapshots'));

/** Lookups by a list of ids (nodes, _entities): one upstream call per id, each result priced. */
export const perId =
  (argName: string) =>
  (args: Record<string, unknown>): FieldComplexityValue => {
    const n = Array.isArray(args[argName]) ? (args[argName] as unknown[]).length : 0;
    return { field: UPSTREAM * n, multiplier: n };
  };

/** The federation `_entities` field is added after Pothos builds the schema, so it is priced here. */
export function priceEntities(schema: GraphQLSchema): GraphQLSchema {
  const entities = schema.getQueryType()?.getFields()._entities;
  if (entities) entities.extensions = { ...entities.extensions, complexity: perId('representations') };
  return schema;
}
