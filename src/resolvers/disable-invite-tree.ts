import type { Db } from '../db/prisma.js';
import { disableTreeCodes, type DisabledTree } from './invite-tree-store.js';

export interface DisableInviteTreeInput {
  account: string;
  includeAccount?: boolean | null;
}

/**
 * The anti-abuse move the PDS lacks: disables every enabled code owned by the account's
 * descendants (and by the account, unless includeAccount is false), in one transaction.
 * Returns the codes it changed: each is one DISABLED event once events are written.
 */
export function disableInviteTree(db: Db, { account, includeAccount }: DisableInviteTreeInput): Promise<DisabledTree> {
  return db.$transaction((tx) => disableTreeCodes(tx, account, includeAccount ?? true));
}
