import { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export interface LockedInviteCode {
  code: string;
  disabled: boolean;
  available: number;
  usedCount: number;
  /** Whether `did` was already invited, by any code. */
  invited: boolean;
}

/**
 * Reads a code, locking its row until the transaction ends (redemptions of one code queue up
 * here), and whether `did` was already invited: one statement.
 */
export async function lockInviteCode(tx: Tx, code: string, did: string): Promise<LockedInviteCode | undefined> {
  const rows = await tx.$queryRaw<LockedInviteCode[]>`
    SELECT c.code, c.disabled, c.available_uses AS available, c.used_count AS "usedCount",
           EXISTS (SELECT 1 FROM invite_code_use u WHERE u.used_by = ${did}) AS invited
    FROM invite_code c WHERE c.code = ${code} FOR UPDATE OF c`;
  return rows[0];
}

/** Records a use and keeps the code's maintained use count in step with it: one statement. */
export async function insertInviteCodeUse(tx: Tx, code: string, usedBy: string, usedAt: Date): Promise<void> {
  await tx.$executeRaw`
    WITH used AS (INSERT INTO invite_code_use (code, used_by, used_at) VALUES (${code}, ${usedBy}, ${usedAt}) RETURNING code)
    UPDATE invite_code SET used_count = used_count + 1 WHERE code IN (SELECT code FROM used)`;
}

/** Whether an error is a unique-constraint violation (Prisma's P2002, or raw SQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined)?.cause;
  return cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505';
}
