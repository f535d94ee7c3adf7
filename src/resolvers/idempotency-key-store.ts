import type { Db } from '../db/prisma.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** How long a key is remembered; after that it is free again, and pruned. */
export const KEY_LIFETIME_HOURS = 24;
const PRUNED_PER_CALL = 100;

export interface IdempotencyClaim {
  key: string;
  operation: string;
  inputHash: string;
}

/**
 * Claims a key for this transaction: true when it was free (never used, or expired) and is now
 * this transaction's. A concurrent claim of the same key waits here until the holder commits
 * (then it gets false and finds the holder's codes) or rolls back (then it gets the key).
 */
export async function claimIdempotencyKey(tx: Tx, { key, operation, inputHash }: IdempotencyClaim): Promise<boolean> {
  const claimed = await tx.$queryRaw<unknown[]>`
    INSERT INTO idempotency_key (key, operation, input_hash, codes, created_at)
    VALUES (${key}, ${operation}, ${inputHash}, '{}', now())
    ON CONFLICT (key) DO UPDATE
      SET operation = excluded.operation, input_hash = excluded.input_hash, codes = excluded.codes,
          created_at = excluded.created_at
      WHERE idempotency_key.created_at < now() - make_interval(hours => ${KEY_LIFETIME_HOURS}::int)
    RETURNING key`;
  return claimed.length > 0;
}

export function findIdempotencyKey(tx: Tx, key: string) {
  return tx.idempotencyKey.findUnique({ where: { key }, select: { operation: true, inputHash: true, codes: true } });
}

/** Stores the codes that the call holding the key created, in their order. */
export async function recordIdempotentCodes(tx: Tx, key: string, codes: string[]): Promise<void> {
  await tx.idempotencyKey.updateMany({ where: { key }, data: { codes } });
}

/**
 * Deletes up to 100 expired keys, oldest first, in a statement of its own: it skips rows that
 * other transactions hold and so never waits, which keeps it out of lock cycles with claims.
 */
export async function pruneIdempotencyKeys(db: Db): Promise<number> {
  return db.$executeRaw`
    DELETE FROM idempotency_key WHERE key IN (
      SELECT key FROM idempotency_key
      WHERE created_at < now() - make_interval(hours => ${KEY_LIFETIME_HOURS}::int)
      ORDER BY created_at LIMIT ${PRUNED_PER_CALL}::int
      FOR UPDATE SKIP LOCKED)`;
}
