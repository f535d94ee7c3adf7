import { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * The write side of live events (the outbox `invite_code_event`), called by every mutation inside
 * its own transaction, so that a rolled-back change has no event and a committed one keeps it.
 *
 * Delivery order is (order_xid, id), and an event is delivered only once its order_xid is below
 * the oldest transaction id still in flight (src/events/event-reader.ts). Every event's order_xid
 * is at least its own transaction's id (pg_current_xact_id), so no transaction in flight can
 * still add an event below that horizon: what was delivered is final, and nothing is skipped,
 * whatever order transactions commit in. Plain ids (a sequence) would not do: an id taken before,
 * but committed after, a reader's last one would be skipped.
 *
 * Transaction ids are taken at a transaction's first write, which may come before it waits for a
 * code's row lock; a later change of one code could then carry a smaller id than an earlier one.
 * So each code keeps its latest event's order key (invite_code.last_event_xid), and an event takes
 * greatest(own id, the code's last key): the UPDATE that changes the code reads the latest row
 * version (after waiting for its lock), so changes of one code are delivered in commit order.
 */

const BUMP_EVENT_XID_TEXT = 'last_event_xid = greatest(last_event_xid, pg_current_xact_id())';

/** The SET item that every UPDATE writing an event for a code must carry. */
export const BUMP_EVENT_XID = Prisma.raw(BUMP_EVENT_XID_TEXT);

export type InviteCodeEventKind = 'CREATED' | 'USED' | 'DISABLED';

/**
 * The INSERT of one event per row of `changed`, a CTE of this statement that is an
 * `UPDATE invite_code SET ..., ${BUMP_EVENT_XID} ... RETURNING code, for_account, last_event_xid`.
 * Use it as a further CTE of that statement: no extra statement, whatever the number of codes.
 */
export function eventsFromChanged(changed: string, kind: InviteCodeEventKind, at: Date): Prisma.Sql {
  return Prisma.sql`INSERT INTO invite_code_event (order_xid, kind, code, for_account, at)
    SELECT last_event_xid::text::bigint, ${kind}, code, for_account, ${at}
    FROM ${Prisma.raw(changed)} ORDER BY code`;
}

/**
 * The same pair for statements written as text with positional parameters ($queryRawUnsafe):
 * the SET item, and the INSERT of one `kind` event per row of `changed` made at the time that the
 * parameter `at` (e.g. "$3") holds.
 */
export const eventsText = {
  bumpXid: BUMP_EVENT_XID_TEXT,
  fromChanged: (changed: string, kind: InviteCodeEventKind, at: string) =>
    `INSERT INTO invite_code_event (order_xid, kind, code, for_account, at)
     SELECT last_event_xid::text::bigint, '${kind}', code, for_account, ${at}::timestamptz
     FROM ${changed} ORDER BY code`,
};

/**
 * One event per listed code, for codes this transaction already changed and locked (an UPDATE
 * earlier in it): one statement. `at` defaults to the code's createdAt (for CREATED).
 */
export async function recordInviteCodeEvents(
  tx: Tx,
  kind: InviteCodeEventKind,
  codes: string[],
  at?: Date,
): Promise<void> {
  if (codes.length === 0) return;
  await tx.$executeRaw`
    WITH changed AS (
      UPDATE invite_code SET ${BUMP_EVENT_XID} WHERE code = ANY(${codes}::text[])
      RETURNING code, for_account, last_event_xid, created_at
    ), listed AS (SELECT code, n FROM unnest(${codes}::text[]) WITH ORDINALITY AS listed(code, n))
    INSERT INTO invite_code_event (order_xid, kind, code, for_account, at)
    SELECT c.last_event_xid::text::bigint, ${kind}, c.code, c.for_account,
      coalesce(${at ?? null}::timestamptz, c.created_at)
    FROM changed c JOIN listed USING (code) ORDER BY listed.n`;
}

/** CREATED events of codes this transaction inserted, in the given order: one statement. */
export async function recordCreatedEvents(tx: Tx, codes: string[]): Promise<void> {
  if (codes.length === 0) return;
  // New rows carry this transaction's id as last_event_xid (the column's default).
  await tx.$executeRaw`
    INSERT INTO invite_code_event (order_xid, kind, code, for_account, at)
    SELECT c.last_event_xid::text::bigint, 'CREATED', c.code, c.for_account, c.created_at
    FROM unnest(${codes}::text[]) WITH ORDINALITY AS listed(code, n) JOIN invite_code c USING (code)
    ORDER BY listed.n`;
}
