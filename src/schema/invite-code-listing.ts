import { queryFromInfo } from '@pothos/plugin-prisma';
import { getPrisma } from '../db/prisma.js';
import { countInviteCodes } from '../resolvers/count-invite-codes.js';
import { formatInviteCodeCursor, type InviteCodeOrder } from '../resolvers/invite-code-cursor.js';
import { listInviteCodes, readListingArgs, RECENT, type ListInviteCodesArgs } from '../resolvers/list-invite-codes.js';
import { builder } from './builder.js';
import { pageComplexity } from './complexity.js';
import { InviteCode } from './invite-code.js';
import { filterCondition, filterConditionsIn, sqlConnection, sqlTotalCount } from './sql-declarations.js';

const InviteCodeSort = builder.enumType('InviteCodeSort', {
  description: 'Orders of com.atproto.admin.getInviteCodes; both descending, with the code as tie-breaker.',
  values: {
    RECENT: { description: 'Newest first: createdAt desc, code desc. Cursors are "<createdAt epoch ms>::<code>".' },
    USAGE: { description: 'Most used first: usedCount desc, code desc. Cursors are "<usedCount>::<code>".' },
  } as const,
});

// What each value means (key and direction): the Prisma orderBy, the SQL answers' ORDER BY and
// keyset, and the cursor format all come from it. A value without an order does not compile.
const SORT_ORDERS: Record<typeof InviteCodeSort.$inferType, InviteCodeOrder> = {
  RECENT,
  USAGE: { key: 'usedCount', direction: 'desc' },
};

type ListingArgs = Omit<ListInviteCodesArgs, 'sort'> & { sort?: typeof InviteCodeSort.$inferType | null };
const readPage = ({ sort, ...args }: ListingArgs) =>
  readListingArgs({ ...args, sort: sort == null ? null : SORT_ORDERS[sort] });

const InviteCodeFilter = builder.inputType('InviteCodeFilter', {
  description: 'Narrows the admin listing; every field that is set must match.',
  fields: (t) => ({
    forAccount: t.string({
      description: 'Only codes owned by this DID, or by "admin".',
      extensions: filterCondition({ field: 'forAccount', op: 'equals' }),
    }),
    createdBy: t.string({
      description: 'Only codes made by this DID, or by "admin".',
      extensions: filterCondition({ field: 'createdBy', op: 'equals' }),
    }),
    disabled: t.boolean({
      description: 'Only disabled (true) or only enabled (false) codes.',
      extensions: filterCondition({ field: 'disabled', op: 'equals' }),
    }),
    exhausted: t.boolean({
      description: 'true: codes with usedCount >= available; false: codes with uses left.',
      extensions: filterCondition({ compare: ['usedCount', 'gte', 'available'] }),
    }),
    createdAfter: t.field({
      type: 'Datetime',
      description: 'Only codes created at or after this time.',
      extensions: filterCondition({ field: 'createdAt', op: 'gte' }),
    }),
    createdBefore: t.field({
      type: 'Datetime',
      description: 'Only codes created before this time.',
      extensions: filterCondition({ field: 'createdAt', op: 'lt' }),
    }),
  }),
});

const InviteCodeConnection = builder.connectionObject(
  {
    type: InviteCode,
    name: 'InviteCodeConnection',
    description: 'A page of invite codes.',
    fields: (t) => ({
      totalCount: t.int({
        description: 'Size of the whole filtered set, the same on every page.',
        extensions: sqlTotalCount(),
        resolve: (connection) => (connection as unknown as ListingShape).countTotal(),
      }),
    }),
  },
  { name: 'InviteCodeEdge', description: 'An invite code, with its cursor.' },
);

/** What the field resolves to: the connection plus a lazy count, run only when selected. */
interface ListingShape {
  countTotal: () => Promise<number>;
}

builder.queryField('inviteCodes', (t) =>
  t.field({
    type: InviteCodeConnection,
    description:
      'com.atproto.admin.getInviteCodes: all codes, disabled ones included, with keyset pagination. ' +
      '`first` defaults to 100 and must be 1..500; `after` takes the PDS cursor formats.',
    args: {
      sort: t.arg({ type: InviteCodeSort, defaultValue: 'RECENT', description: 'Order of the listing.' }),
      filter: t.arg({ type: InviteCodeFilter, description: 'Optional filters.' }),
      first: t.arg.int({ description: 'Page size, 1..500; 100 when omitted.' }),
      after: t.arg.string({ description: 'endCursor of the previous page.' }),
    },
    complexity: pageComplexity,
    extensions: sqlConnection(InviteCodeFilter.name, readPage),
    resolve: async (_root, args, context, info) => {
      const db = getPrisma();
      const selection = queryFromInfo({ context, info, path: ['edges', 'node'], typeName: 'InviteCode' });
      const listing = readPage(args);
      const { order, filter } = listing;
      const conditions = filterConditionsIn(info.schema, InviteCodeFilter.name);
      const page = await listInviteCodes(db, listing, conditions, selection);
      const edges = page.codes.map((code) => ({ cursor: formatInviteCodeCursor(order, code), node: code }));
      const connection = {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: listing.after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        countTotal: () => countInviteCodes(db, filter, conditions),
      };
      return connection;
    },
  }),
);
