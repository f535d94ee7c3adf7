import { ensureValidDid } from '@atproto/syntax';
import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import type { InviteCodeSelection } from './invite-code-query.js';
import { DomainError, ErrorCode, InvalidRequestError } from '../errors.js';
import { ensureIntInRange, quote } from './checks.js';
import type { CodeGenerator } from './generate-invite-code.js';

export const ADMIN = 'admin';
export const LIMITS = { useCount: 100_000, codeCount: 1_000, accounts: 1_000, codesPerCall: 10_000 };

export interface CreateInviteCodesInput {
  codeCount: number;
  useCount: number;
  /** Owner DIDs, or ["admin"] for codes with no owner. */
  forAccounts: string[];
}

export interface CreateOptions {
  generateCode: CodeGenerator;
  now?: () => Date;
  /** What to read back of the new codes, in the same transaction. */
  selection?: InviteCodeSelection;
}

export interface AccountCodes {
  account: string;
  codes: InviteCode[];
}

const MAX_GENERATION_ROUNDS = 8;
// A batch of 10000 codes takes a few seconds; Prisma's default (5 s) is too tight.
const TRANSACTION_TIMING = { maxWait: 10_000, timeout: 60_000 };

/**
 * server.createInviteCodes: `codeCount` new codes for each account, in input order, created
 * by "admin", all in one transaction. Generated codes that collide are generated again.
 */
export async function createInviteCodes(db: Db, input: CreateInviteCodesInput, options: CreateOptions): Promise<AccountCodes[]> {
  const { codeCount, useCount, forAccounts } = ensureValidInput(input);
  if (forAccounts.length === 0) return [];
  const createdAt = (options.now ?? (() => new Date()))();
  const slots = forAccounts.flatMap((account) => Array.from({ length: codeCount }, () => account));
  const rows = await db.$transaction(async (tx) => {
    const made: string[] = new Array(slots.length);
    let pending = slots.map((_, index) => index);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_GENERATION_ROUNDS) throw new DomainError(ErrorCode.InternalServerError, 'could not generate unique invite codes');
      for (const index of pending) made[index] = options.generateCode();
      const inserted = await tx.inviteCode.createManyAndReturn({
        data: pending.map((index) => ({ code: made[index]!, available: useCount, forAccount: slots[index]!, createdBy: ADMIN, createdAt })),
        select: { code: true },
        skipDuplicates: true,
      });
      pending = collided(made, pending, new Set(inserted.map(({ code }) => code)));
    }
    const read = await tx.inviteCode.findMany({ ...options.selection, where: { code: { in: made } } });
    const byCode = new Map(read.map((row) => [row.code, row]));
    return made.map((code) => byCode.get(code)!);
  }, TRANSACTION_TIMING);
  return forAccounts.map((account, position) => ({ account, codes: rows.slice(position * codeCount, (position + 1) * codeCount) }));
}

/** The slots whose code was not inserted: it collided with a stored code or an earlier slot's. */
function collided(made: string[], pending: number[], inserted: Set<string>): number[] {
  const firstSlot = new Map<string, number>();
  made.forEach((code, index) => firstSlot.has(code) || firstSlot.set(code, index));
  return pending.filter((index) => !inserted.has(made[index]!) || firstSlot.get(made[index]!) !== index);
}

function ensureValidInput(input: CreateInviteCodesInput): CreateInviteCodesInput {
  ensureIntInRange('useCount', input.useCount, 1, LIMITS.useCount);
  ensureIntInRange('codeCount', input.codeCount, 1, LIMITS.codeCount);
  const { forAccounts } = input;
  if (forAccounts.length > LIMITS.accounts) {
    throw new InvalidRequestError(`Argument "forAccounts" may list at most ${LIMITS.accounts} accounts, got ${forAccounts.length}`);
  }
  const seen = new Set<string>();
  for (const account of forAccounts) {
    if (seen.has(account)) throw new InvalidRequestError(`Argument "forAccounts" lists ${account} more than once`);
    seen.add(account);
    if (account !== ADMIN) ensureDid('forAccounts', account);
  }
  const total = forAccounts.length * input.codeCount;
  if (total > LIMITS.codesPerCall) {
    throw new InvalidRequestError(`One call creates at most ${LIMITS.codesPerCall} codes; this one asks for ${total}`);
  }
  return input;
}

export function ensureDid(argument: string, value: string): void {
  try {
    ensureValidDid(value);
  } catch (error) {
    throw new InvalidRequestError(`Invalid value for argument "${argument}": Invalid DID ${quote(value)}: ${(error as Error).message}`);
  }
}
