import { resolveArrayConnection } from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';

export const MAX_PAGE = 500;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Items a page holds when neither first nor last is given. */
export const DEFAULT_PAGE = 100;

/** The items a page asks for, checked against the bounds (also used to price a connection before it runs). */
export function pageSize(args: PageArgs): number {
  for (const k of ['first', 'last'] as const) {
    const n = args[k];
    if (n !== undefined && n !== null && (n < 0 || n > MAX_PAGE)) {
      throw new GraphQLError(`${k} must be between 0 and ${MAX_PAGE}`, { extensions: { code: 'BAD_USER_INPUT', field: k } });
    }
  }
  return args.first ?? args.last ?? DEFAULT_PAGE;
}

/**
 * A Relay page of an in-memory list, plus its total; page sizes are bounded. The relay helper has bounds of
 * its own (20 by default, at most 100): ours are passed so a page of MAX_PAGE is not cut to 100.
 */
export function paginate<T>(args: PageArgs, items: T[]) {
  pageSize(args);
  const page = resolveArrayConnection({ args, defaultSize: DEFAULT_PAGE, maxSize: MAX_PAGE }, items);
  return { ...page, totalCount: items.length };
}
