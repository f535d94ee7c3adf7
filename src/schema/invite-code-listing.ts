import { queryFromInfo } from '@pothos/plugin-prisma';
import { getPrisma } from '../db/prisma.js';
import { countInviteCodes } from '../resolvers/count-invite-codes.js';
import { formatInviteCodeCursor } from '../resolvers/invite-code-cursor.js';
import { listInviteCodes, readListingArgs } from '../resolvers/list-invite-codes.js';
import { builder } from './builder.js';
import { pageComplexity } from './complexity.js';
import { InviteCode } from './invite-code.js';

const InviteCodeSort = builder.enumType('InviteCodeSort', {
  description: 'Orders of com.atproto.admin.getInviteCodes; both descending, with the code as tie-breaker.',
  values: {
    RECENT: { description: 'Newest first: createdAt desc, code desc. Cursors are "<createdAt epoch ms>::<code>".' },
    USAGE: { description: 'Most used first: usedCount desc, code desc. Cursors are "<usedCount>::<code>".' },
  } as const,
});

const InviteCodeFilter = builder.inputType('InviteCodeFilter', {
  description: 'Narrows the admin listing; every field that is set must match.',
  fields: (t) => ({
    forAccount: t.string({ description: 'Only codes owned by this DID, or by "admin".' }),
    createdBy: t.string({ description: 'Only codes made by this DID, or by "admin".' }),
    disabled: t.boolean({ description: 'Only disabled (true) or only enabled (false) codes.' }),
    exhausted: t.boolean({ description: 'true: codes with usedCount >= available; false: codes with uses left.' }),
    createdAfter: t.field({ type: 'Datetime', description: 'Only codes created at or after this time.' }),
    createdBefore: t.field({ type: 'Datetime', description: 'Only codes created before this time.' }),
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
    resolve: async (_root, args, context, info) => {
      const db = getPrisma();
      const selection = queryFromInfo({ context, info, path: ['edges', 'node'], typeName: 'InviteCode' });
      const listing = readListingArgs(args);
      const { sort, filter } = listing;
      const page = await listInviteCodes(db, listing, selection);
      const edges = page.codes.map((code) => ({ cursor: formatInviteCodeCursor(sort, code), node: code }));
      const connection = {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: listing.after !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        countTotal: () => countInviteCodes(db, filter),
      };
      return connection;
    },
  }),
);
