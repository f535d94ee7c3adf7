import type { Db } from '../db/prisma.js';
import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import {
  inviteCodeWhere,
  type FilterConditions,
  type InviteCodeFilter,
  type InviteCodeSelection,
} from './invite-code-query.js';

export interface ListAccountInviteCodesArgs {
  account: string;
  includeUsed?: boolean | null;
}

/** Which rows, in which order: as InviteCodeFilter values, so that both ways of answering share them. */
export interface AccountInviteCodeRows {
  filter: InviteCodeFilter;
  orderBy: Prisma.InviteCodeOrderByWithRelationInput[];
}

/**
 * com.atproto.server.getAccountInviteCodes: the account's codes, oldest first (the code breaks
 * ties), without disabled ones; without used-up ones too when includeUsed is false.
 */
export function accountInviteCodeRows({ account, includeUsed }: ListAccountInviteCodesArgs): AccountInviteCodeRows {
  return {
    filter: { forAccount: account, disabled: false, exhausted: (includeUsed ?? true) ? null : false },
    orderBy: [{ createdAt: 'asc' }, { code: 'asc' }],
  };
}

export function listAccountInviteCodes(
  db: Db,
  rows: AccountInviteCodeRows,
  conditions: FilterConditions,
  selection: InviteCodeSelection,
): Promise<InviteCode[]> {
  return db.inviteCode.findMany({
    ...selection,
    where: inviteCodeWhere(db, rows.filter, conditions),
    orderBy: rows.orderBy,
  });
}
