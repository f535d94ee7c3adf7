import { getPrisma } from '../db/prisma.js';
import {
  ACCOUNT_CODES_ORDER,
  accountCodesFilter,
  countInvitees,
  findInviters,
  findUsesOfInvitees,
  listCodesOfAccounts,
} from '../resolvers/account-graph-store.js';
import { ADMIN } from '../resolvers/create-invite-codes.js';
import { countDescendants, descendantCountSql, inviteeCountSql, inviterSql } from '../resolvers/invite-tree-store.js';
import { loadBatched } from './batched.js';
import { builder } from './builder.js';
import { unboundedList } from './complexity.js';
import { InviteCode } from './invite-code.js';
import { InviteCodeUse } from './invite-code-use.js';
import {
  filterConditionsIn,
  nodeId,
  sqlExpression,
  sqlFallback,
  sqlKeyedBy,
  sqlKeyedObject,
  sqlKeyedRoot,
  sqlKeyedType,
  sqlOwnedList,
} from './sql-declarations.js';

// An account's codes are InviteCodeFilter values (invite-code-listing.ts declares what each key keeps).
const FILTER_TYPE = 'InviteCodeFilter';

/** An account is a DID seen through the codes it owns and the uses that name it: no table. */
export interface AccountShape {
  did: string;
}

/** Beyond id and did, an account is the admin's and its own. */
export const selfScopes = (account: AccountShape) => ({ admin: true, self: account });

const AccountRef = builder.objectRef<AccountShape>('Account');

export const Account = builder.node(AccountRef, {
  description:
    'An account of the invite graph: a DID, with the codes it owns and the accounts it invited. Accounts are ' +
    'not stored; any DID is one. An account sees itself whole; of another account (its inviter, its invitees) ' +
    'only id and did.',
  id: { ...nodeId('did', 'Relay global id of the account.'), resolve: ({ did }) => did },
  loadOne: (did) => ({ did }),
  extensions: sqlKeyedType('did'),
  fields: (t) => ({
    did: t.expose('did', { type: 'Did', description: 'The account DID.' }),
    inviteCodes: t.prismaField({
      type: [InviteCode],
      description: 'Codes whose forAccount is this DID, oldest first (createdAt, code).',
      args: {
        includeUsed: t.arg.boolean({ defaultValue: true, description: 'Include codes whose uses are all taken.' }),
        includeDisabled: t.arg.boolean({ defaultValue: false, description: 'Include disabled codes.' }),
      },
      authScopes: selfScopes,
      complexity: unboundedList,
      extensions: sqlOwnedList({
        model: 'InviteCode',
        field: 'forAccount',
        orderBy: ACCOUNT_CODES_ORDER,
        filterType: FILTER_TYPE,
        filter: accountCodesFilter,
      }),
      resolve: async (query, { did }, args, context, info) => {
        const selection = { ...query };
        const filter = accountCodesFilter(args);
        const conditions = filterConditionsIn(info.schema, FILTER_TYPE);
        const codes = await loadBatched(context, info, filter, did, (dids) =>
          listCodesOfAccounts(getPrisma(), dids, filter, conditions, selection),
        );
        return codes ?? [];
      },
    }),
    invitedBy: t.prismaField({
      type: InviteCodeUse,
      nullable: true,
      description: 'The use that invited this DID; null when none.',
      authScopes: selfScopes,
      extensions: sqlFallback('a to-one relation: Pothos loads it'),
      resolve: async (query, { did }, _args, context, info) => {
        const selection = { ...query };
        const use = await loadBatched(context, info, {}, did, (dids) =>
          findUsesOfInvitees(getPrisma(), dids, selection),
        );
        return use ?? null;
      },
    }),
    inviter: t.field({
      type: AccountRef,
      nullable: true,
      description: "Owner of the code that invited this DID; null when not invited or the code is admin's.",
      authScopes: selfScopes,
      extensions: sqlKeyedBy(['did'], inviterSql),
      resolve: async ({ did }, _args, context, info) => {
        const inviter = await loadBatched(context, info, {}, did, (dids) => findInviters(getPrisma(), dids));
        return inviter === undefined ? null : { did: inviter };
      },
    }),
    inviteeCount: t.int({
      description: "Accounts that used this account's codes: invitees' totalCount.",
      authScopes: selfScopes,
      extensions: sqlExpression(['did'], inviteeCountSql),
      resolve: async ({ did }, _args, context, info) =>
        (await loadBatched(context, info, {}, did, (dids) => countInvitees(getPrisma(), dids))) ?? 0,
    }),
    descendantCount: t.int({
      description:
        'Accounts reachable below this one (its invitees, theirs, and so on), each counted once, itself never; ' +
        'one recursive statement.',
      authScopes: selfScopes,
      extensions: sqlExpression(['did'], descendantCountSql),
      resolve: async ({ did }, _args, context, info) =>
        (await loadBatched(context, info, {}, did, (dids) => countDescendants(getPrisma(), dids))) ?? 0,
    }),
  }),
});

builder.prismaObjectField(InviteCode, 'owner', (t) =>
  t.field({
    type: Account,
    nullable: true,
    description: 'The owner as an account (forAccount); null when forAccount is "admin".',
    authScopes: (code) => ({ admin: true, owner: code }),
    select: { forAccount: true },
    extensions: sqlKeyedObject('forAccount', ADMIN),
    resolve: ({ forAccount }) => (forAccount === ADMIN ? null : { did: forAccount }),
  }),
);

builder.prismaObjectField(InviteCodeUse, 'account', (t) =>
  t.field({
    type: Account,
    description: 'The invited account (usedBy).',
    select: { usedBy: true },
    extensions: sqlKeyedObject('usedBy'),
    resolve: ({ usedBy }) => ({ did: usedBy }),
  }),
);

builder.queryField('account', (t) =>
  t.field({
    type: Account,
    description:
      'Any DID as an account of the invite graph (one with no codes and no invitation has empty lists and ' +
      'zero counts). An account may ask for itself only.',
    args: { did: t.arg({ type: 'Did', required: true, description: 'The account DID.' }) },
    skipTypeScopes: true,
    authScopes: (_root, { did }) => ({ admin: true, account: did }),
    extensions: sqlKeyedRoot(({ did }: { did: string }) => did),
    resolve: (_root, { did }) => ({ did }),
  }),
);
