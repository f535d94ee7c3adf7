import { ensureText, InvalidRequestError, isStorableTime, quote } from './errors.js';

const MAX_USE_COUNT = 2_147_483_647; // the column is a Postgres integer

/** Sort orders of com.atproto.admin.getInviteCodes. */
export type InviteCodeSort = 'RECENT' | 'USAGE';

export interface InviteCodeKey {
  code: string;
  createdAt: Date;
  usedCount: number;
}

/** Position of a code in a sort order: the primary sort value, then the code as tie-breaker. */
export type CursorPosition = { sort: 'RECENT'; createdAt: Date; code: string } | { sort: 'USAGE'; usedCount: number; code: string };

/** The PDS cursor formats: `<createdAt epoch ms>::<code>` (RECENT), `<usedCount>::<code>` (USAGE). */
export function formatInviteCodeCursor(sort: InviteCodeSort, key: InviteCodeKey): string {
  return sort === 'RECENT' ? `${key.createdAt.getTime()}::${key.code}` : `${key.usedCount}::${key.code}`;
}

export function parseInviteCodeCursor(sort: InviteCodeSort, cursor: string): CursorPosition {
  ensureText('after', cursor);
  const parts = cursor.split('::');
  const [primary, code] = parts;
  if (parts.length !== 2 || !primary || !code || !/^\d+$/.test(primary)) {
    throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (expected "<number>::<code>")`);
  }
  const value = Number(primary);
  if (sort === 'USAGE') {
    if (value > MAX_USE_COUNT) throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (use count out of range; is it a RECENT cursor?)`);
    return { sort, usedCount: value, code };
  }
  const createdAt = new Date(value);
  if (!isStorableTime(createdAt)) throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (time out of range)`);
  return { sort, createdAt, code };
}
