import type { Db } from '../db/prisma.js';
import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import { ensureIntInRange } from './errors.js';
import { parseInviteCodeCursor, type CursorPosition, type InviteCodeSort } from './invite-code-cursor.js';
import { checkInviteCodeFilter, inviteCodeWhere, type InviteCodeFilter, type InviteCodeSelection } from './invite-code-query.js';

/** The listing's arguments as the client sent them. */
export interface ListInviteCodesArgs {
  sort?: InviteCodeSort | null;
  filter?: InviteCodeFilter | null;
  first?: number | null;
  after?: string | null;
}

/** The listing's arguments, checked and with their defaults. */
export interface ListingPage {
  sort: InviteCodeSort;
  filter: InviteCodeFilter;
  first: number;
  after?: CursorPosition;
}

export interface InviteCodePage {
  codes: InviteCode[];
  hasNextPage: boolean;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

const ORDER: Record<InviteCodeSort, Prisma.InviteCodeOrderByWithRelationInput[]> = {
  RECENT: [{ createdAt: 'desc' }, { code: 'desc' }],
  USAGE: [{ usedCount: 'desc' }, { code: 'desc' }],
};

/** Checks the listing's arguments (both ways of answering it use this); throws InvalidRequestError. */
export function readListingArgs({ sort, filter, first, after }: ListInviteCodesArgs): ListingPage {
  const order = sort ?? 'RECENT';
  return {
    sort: order,
    filter: checkInviteCodeFilter(filter ?? {}),
    first: ensureIntInRange('first', first ?? DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    // As on the PDS, an empty cursor asks for the first page.
    after: after == null || after === '' ? undefined : parseInviteCodeCursor(order, after),
  };
}

/**
 * One page of com.atproto.admin.getInviteCodes: keyset pagination, always descending. A page
 * after a cursor reads the rest of the cursor's tie group (same createdAt or use count, smaller
 * code) and then, if the page is not full, the rows below it: both are index range scans, so a
 * deep page costs as much as the first, however many codes share a use count.
 */
export async function listInviteCodes(db: Db, page: ListingPage, selection: InviteCodeSelection): Promise<InviteCodePage> {
  const { first, after: position } = page;
  const where = inviteCodeWhere(db, page.filter);
  const read = (bound: Prisma.InviteCodeWhereInput | undefined, take: number) =>
    db.inviteCode.findMany({ ...selection, where: bound ? { AND: [where, bound] } : where, orderBy: ORDER[page.sort], take });

  let rows = await read(position && sameKeyAfter(position), first + 1);
  if (position && rows.length <= first) rows = [...rows, ...(await read(belowKey(position), first + 1 - rows.length))];
  return { codes: rows.slice(0, first), hasNextPage: rows.length > first };
}

function sameKeyAfter(position: CursorPosition): Prisma.InviteCodeWhereInput {
  const code = { lt: position.code };
  return position.sort === 'RECENT' ? { createdAt: position.createdAt, code } : { usedCount: position.usedCount, code };
}

function belowKey(position: CursorPosition): Prisma.InviteCodeWhereInput {
  return position.sort === 'RECENT' ? { createdAt: { lt: position.createdAt } } : { usedCount: { lt: position.usedCount } };
}
