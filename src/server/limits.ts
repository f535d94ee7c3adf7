import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { QueryLimits } from '../config.js';
import { ErrorCode } from '../errors.js';
import { useBodyLimit } from './body-limit.js';
import { useCostLimit } from './cost-limit.js';

// GraphQL Armor reports a rejection as a plain validation or syntax error; tagging it here
// lets the server answer with the contract's code.
const tag = [
  (_context: unknown, error: GraphQLError) => Object.assign(error.extensions, { code: ErrorCode.QueryTooComplex }),
];

/** GraphQL Armor's limits on depth, aliases, directives and tokens, and our cost limit: all before execution. */
export function useQueryLimits(limits: QueryLimits): Plugin[] {
  return [
    useBodyLimit(limits.maxBodyBytes),
    maxTokensPlugin({ n: limits.maxTokens, onReject: tag }),
    maxDepthPlugin({ n: limits.maxDepth, flattenFragments: true, onReject: tag }),
    maxAliasesPlugin({ n: limits.maxAliases, onReject: tag }),
    maxDirectivesPlugin({ n: limits.maxDirectives, onReject: tag }),
    useCostLimit(limits.maxCost),
  ] as Plugin[];
}
