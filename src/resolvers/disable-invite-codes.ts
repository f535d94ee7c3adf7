import type { Db } from '../db/prisma.js';
import type { InviteCode } from '../generated/prisma/client.js';
import type { InviteCodeSelection } from './invite-code-query.js';
import { ADMIN } from './create-invite-codes.js';
import { InvalidRequestError } from '../errors.js';
import { ensureText } from './checks.js';
import { BUMP_EVENT_XID, eventsFromChanged } from './invite-code-event-store.js';

export interface DisableInviteCodesInput {
  codes?: string[] | null;
  accounts?: string[] | null;
}

export const DISABLE_LIMITS = { codes: 10_000, accounts: 1_000 };

/**
 * admin.disableInviteCodes: disables the listed codes and every code owned by the listed
 * accounts, and reads back (with `selection`) the codes this call changed from enabled to
 * disabled, in one transaction.
 */
export async function disableInviteCodes(
  db: Db,
  input: DisableInviteCodesInput,
  selection: InviteCodeSelection = {},
): Promise<InviteCode[]> {
  const codes = input.codes ?? [];
  const accounts = input.accounts ?? [];
  if (accounts.includes(ADMIN)) throw new InvalidRequestError('cannot disable admin invite codes');
  if (codes.length > DISABLE_LIMITS.codes)
    throw new InvalidRequestError(`Argument "codes" may list at most ${DISABLE_LIMITS.codes} codes`);
  if (accounts.length > DISABLE_LIMITS.accounts) {
    throw new InvalidRequestError(`Argument "accounts" may list at most ${DISABLE_LIMITS.accounts} accounts`);
  }
  for (const [index, code] of codes.entries()) ensureText(`codes[${index}]`, code);
  for (const [index, account] of accounts.entries()) ensureText(`accounts[${index}]`, account);
  if (codes.length === 0 && accounts.length === 0) return [];
  const at = new Date();
  return db.$transaction(async (tx) => {
    // The change and its DISABLED events: one statement (invite-code-event-store.ts).
    const disabled = await tx.$queryRaw<{ code: string }[]>`
      WITH changed AS (
        UPDATE invite_code SET disabled = true, ${BUMP_EVENT_XID}
        WHERE disabled = false AND (code = ANY(${codes}::text[]) OR for_account = ANY(${accounts}::text[]))
        RETURNING code, for_account, last_event_xid
      ), events AS (${eventsFromChanged('changed', 'DISABLED', at)})
      SELECT code FROM changed`;
    if (disabled.length === 0) return [];
    return tx.inviteCode.findMany({
      ...selection,
      where: { code: { in: disabled.map(({ code }) => code) } },
      orderBy: { code: 'asc' },
    });
  });
}
