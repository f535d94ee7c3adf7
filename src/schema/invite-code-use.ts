import { getPrisma } from '../db/prisma.js';
import { findInvitedBy } from '../resolvers/find-invited-by.js';
import { builder } from './builder.js';

export const InviteCodeUse = builder.prismaNode('InviteCodeUse', {
  description: 'One use of an invite code: com.atproto.server.defs#inviteCodeUse.',
  // A DID is invited once, so the DID identifies the use.
  id: { field: 'usedBy', description: 'Relay global id of the use.' },
  fields: (t) => ({
    usedBy: t.expose('usedBy', { type: 'Did', description: 'The DID of the account the code invited (inviteCodeUse.usedBy).' }),
    usedAt: t.expose('usedAt', { type: 'Datetime', description: 'When the code was used (inviteCodeUse.usedAt).' }),
    inviteCode: t.relation('inviteCode', { description: 'The code that was used.' }),
  }),
});

builder.queryField('invitedBy', (t) =>
  t.prismaField({
    type: InviteCodeUse,
    nullable: true,
    description: 'admin.getAccountInfo#invitedBy: the use by which `account` was invited, or null. An account may ask about itself only.',
    args: { account: t.arg({ type: 'Did', required: true, description: 'The invited DID.' }) },
    skipTypeScopes: true,
    authScopes: (_root, { account }) => ({ admin: true, account }),
    resolve: (query, _root, { account }) => findInvitedBy(getPrisma(), account, query),
  }),
);
