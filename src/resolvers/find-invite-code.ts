import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import { ensureText } from './checks.js';
import type { InviteCodeSelection } from './invite-code-query.js';

export function findInviteCode(db: Db, code: string, selection: InviteCodeSelection): Promise<InviteCode | null> {
  return db.inviteCode.findUnique({ ...selection, where: { code: ensureText('code', code) } });
}
