import { getPrisma } from '../db/prisma.js';
import { findInviteCodeUse } from '../resolvers/find-invite-code-use.js';
import { redeemInviteCode } from '../resolvers/redeem-invite-code.js';
import { builder } from './builder.js';
import { nodeId, sqlFallback } from './sql-declarations.js';

export const InviteCodeUse = builder.prismaNode('InviteCodeUse', {
  description: 'One use of an invite code: com.atproto.server.defs#inviteCodeUse.',
  // A DID is invited once, so the DID identifies the use.
  id: nodeId('usedBy', 'Relay global id of the use.'),
  // node(id) of an absent object is null, not an error.
  nullable: true,
  fields: (t) => ({
    usedBy: t.expose('usedBy', {
      type: 'Did',
      description: 'The DID of the account the code invited (inviteCodeUse.usedBy).',
    }),
    usedAt: t.expose('usedAt', { type: 'Datetime', description: 'When the code was used (inviteCodeUse.usedAt).' }),
    inviteCode: t.relation('inviteCode', {
      description: 'The code that was used.',
      extensions: sqlFallback('a to-one relation back to the code: Pothos loads it'),
    }),
  }),
});

builder.queryField('invitedBy', (t) =>
  t.prismaField({
    type: InviteCodeUse,
    nullable: true,
    description:
      'admin.getAccountInfo#invitedBy: the use by which `account` was invited, or null. An account may ask ' +
      'about itself only.',
    args: { account: t.arg({ type: 'Did', required: true, description: 'The invited DID.' }) },
    skipTypeScopes: true,
    authScopes: (_root, { account }) => ({ admin: true, account }),
    resolve: (query, _root, { account }) => findInviteCodeUse(getPrisma(), account, query),
  }),
);

const RedeemInviteCodeInput = builder.inputType('RedeemInviteCodeInput', {
  description: 'A use of a code by a new account.',
  fields: (t) => ({
    code: t.string({ required: true, description: 'The code to redeem.' }),
    usedBy: t.field({ type: 'Did', required: true, description: 'The DID of the account being invited.' }),
  }),
});

builder.mutationField('redeemInviteCode', (t) =>
  t.prismaField({
    type: InviteCodeUse,
    description:
      'The invite step of com.atproto.server.createAccount: records one use. Refusals are InvalidInviteCode with ' +
      'extensions.reason NOT_FOUND, DISABLED, ALREADY_USED (this DID was already invited) or EXHAUSTED, ' +
      'checked in that order.',
    args: {
      input: t.arg({ type: RedeemInviteCodeInput, required: true, description: 'The code and the new account.' }),
    },
    resolve: (query, _root, { input }) => redeemInviteCode(getPrisma(), input, { selection: query }),
  }),
);
