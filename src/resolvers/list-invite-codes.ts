import type { Db } from '../db/prisma.js';
import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import { ensureIntInRange } from './checks.js';
import { orderByOf, parseInviteCodeCursor, type CursorPosition, type InviteCodeOrder } from './invite-code-cursor.js';
import {
  inviteCodeWhere,
  type FilterConditions,
  type InviteCodeFilter,
  type InviteCodeSelection,
} from './invite-code-query.js';

/** The listing's arguments as the client sent them (the sort already as its order). */
export interface ListInviteCodesArgs {
  sort?: InviteCodeOrder | null;
  filter?: InviteCodeFilter | null;
  first?: number | null;
  after?: string | null;
}

/** The listing's arguments, checked and with their defaults. */
export interface ListingPage {
  order: InviteCodeOrder;
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

/** Newest first: the order when `sort` is omitted (the schema's RECENT is this object). */
export const RECENT: InviteCodeOrder = { key: 'createdAt', direction: 'desc' };

/** Checks the listing's arguments (both ways of answering it use this); throws InvalidRequestError. */
export function readListingArgs({ sort, filter, first, after }: ListInviteCodesArgs): ListingPage {
  const order = sort ?? RECENT;
  return {
    order,
    filter: filter ?? {},
    first: ensureIntInRange('first', first ?? DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
    // As on the PDS, an empty cursor asks for the first page.
    after: after == null || after === '' ? undefined : parseInviteCodeCursor(order, after),
  };
}

/**
 * One page of com.atproto.admin.getInviteCodes: keyset pagination. A page after a cursor reads
 * the rest of the cursor's tie group (same createdAt or use count, code further on) and then,
 * if the page is not full, the rows beyond it: both are index range scans, so a deep page costs
 * as much as the first, however many codes share a use count.
 */
export async function listInviteCodes(
  db: Db,
  page: ListingPage,
  conditions: FilterConditions,
  selection: InviteCodeSelection,
): Promise<InviteCodePage> {
  const { first, after: position, order } = page;
  const where = inviteCodeWhere(db, page.filter, conditions);
  const read = (bound: Prisma.InviteCodeWhereInput | undefined, take: number) =>
    db.inviteCode.findMany({
      ...selection,
      where: bound ? { AND: [where, bound] } : where,
      orderBy: orderByOf(order),
      take,
    });

  let rows = await read(position && sameKeyAfter(order, position), first + 1);
  if (position && rows.length <= first)
    rows = [...rows, ...(await read(beyondKey(order, position), first + 1 - rows.length))];
  return { codes: rows.slice(0, first), hasNextPage: rows.length > first };
}

const beyond = ({ direction }: InviteCodeOrder) => (direction === 'desc' ? 'lt' : 'gt');

function sameKeyAfter(order: InviteCodeOrder, position: CursorPosition): Prisma.InviteCodeWhereInput {
  return { [order.key]: position.key, code: { [beyond(order)]: position.code } };
}

function beyondKey(order: InviteCodeOrder, position: CursorPosition): Prisma.InviteCodeWhereInput {
  return { [order.key]: { [beyond(order)]: position.key } };
}
