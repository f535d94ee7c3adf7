import { ensureValidDid } from '@atproto/syntax';
import type { Db } from '../db/prisma.js';
import { DomainError, ensureIntInRange, InvalidRequestError, quote } from './errors.js';
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
}

export interface AccountCodes {
  account: string;
  codes: string[];
}

const MAX_GENERATION_ROUNDS = 8;

/**
 * server.createInviteCodes: `codeCount` new codes for each account, in input order, created
 * by "admin", all in one transaction. Generated codes that collide are generated again.
 */
export async function createInviteCodes(db: Db, input: CreateInviteCodesInput, options: CreateOptions): Promise<AccountCodes[]> {
  const { codeCount, useCount, forAccounts } = ensureValidInput(input);
  if (forAccounts.length === 0) return [];
  const createdAt = (options.now ?? (() => new Date()))();
  const slots = forAccounts.flatMap((account) => Array.from({ length: codeCount }, () => account));
  const codes = await db.$transaction(async (tx) => {
    const made: string[] = new Array(slots.length);
    let pending = slots.map((_, index) => index);
    for (let round = 0; pending.length > 0; round++) {
      if (round === MAX_GENERATION_ROUNDS) throw new DomainError('InternalServerError', 'could not generate unique invite codes');
      for (const index of pending) made[index] = options.generateCode();
      const inserted = await tx.inviteCode.createManyAndReturn({
        data: pending.map((index) => ({ code: made[index]!, available: useCount, forAccount: slots[index]!, createdBy: ADMIN, createdAt })),
        select: { code: true },
        skipDuplicates: true,
      });
      const taken = new Set(inserted.map(({ code }) => code));
      // A code that was not inserted collided (with a stored code or another of this batch).
      pending = pending.filter((index) => !taken.has(made[index]!) || made.indexOf(made[index]!) !== index);
    }
    return made;
  });
  return forAccounts.map((account, position) => ({ account, codes: codes.slice(position * codeCount, (position + 1) * codeCount) }));
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
