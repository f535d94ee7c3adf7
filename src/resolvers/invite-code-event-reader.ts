import type { Db } from '../db/prisma.js';
import type { InviteCodeEventKind } from './invite-code-event-store.js';

/** A position in the one delivery order of events: (orderXid, id). */
export interface EventPosition {
  orderXid: bigint;
  id: bigint;
}

export interface StoredEvent extends EventPosition {
  kind: InviteCodeEventKind;
  code: string;
  forAccount: string;
  usedBy: string | null;
  at: Date;
}

/** Before every event. */
export const ORIGIN: EventPosition = { orderXid: 0n, id: 0n };

export function comparePositions(a: EventPosition, b: EventPosition): number {
  if (a.orderXid !== b.orderXid) return a.orderXid < b.orderXid ? -1 : 1;
  return a.id === b.id ? 0 : a.id < b.id ? -1 : 1;
}

export interface EventPage {
  /** Deliverable events after the position, in order. */
  events: StoredEvent[];
  /** Whether committed events follow that are not deliverable yet (an older transaction is in flight). */
  pending: boolean;
}

/**
 * Up to `limit` events after `after` that can be delivered: those whose orderXid is below the
 * oldest transaction still in flight (pg_snapshot_xmin of this statement's snapshot), the only
 * ones no running transaction can still precede (see invite-code-event-store.ts).
 */
export async function readEventsAfter(db: Db, after: EventPosition, limit: number): Promise<EventPage> {
  const rows = await db.$queryRaw<(StoredEvent & { ready: boolean })[]>`
    SELECT order_xid AS "orderXid", id, kind, code, for_account AS "forAccount", used_by AS "usedBy", at,
      order_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS ready
    FROM invite_code_event WHERE (order_xid, id) > (${after.orderXid}, ${after.id})
    ORDER BY order_xid, id LIMIT ${limit}`;
  const events: StoredEvent[] = [];
  for (const { ready, ...event } of rows) {
    if (!ready) return { events, pending: true };
    events.push(event);
  }
  return { events, pending: false };
}

/** The last deliverable event's position (ORIGIN when there is none): where live delivery starts. */
export async function readEventHead(db: Db): Promise<EventPosition> {
  const rows = await db.$queryRaw<EventPosition[]>`
    SELECT order_xid AS "orderXid", id FROM invite_code_event
    WHERE order_xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
    ORDER BY order_xid DESC, id DESC LIMIT 1`;
  return rows[0] ?? ORIGIN;
}

/** Whether the event at this position is still retained (a cursor whose event was pruned has expired). */
export async function isEventRetained(db: Db, position: EventPosition): Promise<boolean> {
  const rows = await db.$queryRaw<{ retained: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM invite_code_event WHERE order_xid = ${position.orderXid} AND id = ${position.id})
      AS retained`;
  return rows[0]?.retained === true;
}

const PRUNE_BATCH = 10_000;

/**
 * Deletes the events older than `cutoff`, as a prefix of the delivery order: it stops at the
 * first younger event, so a retained cursor never has a pruned event after it (clocks of
 * instances may differ a little). Batches keep each statement short. Returns how many went.
 */
export async function pruneEvents(db: Db, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await db.$executeRaw`
      WITH kept AS (
        SELECT order_xid, id FROM invite_code_event WHERE at >= ${cutoff} ORDER BY order_xid, id LIMIT 1
      ), doomed AS (
        SELECT e.id FROM invite_code_event e
        WHERE e.at < ${cutoff}
          AND NOT EXISTS (SELECT 1 FROM kept WHERE (e.order_xid, e.id) > (kept.order_xid, kept.id))
        ORDER BY e.order_xid, e.id LIMIT ${PRUNE_BATCH}
      )
      DELETE FROM invite_code_event WHERE id IN (SELECT id FROM doomed)`;
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
