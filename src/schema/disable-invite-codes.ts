import { queryFromInfo } from '@pothos/plugin-prisma';
import { getPrisma } from '../db/prisma.js';
import type { InviteCode as InviteCodeRow } from '../generated/prisma/client.js';
import { disableInviteCodes } from '../resolvers/disable-invite-codes.js';
import { builder } from './builder.js';
import { unboundedList } from './complexity.js';
import { InviteCode } from './invite-code.js';

const DisableInviteCodesPayload = builder.objectRef<{ codes: InviteCodeRow[] }>('DisableInviteCodesPayload').implement({
  description: 'What admin.disableInviteCodes changed.',
  fields: (t) => ({
    disabledCount: t.int({
      description: 'Codes this call changed from enabled to disabled.',
      resolve: ({ codes }) => codes.length,
    }),
    codes: t.field({
      type: [InviteCode],
      description: 'Exactly those codes.',
      complexity: unboundedList,
      resolve: ({ codes }) => codes,
    }),
  }),
});

const DisableInviteCodesInput = builder.inputType('DisableInviteCodesInput', {
  description: 'Codes to disable, by code and by owner. Neither list: nothing happens.',
  fields: (t) => ({
    codes: t.stringList({ description: 'Codes to disable (at most 10000); unknown ones are ignored.' }),
    accounts: t.stringList({
      description: 'Owners whose every code is disabled (at most 1000); unknown ones are ignored; "admin" is refused.',
    }),
  }),
});

builder.mutationField('disableInviteCodes', (t) =>
  t.field({
    type: DisableInviteCodesPayload,
    description: 'com.atproto.admin.disableInviteCodes. Disabling is permanent: there is no re-enable, as on the PDS.',
    args: { input: t.arg({ type: DisableInviteCodesInput, required: true, description: 'What to disable.' }) },
    resolve: async (_root, { input }, context, info) => {
      const selection = queryFromInfo({ context, info, path: ['codes'], typeName: 'InviteCode' });
      return { codes: await disableInviteCodes(getPrisma(), input, selection) };
    },
  }),
);
