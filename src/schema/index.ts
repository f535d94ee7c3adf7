import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './invite-code.js';
import './invite-code-use.js';
import './invite-code-listing.js';
import './create-invite-codes.js';
import './disable-invite-codes.js';
import './account.js';
import './account-invitees.js';
import './disable-invite-tree.js';
import './invite-code-event.js';

builder.queryType({
  description:
    'Invite codes of an AT Protocol PDS (com.atproto.server.defs#inviteCode). Admin only, except where a ' +
    'field says so.',
  authScopes: { admin: true },
});

builder.mutationType({
  description:
    'Issue, disable and redeem codes, with the PDS semantics. Admin only; every mutation is one transaction.',
  authScopes: { admin: true },
});

/** The GraphQL schema, with types and fields in a stable order for the printed SDL. */
export const schema: GraphQLSchema = lexicographicSortSchema(builder.toSchema());
