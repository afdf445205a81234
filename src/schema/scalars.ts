import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

function parseDate(value: unknown): Date {
  if (typeof value !== 'string') throw new GraphQLError('DateTime must be an ISO-8601 string');
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new GraphQLError(`"${value}" is not an ISO-8601 date-time`);
  return d;
}

/**
 * ISO strings by instant, process-wide: dashboards serialise the same instants (last seen, snapshot times) on
 * every request, and a lookup costs a twentieth of toISOString. A full map starts over: O(1), where evicting
 * one by one from a Map's front is not.
 */
const isoByTime = new Map<number, string>();
const MAX_ISO = 10_000;

function iso(d: Date): string {
  const t = d.getTime();
  let s = isoByTime.get(t);
  if (s === undefined) {
    s = d.toISOString();
    if (isoByTime.size >= MAX_ISO) isoByTime.clear();
    isoByTime.set(t, s);
  }
  return s;
}

builder.scalarType('DateTime', {
  description: 'ISO-8601 string, UTC',
  serialize: (v) => iso(v instanceof Date ? v : new Date(v as string)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('JSON', {
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: () => {
    throw new GraphQLError('JSON literals are not accepted; pass JSON as a variable');
  },
});
