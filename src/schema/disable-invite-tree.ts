import { getPrisma } from '../db/prisma.js';
import { disableInviteTree } from '../resolvers/disable-invite-tree.js';
import type { DisabledTree } from '../resolvers/invite-tree-store.js';
import { builder } from './builder.js';

const DisableInviteTreePayload = builder.objectRef<DisabledTree>('DisableInviteTreePayload').implement({
  description: 'What disableInviteTree changed.',
  fields: (t) => ({
    accountCount: t.int({
      description: 'Accounts whose codes were disabled: the descendants, plus the account when included.',
      resolve: ({ accountCount }) => accountCount,
    }),
    disabledCount: t.int({
      description: 'Codes this call changed from enabled to disabled.',
      resolve: ({ codes }) => codes.length,
    }),
  }),
});

const DisableInviteTreeInput = builder.inputType('DisableInviteTreeInput', {
  description: 'The root of the subtree to disable.',
  fields: (t) => ({
    account: t.field({ type: 'Did', required: true, description: 'The account whose descendants are disabled.' }),
    includeAccount: t.boolean({ defaultValue: true, description: "Disable the account's own codes too." }),
  }),
});

builder.mutationField('disableInviteTree', (t) =>
  t.field({
    type: DisableInviteTreePayload,
    description:
      'Disables every enabled code owned by the descendants of an account (the accounts it invited, theirs, ' +
      'and so on) and, unless includeAccount is false, by the account itself: a spam wave is one invite ' +
      'subtree. One transaction and one recursive statement; disabling is permanent.',
    args: { input: t.arg({ type: DisableInviteTreeInput, required: true, description: 'What to disable.' }) },
    resolve: (_root, { input }) => disableInviteTree(getPrisma(), input),
  }),
);
