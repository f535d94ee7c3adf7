import { createHash } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import { InvalidRequestError } from '../errors.js';
import { claimIdempotencyKey, findIdempotencyKey } from './idempotency-key-store.js';

/** The calls that take a key; a key used by one is refused by the other. */
export type IdempotentOperation = 'createInviteCode' | 'createInviteCodes';

const MAX_KEY_LENGTH = 100;
// Printable as in Python's str.isprintable: no control, format, private-use, unassigned or
// separator characters, the ASCII space excepted.
const PRINTABLE = /^(?:[^\p{C}\p{Z}]| )+$/u;

export function ensureValidIdempotencyKey(key: string): string {
  const length = [...key].length;
  if (length < 1 || length > MAX_KEY_LENGTH || !PRINTABLE.test(key)) {
    throw new InvalidRequestError(`Argument "idempotencyKey" must be 1 to ${MAX_KEY_LENGTH} printable characters`);
  }
  return key;
}

/**
 * Claims `key` for this transaction and returns undefined, or, when an earlier call holds it,
 * returns the codes that call created: the same operation with the same input, else refused.
 * `input` must have its defaults applied, so that equal calls hash alike.
 */
export async function claimOrReplay(
  tx: Prisma.TransactionClient,
  key: string,
  operation: IdempotentOperation,
  input: unknown,
): Promise<string[] | undefined> {
  const inputHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
  if (await claimIdempotencyKey(tx, { key, operation, inputHash })) return undefined;
  const first = await findIdempotencyKey(tx, key);
  // The failed claim locked the row until this transaction ends, so it is still there.
  if (!first) throw new Error('an idempotency key vanished while locked');
  if (first.operation !== operation)
    throw new InvalidRequestError(`The idempotency key was already used by ${first.operation}`);
  if (first.inputHash !== inputHash)
    throw new InvalidRequestError('The idempotency key was already used with different input');
  return first.codes;
}
