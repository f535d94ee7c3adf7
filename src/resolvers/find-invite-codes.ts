import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import type { InviteCodeSelection } from './invite-code-query.js';

/** The codes with these code strings, in the order given (unknown ones left out). */
export async function findInviteCodes(db: Db, codes: string[], selection: InviteCodeSelection): Promise<InviteCode[]> {
  if (codes.length === 0) return [];
  const rows = await db.inviteCode.findMany({ ...selection, where: { code: { in: codes } } });
  const byCode = new Map(rows.map((row) => [row.code, row]));
  return codes.flatMap((code) => byCode.get(code) ?? []);
}
