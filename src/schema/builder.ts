import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type { Caller } from '../auth/credentials.js';
import type { GraphQLContext } from '../context.js';
import { getPrisma } from '../db/prisma.js';
import type PrismaTypes from '../generated/pothos-prisma-types.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/list-invite-codes.js';
import { UNBOUNDED_LIST_ITEMS } from './complexity.js';
import { decodeNodeId } from './node-id.js';
import { ErrorCode } from '../errors.js';

export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  AuthScopes: {
    /** HTTP Basic admin:<ADMIN_PASSWORD>. */
    admin: boolean;
    /** An account access token whose subject is this DID. */
    account: string;
    /** An account access token whose subject owns this code (read lazily, so the admin never needs it). */
    owner: { forAccount: string };
    /** An account access token whose subject is this account (read lazily, like owner). */
    self: { did: string };
  };
  Scalars: {
    Did: { Input: string; Output: string };
    Datetime: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: ({ caller }) => ({
      admin: caller.kind === 'admin',
      account: (did: string) => caller.kind === 'account' && caller.did === did,
      owner: (code: { forAccount: string }) => caller.kind === 'account' && caller.did === code.forAccount,
      self: (account: { did: string }) => caller.kind === 'account' && caller.did === account.did,
    }),
    unauthorizedError: (_parent, { caller }) => refusalFor(caller),
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: UNBOUNDED_LIST_ITEMS,
    // Checked by server/cost-limit.ts before execution, which the SQL answers of listings skip.
    disabled: true,
  },
  prisma: {
    client: () => getPrisma(),
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    // A resolver that forgets to spread `query` loads relations one parent at a time (N+1).
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: {
      description: 'An object with a Relay global id: an InviteCode, an InviteCodeUse or an Account.',
    },
    pageInfoTypeOptions: { description: 'Where a page of a connection stands.' },
    // The connection field multiplies by its page size (complexity.ts), not its edges.
    edgesFieldOptions: {
      nullable: false,
      description: 'The items of this page, in order.',
      complexity: { field: 1, multiplier: 1 },
    },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: { description: 'Pass it as `after` to get the items that follow this one.' },
    pageInfoFieldOptions: { description: 'Where this page stands.' },
    hasNextPageFieldOptions: { description: 'Whether more items follow this page (exact).' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page (true whenever `after` was given).' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page; null for an empty page.' },
    endCursorFieldOptions: {
      description: 'Cursor of the last item of the page; pass it as `after` for the next page.',
    },
    firstArgOptions: { description: 'Page size, 1..500; 100 when omitted.' },
    afterArgOptions: { description: 'endCursor of the previous page.' },
    lastArgOptions: { description: 'Page size counted from the end, 1..500.' },
    beforeArgOptions: { description: 'startCursor of the following page, to page backwards.' },
    defaultEdgeTypeOptions: { description: 'An item of a connection, with its cursor.' },
    decodeGlobalID: decodeNodeId,
    nodesQueryOptions: false,
    nodeQueryOptions: {
      description: 'Any InviteCode, InviteCodeUse or Account by its global id; null when there is none.',
      args: { id: { description: 'A global id, as returned in `id`.' } },
      authScopes: { admin: true },
    },
  },
});

/** The error for a caller that a scope refused: AuthRequired without (valid) credentials, else Forbidden. */
export function refusalFor(caller: Caller): GraphQLError {
  if (caller.kind === 'anonymous') {
    return new GraphQLError(
      'Authentication required: send "Authorization: Basic <base64 of admin:password>" as the admin, ' +
        'or "Authorization: Bearer <access token>" as an account',
      { extensions: { code: ErrorCode.AuthRequired } },
    );
  }
  if (caller.kind === 'invalid') {
    return new GraphQLError(`Invalid credentials: ${caller.reason}`, { extensions: { code: ErrorCode.AuthRequired } });
  }
  return new GraphQLError('Not allowed for these credentials', { extensions: { code: ErrorCode.Forbidden } });
}
