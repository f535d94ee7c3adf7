import type { Db } from '../db/prisma.js';
import { disableTreeCodes, type DisabledTree } from './invite-tree-store.js';

export interface DisableInviteTreeInput {
  account: string;
  includeAccount?: boolean | null;
}

/**
 * How long one disableInviteTree may take. A spam wave of 100,000 accounts takes seconds (each
 * changed code is a row version and its index entries), more than DB_STATEMENT_TIMEOUT_MS allows
 * the API's reads; this admin-only transaction gets its own, longer bound.
 */
export const DISABLE_TREE_TIMEOUT_MS = 120_000;

/**
 * The anti-abuse move the PDS lacks: disables every enabled code owned by the account's
 * descendants (and by the account, unless includeAccount is false), in one transaction, with one
 * DISABLED event per code it changed (written by the same statement). Returns those codes.
 */
export function disableInviteTree(db: Db, { account, includeAccount }: DisableInviteTreeInput): Promise<DisabledTree> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL statement_timeout = ${DISABLE_TREE_TIMEOUT_MS}`);
      return disableTreeCodes(tx, account, includeAccount ?? true, new Date());
    },
    { timeout: DISABLE_TREE_TIMEOUT_MS, maxWait: DISABLE_TREE_TIMEOUT_MS },
  );
}
