import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export interface LockedInviteCode {
  code: string;
  disabled: boolean;
  available: number;
  usedCount: number;
}

/** Reads a code and locks its row until the transaction ends (redemptions queue up here). */
export async function lockInviteCode(tx: Tx, code: string): Promise<LockedInviteCode | undefined> {
  const rows = await tx.$queryRaw<LockedInviteCode[]>`
    SELECT code, disabled, available_uses AS available, used_count AS "usedCount"
    FROM invite_code WHERE code = ${code} FOR UPDATE`;
  return rows[0];
}

export async function isInvited(tx: Tx, did: string): Promise<boolean> {
  return (await tx.inviteCodeUse.count({ where: { usedBy: did } })) > 0;
}

/** Records a use and keeps the code's maintained use count in step with it. */
export async function insertInviteCodeUse(tx: Tx, code: string, usedBy: string, usedAt: Date): Promise<void> {
  await tx.inviteCodeUse.create({ data: { code, usedBy, usedAt }, select: { usedBy: true } });
  await tx.inviteCode.update({ where: { code }, data: { usedCount: { increment: 1 } }, select: { code: true } });
}
