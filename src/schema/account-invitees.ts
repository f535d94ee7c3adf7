import { getPrisma } from '../db/prisma.js';
import { countInvitees, inviteeRowsSql, listInvitees } from '../resolvers/account-graph-store.js';
import { inviteeCountSql } from '../resolvers/invite-tree-store.js';
import {
  formatInviteeCursor,
  INVITEE_CURSOR_SQL,
  type InviteePosition,
  readInviteesPage,
} from '../resolvers/invitee-cursor.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../resolvers/list-invite-codes.js';
import { Account, selfScopes } from './account.js';
import { loadBatched } from './batched.js';
import { builder } from './builder.js';
import { pageComplexity } from './complexity.js';
import { sqlKeyedPage } from './sql-declarations.js';

const readPage = (args: { first?: number | null; after?: string | null }) =>
  readInviteesPage(args, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);

/** What `invitees` resolves to: the page, plus a count that runs only when selected. */
interface InviteesShape {
  countTotal: () => Promise<number>;
}

const AccountConnection = builder.connectionObject(
  {
    type: Account,
    name: 'AccountConnection',
    description: 'A page of accounts.',
    fields: (t) => ({
      totalCount: t.int({
        description: 'How many accounts the whole list holds, the same on every page.',
        resolve: (connection) => (connection as unknown as InviteesShape).countTotal(),
      }),
    }),
  },
  { name: 'AccountEdge', description: 'An account, with its cursor.' },
);

builder.objectField(Account, 'invitees', (t) =>
  t.field({
    type: AccountConnection,
    description:
      "Accounts that used this account's codes, newest use first (usedAt desc, usedBy desc). `first` defaults " +
      'to 100 and must be 1..500; cursors are opaque.',
    args: {
      first: t.arg.int({ description: 'Page size, 1..500; 100 when omitted.' }),
      after: t.arg.string({ description: 'endCursor of the previous page.' }),
    },
    authScopes: selfScopes,
    complexity: pageComplexity,
    extensions: sqlKeyedPage({
      page: readPage,
      rows: (key, after, parameter) => inviteeRowsSql(key, after as InviteePosition | undefined, parameter),
      order: 'r.used_at DESC, r.used_by DESC',
      cursor: INVITEE_CURSOR_SQL,
      total: inviteeCountSql,
    }),
    resolve: async ({ did }, args, context, info) => {
      const page = readPage(args);
      const { first, after } = page;
      const rows = (await loadBatched(context, info, page, did, (dids) => listInvitees(getPrisma(), dids, page))) ?? [];
      const edges = rows
        .slice(0, first)
        .map((row) => ({ cursor: formatInviteeCursor(row), node: { did: row.usedBy } }));
      const connection = {
        edges,
        pageInfo: {
          hasNextPage: rows.length > first,
          hasPreviousPage: after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        countTotal: async () =>
          // Batched with the same field of the other accounts of this level.
          (await loadBatched(context, info, 'totalCount', did, (dids) => countInvitees(getPrisma(), dids))) ?? 0,
      };
      return connection;
    },
  }),
);
