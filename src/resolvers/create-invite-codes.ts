import { ensureValidDid } from '@atproto/syntax';
import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import type { InviteCodeSelection } from './invite-code-query.js';
import { InvalidRequestError } from '../errors.js';
import { ensureIntInRange, quote } from './checks.js';
import type { CodeGenerator } from './generate-invite-code.js';
import { claimOrReplay, ensureValidIdempotencyKey, type IdempotentOperation } from './idempotency-key.js';
import { pruneIdempotencyKeys, recordIdempotentCodes } from './idempotency-key-store.js';
import { recordCreatedEvents } from './invite-code-event-store.js';
import { insertInviteCodes, readInviteCodesInOrder } from './new-invite-code-store.js';

export const ADMIN = 'admin';
export const LIMITS = { useCount: 100_000, codeCount: 1_000, accounts: 1_000, codesPerCall: 10_000 };

export interface CreateInviteCodesInput {
  codeCount: number;
  useCount: number;
  /** Owner DIDs, or ["admin"] for codes with no owner. */
  forAccounts: string[];
  /** A repeat with the same key and input returns the first call's codes and creates nothing. */
  idempotencyKey?: string | null;
}

export interface CreateOptions {
  generateCode: CodeGenerator;
  now?: () => Date;
  /** What to read back of the new codes, in the same transaction. */
  selection?: InviteCodeSelection;
  /** Which call this is, for idempotency keys (a key is refused by the other call). */
  operation?: IdempotentOperation;
}

export interface AccountCodes {
  account: string;
  codes: InviteCode[];
}

// A batch of 10000 codes takes a few seconds; Prisma's default (5 s) is too tight.
const TRANSACTION_TIMING = { maxWait: 10_000, timeout: 60_000 };

/**
 * server.createInviteCodes: `codeCount` new codes for each account, in input order, created
 * by "admin", all in one transaction. Generated codes that collide are generated again. With
 * an idempotency key already used by an equal call, it returns that call's codes instead.
 */
export async function createInviteCodes(
  db: Db,
  input: CreateInviteCodesInput,
  options: CreateOptions,
): Promise<AccountCodes[]> {
  const { codeCount, useCount, forAccounts, idempotencyKey } = ensureValidInput(input);
  const key = idempotencyKey ?? undefined;
  if (forAccounts.length === 0 && key === undefined) return [];
  if (key !== undefined) await pruneIdempotencyKeys(db);
  const createdAt = (options.now ?? (() => new Date()))();
  const rows = await db.$transaction(async (tx) => {
    const operation = options.operation ?? 'createInviteCodes';
    const replayed =
      key === undefined ? undefined : await claimOrReplay(tx, key, operation, { codeCount, useCount, forAccounts });
    if (replayed) return readInviteCodesInOrder(tx, replayed, options.selection);
    const slots = forAccounts.flatMap((account) => Array.from({ length: codeCount }, () => account));
    const made = await insertInviteCodes(tx, slots, {
      useCount,
      createdBy: ADMIN,
      createdAt,
      generateCode: options.generateCode,
    });
    await recordCreatedEvents(tx, made);
    if (key !== undefined) await recordIdempotentCodes(tx, key, made);
    return readInviteCodesInOrder(tx, made, options.selection);
  }, TRANSACTION_TIMING);
  return forAccounts.map((account, position) => ({
    account,
    codes: rows.slice(position * codeCount, (position + 1) * codeCount),
  }));
}

function ensureValidInput(input: CreateInviteCodesInput): CreateInviteCodesInput {
  ensureIntInRange('useCount', input.useCount, 1, LIMITS.useCount);
  ensureIntInRange('codeCount', input.codeCount, 1, LIMITS.codeCount);
  const { forAccounts } = input;
  if (forAccounts.length > LIMITS.accounts) {
    throw new InvalidRequestError(
      `Argument "forAccounts" may list at most ${LIMITS.accounts} accounts, got ${forAccounts.length}`,
    );
  }
  const seen = new Set<string>();
  for (const account of forAccounts) {
    if (seen.has(account)) throw new InvalidRequestError(`Argument "forAccounts" lists ${account} more than once`);
    seen.add(account);
    if (account !== ADMIN) ensureDid('forAccounts', account);
  }
  if (input.idempotencyKey != null) ensureValidIdempotencyKey(input.idempotencyKey);
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
    throw new InvalidRequestError(
      `Invalid value for argument "${argument}": Invalid DID ${quote(value)}: ${(error as Error).message}`,
    );
  }
}
