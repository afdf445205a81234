import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitExceeded, type LimitName, type LimitsConfig } from './errors.js';

const clean = (e: GraphQLError) => e.message.replace(/^Syntax Error: /, '');

/** A rule's rejection as an ordinary validation error (throwing from a rule would end a graphql-ws connection). */
function report(limit: LimitName, max: number) {
  return {
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, e: GraphQLError) => ctx?.reportError(limitExceeded(limit, max, clean(e)))],
  };
}

/**
 * Limits on a document's shape, checked while parsing (tokens: the parser stops at the limit) and validating
 * (depth, aliases, directives): a hostile document costs a bounded parse and nothing more.
 */
export function shapeLimits(l: LimitsConfig): Plugin[] {
  return [
    maxTokensPlugin({
      n: l.maxTokens,
      onReject: [
        (_ctx, e) => {
          throw limitExceeded('maxTokens', l.maxTokens, clean(e));
        },
      ],
    }),
    maxDepthPlugin({ n: l.maxDepth, flattenFragments: true, ...report('maxDepth', l.maxDepth) }),
    maxAliasesPlugin({ n: l.maxAliases, ...report('maxAliases', l.maxAliases) }),
    maxDirectivesPlugin({ n: l.maxDirectives, ...report('maxDirectives', l.maxDirectives) }),
  ];
}
