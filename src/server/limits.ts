import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';

export const QUERY_TOO_COMPLEX = 'QueryTooComplex';

// GraphQL Armor reports a rejection as a plain validation or syntax error; tagging it here
// lets the server answer with the contract's code.
const tag = [(_context: unknown, error: GraphQLError) => Object.assign(error.extensions, { code: QUERY_TOO_COMPLEX })];

/** GraphQL Armor's limits on depth, aliases, directives and tokens, checked before execution. */
export function useQueryLimits(limits: QueryLimits): Plugin[] {
  return [
    maxTokensPlugin({ n: limits.maxTokens, onReject: tag }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, onReject: tag }),
    maxAliasesPlugin({ n: limits.maxAliases, onReject: tag }),
    maxDirectivesPlugin({ n: limits.maxDirectives, onReject: tag }),
  ] as Plugin[];
}
