import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import { inviteCodeWhere, type InviteCodeSelection } from './invite-code-query.js';

export interface ListAccountInviteCodesArgs {
  account: string;
  includeUsed: boolean;
}

/**
 * com.atproto.server.getAccountInviteCodes: the account's codes, oldest first, without
 * disabled ones; without used-up ones too when includeUsed is false.
 */
export function listAccountInviteCodes(
  db: Db,
  { account, includeUsed }: ListAccountInviteCodesArgs,
  selection: InviteCodeSelection,
): Promise<InviteCode[]> {
  return db.inviteCode.findMany({
    ...selection,
    where: inviteCodeWhere(db, { forAccount: account, disabled: false, exhausted: includeUsed ? null : false }),
    orderBy: [{ createdAt: 'asc' }, { code: 'asc' }],
  });
}
