import type { Db } from '../db/prisma.js';
import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import { ensureIntInRange } from './errors.js';
import { parseInviteCodeCursor, type CursorPosition, type InviteCodeSort } from './invite-code-cursor.js';
import { inviteCodeWhere, type InviteCodeFilter, type InviteCodeSelection } from './invite-code-query.js';

export interface ListInviteCodesArgs {
  sort: InviteCodeSort;
  filter?: InviteCodeFilter | null;
  first: number;
  after?: string | null;
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

/** One page of com.atproto.admin.getInviteCodes: keyset pagination, always descending. */
export async function listInviteCodes(db: Db, args: ListInviteCodesArgs, selection: InviteCodeSelection): Promise<InviteCodePage> {
  const first = ensureIntInRange('first', args.first, 1, MAX_PAGE_SIZE);
  const position = args.after == null ? undefined : parseInviteCodeCursor(args.sort, args.after);
  const where = inviteCodeWhere(db, args.filter ?? {});
  const rows = await db.inviteCode.findMany({
    ...selection,
    where: position ? { AND: [where, after(position)] } : where,
    orderBy: ORDER[args.sort],
    take: first + 1,
  });
  return { codes: rows.slice(0, first), hasNextPage: rows.length > first };
}

// `primary <= p AND (primary < p OR code < c)` rather than `primary < p OR (...)`: the first
// conjunct bounds the index scan, so a deep cursor costs as much as the first page.
function after(position: CursorPosition): Prisma.InviteCodeWhereInput {
  const { code } = position;
  if (position.sort === 'RECENT') {
    const { createdAt } = position;
    return { createdAt: { lte: createdAt }, OR: [{ createdAt: { lt: createdAt } }, { code: { lt: code } }] };
  }
  const { usedCount } = position;
  return { usedCount: { lte: usedCount }, OR: [{ usedCount: { lt: usedCount } }, { code: { lt: code } }] };
}
