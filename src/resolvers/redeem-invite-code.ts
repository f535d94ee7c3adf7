import type { Db } from '../db/prisma.js';
import type { InviteCodeUse } from '../generated/prisma/client.js';
import type { InviteCodeUseSelection } from './invite-code-query.js';
import { ensureDid } from './create-invite-codes.js';
import { InvalidInviteCodeError } from '../errors.js';
import { ensureText } from './checks.js';
import { insertInviteCodeUse, isInvited, isUniqueViolation, lockInviteCode } from './invite-code-store.js';

export interface RedeemInviteCodeInput {
  code: string;
  usedBy: string;
}

export interface RedeemOptions {
  now?: () => Date;
  /** What to read back of the new use, in the same transaction. */
  selection?: InviteCodeUseSelection;
}

// Redemptions of one code queue on its row lock; give a busy code time rather than failing.
const TRANSACTION_TIMING = { maxWait: 10_000, timeout: 15_000 };

/**
 * The invite step of server.createAccount: records one use of `code` by `usedBy`. The code row
 * is locked first, so concurrent redemptions (from any number of gateways) are exact.
 */
export async function redeemInviteCode(
  db: Db,
  input: RedeemInviteCodeInput,
  options: RedeemOptions = {},
): Promise<InviteCodeUse> {
  const { code, usedBy } = input;
  // The PDS's words for an empty code.
  if (code === '') throw new InvalidInviteCodeError('NOT_FOUND', 'No invite code provided');
  ensureText('code', code);
  ensureDid('usedBy', usedBy);
  const usedAt = (options.now ?? (() => new Date()))();
  try {
    return await db.$transaction(async (tx) => {
      const locked = await lockInviteCode(tx, code);
      if (!locked) throw new InvalidInviteCodeError('NOT_FOUND');
      if (locked.disabled) throw new InvalidInviteCodeError('DISABLED');
      if (await isInvited(tx, usedBy)) throw new InvalidInviteCodeError('ALREADY_USED');
      if (locked.usedCount >= locked.available) throw new InvalidInviteCodeError('EXHAUSTED');
      await insertInviteCodeUse(tx, code, usedBy, usedAt);
      return tx.inviteCodeUse.findUniqueOrThrow({ ...options.selection, where: { usedBy } });
    }, TRANSACTION_TIMING);
  } catch (error) {
    // The same DID redeeming another code at the same moment: the unique used_by decides.
    if (isUniqueViolation(error)) throw new InvalidInviteCodeError('ALREADY_USED');
    throw error;
  }
}
