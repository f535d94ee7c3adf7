import { getPrisma } from '../db/prisma.js';
import { ensureIntInRange } from '../resolvers/checks.js';
import { findInviteCode } from '../resolvers/find-invite-code.js';
import { USES_ORDER } from '../resolvers/invite-code-query.js';
import { accountInviteCodeRows, listAccountInviteCodes } from '../resolvers/list-account-invite-codes.js';
import { MAX_PAGE_SIZE } from '../resolvers/list-invite-codes.js';
import { builder } from './builder.js';
import { pageComplexity, unboundedList } from './complexity.js';
import { filterConditionsIn, nodeId, sqlExpression, sqlFallback, sqlList, sqlRelation } from './sql-declarations.js';
import { ensureUsesCursor } from './uses-cursor.js';

/**
 * A code's state and uses are the admin's and its owner's. Another account (one that the code
 * invited) sees only what identifies the code: id, code, forAccount, createdBy, createdAt.
 */
const ownerScopes = (code: { forAccount: string }) => ({ admin: true, owner: code });

export const InviteCode = builder.prismaNode('InviteCode', {
  description:
    'An invite code: com.atproto.server.defs#inviteCode. An account sees its own codes whole; of a code it ' +
    'does not own ' +
    '(the one that invited it) only id, code, forAccount, createdBy and createdAt.',
  id: nodeId('code', 'Relay global id of the code.'),
  // node(id) of an absent object is null, not an error.
  nullable: true,
  fields: (t) => ({
    code: t.exposeString('code', {
      description: 'The code itself (inviteCode.code), e.g. "pds-example-com-abc23-567xy".',
    }),
    available: t.exposeInt('available', {
      description: 'Total number of uses the code allows (inviteCode.available), not what is left: see `remaining`.',
      authScopes: ownerScopes,
    }),
    disabled: t.exposeBoolean('disabled', {
      description:
        'Whether the code was disabled (inviteCode.disabled). Disabled codes cannot be redeemed; disabling is ' +
        'permanent.',
      authScopes: ownerScopes,
    }),
    forAccount: t.exposeString('forAccount', {
      description: 'The owner (inviteCode.forAccount): an account DID, or "admin" for codes with no owner.',
    }),
    createdBy: t.exposeString('createdBy', {
      description: 'Who made the code (inviteCode.createdBy): "admin", or the owner DID for codes the account earned.',
    }),
    createdAt: t.expose('createdAt', {
      type: 'Datetime',
      description: 'When the code was made (inviteCode.createdAt).',
    }),
    uses: t.relation('uses', {
      description:
        'Every use of the code (inviteCode.uses), newest first (usedAt desc, usedBy desc). An account sees ' +
        'the uses of its own codes only.',
      query: { orderBy: USES_ORDER },
      extensions: sqlRelation(USES_ORDER),
      authScopes: ownerScopes,
      complexity: unboundedList,
    }),
    usesConnection: t.relatedConnection(
      'uses',
      {
        description:
          'The uses as a Relay connection, in the order of `uses`. `first` defaults to 100 and must be ' +
          '1..500; cursors are opaque.',
        cursor: 'usedBy',
        authScopes: ownerScopes,
        extensions: sqlFallback('a connection with arguments, paged by Pothos'),
        totalCount: true,
        query: { orderBy: USES_ORDER },
        complexity: pageComplexity,
        // Pothos clamps oversized pages silently; the contract rejects them instead. The plugin
        // calls this before it decodes the cursor, so malformed cursors are refused here too.
        maxSize: ({ first, last, after, before }) => {
          ensureUsesCursor('after', after);
          ensureUsesCursor('before', before);
          if (first != null) ensureIntInRange('first', first, 1, MAX_PAGE_SIZE);
          if (last != null) ensureIntInRange('last', last, 1, MAX_PAGE_SIZE);
          return MAX_PAGE_SIZE;
        },
      },
      {
        name: 'InviteCodeUseConnection',
        description: 'A page of the uses of one invite code.',
        fields: (connection) => ({
          totalCount: connection.int({
            description: 'How many uses the code has, the same on every page.',
            extensions: { pothosPrismaTotalCount: true },
            resolve: (parent) => (parent as unknown as { totalCount: number }).totalCount,
          }),
        }),
      },
      { name: 'InviteCodeUseEdge', description: 'A use of the code, with its cursor.' },
    ),
    usedCount: t.exposeInt('usedCount', {
      description: 'How many times the code was used: the length of `uses`.',
      authScopes: ownerScopes,
    }),
    remaining: t.int({
      description: 'Uses left: max(available - usedCount, 0).',
      authScopes: ownerScopes,
      select: { available: true, usedCount: true, forAccount: true },
      resolve: ({ available, usedCount }) => Math.max(available - usedCount, 0),
      extensions: sqlExpression(
        ['available', 'usedCount'],
        (available, usedCount) => `greatest(${available} - ${usedCount}, 0)`,
      ),
    }),
  }),
});

builder.queryField('inviteCode', (t) =>
  t.prismaField({
    type: InviteCode,
    nullable: true,
    description: 'One invite code by its code string; null when there is no such code.',
    args: { code: t.arg.string({ required: true, description: 'The code, e.g. "pds-example-com-abc23-567xy".' }) },
    resolve: (query, _root, { code }) => findInviteCode(getPrisma(), code, query),
  }),
);

// The account's codes are InviteCodeFilter values (invite-code-listing.ts declares what each key keeps).
const FILTER_TYPE = 'InviteCodeFilter';

builder.queryField('accountInviteCodes', (t) =>
  t.prismaField({
    type: [InviteCode],
    description:
      'com.atproto.server.getAccountInviteCodes: the codes owned by `account`, oldest first. Disabled codes ' +
      'are hidden; ' +
      'with includeUsed: false, used-up codes too. An account may ask for its own codes only.',
    args: {
      account: t.arg({ type: 'Did', required: true, description: 'The owner DID.' }),
      includeUsed: t.arg.boolean({ defaultValue: true, description: 'Include codes whose uses are all taken.' }),
    },
    skipTypeScopes: true,
    authScopes: (_root, { account }) => ({ admin: true, account }),
    complexity: unboundedList,
    extensions: sqlList(FILTER_TYPE, accountInviteCodeRows),
    resolve: (query, _root, args, _context, info) =>
      listAccountInviteCodes(
        getPrisma(),
        accountInviteCodeRows(args),
        filterConditionsIn(info.schema, FILTER_TYPE),
        query,
      ),
  }),
);
