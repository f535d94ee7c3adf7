import { queryFromInfo } from '@pothos/plugin-prisma';
import { getPrisma } from '../db/prisma.js';
import type { InviteCode as InviteCodeRow } from '../generated/prisma/client.js';
import { ADMIN, createInviteCodes } from '../resolvers/create-invite-codes.js';
import { builder } from './builder.js';
import { unboundedList } from './complexity.js';
import { InviteCode } from './invite-code.js';

const AccountCodes = builder.objectRef<{ account: string; codes: InviteCodeRow[] }>('AccountCodes').implement({
  description: 'com.atproto.server.createInviteCodes#accountCodes: the codes made for one account.',
  fields: (t) => ({
    account: t.exposeString('account', { description: 'The owner DID, or "admin".' }),
    codes: t.field({
      type: [InviteCode],
      description: 'The new codes.',
      complexity: unboundedList,
      resolve: ({ codes }) => codes,
    }),
  }),
});

const IDEMPOTENCY_KEY =
  'Makes retries safe: 1..100 printable characters, remembered for 24 hours. A call repeating a key with the ' +
  'same input ' +
  'creates nothing and returns the codes of the first call (as they are now); the same key with different input, ' +
  'or with the other create mutation, is InvalidRequest. Concurrent calls with one key create once; a call ' +
  'that failed leaves its key unused.';

const CreateInviteCodeInput = builder.inputType('CreateInviteCodeInput', {
  description: 'One new code (server.createInviteCode).',
  fields: (t) => ({
    useCount: t.int({ required: true, description: 'Uses the code allows (becomes `available`), 1..100000.' }),
    forAccount: t.field({ type: 'Did', description: 'The owner; omit it for an "admin" code with no owner.' }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY }),
  }),
});

const CreateInviteCodesInput = builder.inputType('CreateInviteCodesInput', {
  description: 'New codes for several accounts (server.createInviteCodes).',
  fields: (t) => ({
    codeCount: t.int({ defaultValue: 1, description: 'Codes per account, 1..1000.' }),
    useCount: t.int({ required: true, description: 'Uses each code allows (becomes `available`), 1..100000.' }),
    forAccounts: t.field({
      type: ['Did'],
      description:
        'Owners, at most 1000 distinct DIDs; omitted means ["admin"], [] creates nothing. At most 10000 codes ' +
        'per call.',
    }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY }),
  }),
});

builder.mutationField('createInviteCode', (t) =>
  t.prismaField({
    type: InviteCode,
    description: 'com.atproto.server.createInviteCode: one new code, created by "admin".',
    args: { input: t.arg({ type: CreateInviteCodeInput, required: true, description: 'The code to create.' }) },
    resolve: async (query, _root, { input }, { generateCode }) => {
      const [created] = await createInviteCodes(
        getPrisma(),
        {
          codeCount: 1,
          useCount: input.useCount,
          forAccounts: [input.forAccount ?? ADMIN],
          idempotencyKey: input.idempotencyKey,
        },
        { generateCode, selection: query, operation: 'createInviteCode' },
      );
      const [code] = created?.codes ?? [];
      if (!code) throw new Error('the created code cannot be read back');
      return code;
    },
  }),
);

builder.mutationField('createInviteCodes', (t) =>
  t.field({
    type: [AccountCodes],
    description:
      'com.atproto.server.createInviteCodes: `codeCount` new codes per account, in input order, in one transaction.',
    args: { input: t.arg({ type: CreateInviteCodesInput, required: true, description: 'The codes to create.' }) },
    resolve: (_root, { input }, context, info) => {
      // The client's selection under `codes`, built (and its arguments checked) before writing;
      // the codes are read back with it in the same transaction.
      const selection = queryFromInfo({ context, info, path: ['codes'], typeName: 'InviteCode' });
      const forAccounts = input.forAccounts ?? [ADMIN];
      const codeCount = input.codeCount ?? 1;
      const { useCount, idempotencyKey } = input;
      return createInviteCodes(
        getPrisma(),
        { codeCount, useCount, forAccounts, idempotencyKey },
        { generateCode: context.generateCode, selection, operation: 'createInviteCodes' },
      );
    },
  }),
);
