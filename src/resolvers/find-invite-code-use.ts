import type { Db } from '../db/prisma.js';
import type { InviteCodeUse } from '../generated/prisma/client.js';
import type { InviteCodeUseSelection } from './invite-code-query.js';

/** The use by which `usedBy` was invited (admin.getAccountInfo#invitedBy), or null. */
export function findInviteCodeUse(
  db: Db,
  usedBy: string,
  selection: InviteCodeUseSelection,
): Promise<InviteCodeUse | null> {
  return db.inviteCodeUse.findUnique({ ...selection, where: { usedBy } });
}
