import type { Db } from '../db/prisma.js';
import { inviteCodeWhere, type FilterConditions, type InviteCodeFilter } from './invite-code-query.js';

/** Size of the whole filtered set (a connection's totalCount). */
export function countInviteCodes(db: Db, filter: InviteCodeFilter, conditions: FilterConditions): Promise<number> {
  return db.inviteCode.count({ where: inviteCodeWhere(db, filter, conditions) });
}
