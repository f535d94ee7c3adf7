import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import { DomainError, ErrorCode } from '../errors.js';
import type { CodeGenerator } from './generate-invite-code.js';
import type { InviteCodeSelection } from './invite-code-query.js';

type Tx = Prisma.TransactionClient;

const MAX_GENERATION_ROUNDS = 8;

export interface NewInviteCodes {
  useCount: number;
  createdBy: string;
  createdAt: Date;
  generateCode: CodeGenerator;
}

/**
 * Inserts a new code for each slot (its owner), one statement per round, generating again
 * those that collide with stored codes or with each other; returns the codes in slot order.
 */
export async function insertInviteCodes(
  tx: Tx,
  slots: string[],
  { useCount, createdBy, createdAt, generateCode }: NewInviteCodes,
): Promise<string[]> {
  const made: string[] = new Array(slots.length);
  let pending = slots.map((_, index) => index);
  for (let round = 0; pending.length > 0; round++) {
    if (round === MAX_GENERATION_ROUNDS)
      throw new DomainError(ErrorCode.InternalServerError, 'could not generate unique invite codes');
    for (const index of pending) made[index] = generateCode();
    const inserted = await tx.inviteCode.createManyAndReturn({
      data: pending.map((index) => ({
        code: made[index]!,
        available: useCount,
        forAccount: slots[index]!,
        createdBy,
        createdAt,
      })),
      select: { code: true },
      skipDuplicates: true,
    });
    pending = collided(made, pending, new Set(inserted.map(({ code }) => code)));
  }
  return made;
}

/** The slots whose code was not inserted: it collided with a stored code or an earlier slot's. */
function collided(made: string[], pending: number[], inserted: Set<string>): number[] {
  const firstSlot = new Map<string, number>();
  for (const [index, code] of made.entries()) if (!firstSlot.has(code)) firstSlot.set(code, index);
  return pending.filter((index) => !inserted.has(made[index]!) || firstSlot.get(made[index]!) !== index);
}

/** The codes with the client's selection, in the given order: one statement. */
export async function readInviteCodesInOrder(
  tx: Tx,
  codes: string[],
  selection: InviteCodeSelection | undefined,
): Promise<InviteCode[]> {
  if (codes.length === 0) return [];
  const read = await tx.inviteCode.findMany({ ...selection, where: { code: { in: codes } } });
  const byCode = new Map(read.map((row) => [row.code, row]));
  return codes.map((code) => {
    const row = byCode.get(code);
    if (!row) throw new Error('an invite code to return cannot be read back');
    return row;
  });
}
