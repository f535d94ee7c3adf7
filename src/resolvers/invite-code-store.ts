import { Prisma } from '../generated/prisma/client.js';
import { BUMP_EVENT_XID } from './invite-code-event-store.js';

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

/**
 * Whether `did` was already invited, by any code. A statement of its own, after the lock: a
 * check inside the locking statement would read the snapshot taken before the lock wait, and
 * miss a use that the lock holder just committed.
 */
export async function isInvited(tx: Tx, did: string): Promise<boolean> {
  return (await tx.inviteCodeUse.count({ where: { usedBy: did } })) > 0;
}

/**
 * Records a use, keeps the code's maintained use count in step with it and writes its USED event
 * (invite-code-event-store.ts): one statement.
 */
export async function insertInviteCodeUse(tx: Tx, code: string, usedBy: string, usedAt: Date): Promise<void> {
  await tx.$executeRaw`
    WITH used AS (
      INSERT INTO invite_code_use (code, used_by, used_at) VALUES (${code}, ${usedBy}, ${usedAt})
      RETURNING code, used_by, used_at
    ), counted AS (
      UPDATE invite_code SET used_count = used_count + 1, ${BUMP_EVENT_XID}
      WHERE code IN (SELECT code FROM used) RETURNING code, for_account, last_event_xid
    )
    INSERT INTO invite_code_event (order_xid, kind, code, for_account, used_by, at)
    SELECT counted.last_event_xid::text::bigint, 'USED', code, counted.for_account, used.used_by, used.used_at
    FROM counted JOIN used USING (code)`;
}

/** Whether an error is a unique-constraint violation (Prisma's P2002, or raw SQL's 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined)
    ?.cause;
  return cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505';
}
