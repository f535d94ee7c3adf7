import type { InviteCode, Prisma } from '../generated/prisma/client.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';
import { InvalidRequestError } from '../errors.js';
import { ensureText, isStorableTime, quote } from './checks.js';

const MAX_INT = 2_147_483_647; // a Postgres integer column

/** Fields of a code whose values a cursor can carry: times (as epoch ms) and counts. */
export type CursorKeyField = {
  [K in keyof InviteCode]: InviteCode[K] extends Date | number ? K : never;
}[keyof InviteCode];

/**
 * An order of the admin listing, as com.atproto.admin.getInviteCodes has them: by `key`, then
 * by code, both in `direction`; cursors are `<key>::<code>`. The schema's InviteCodeSort values
 * are these objects; the Prisma orderBy, the SQL ORDER BY, the keyset and the cursors come from them.
 */
export interface InviteCodeOrder {
  key: CursorKeyField;
  direction: 'asc' | 'desc';
}

/** Position of a code in an order: its key value, then the code as tie-breaker. */
export interface CursorPosition {
  key: Date | number;
  code: string;
}

/** The field that breaks ties in every order, and ends every cursor. */
export const TIE_BREAKER = 'code';

export function orderByOf({ key, direction }: InviteCodeOrder): Prisma.InviteCodeOrderByWithRelationInput[] {
  return [{ [key]: direction }, { [TIE_BREAKER]: direction }];
}

const FIELDS = getDatamodel().datamodel.models.InviteCode?.fields ?? [];
const keyType = (key: CursorKeyField) => FIELDS.find(({ name }) => name === key)?.type;

/** The PDS cursor formats: `<createdAt epoch ms>::<code>` (RECENT), `<usedCount>::<code>` (USAGE). */
export function formatInviteCodeCursor(
  { key }: InviteCodeOrder,
  code: Pick<InviteCode, 'code' | CursorKeyField>,
): string {
  const value = code[key];
  return `${value instanceof Date ? value.getTime() : value}::${code.code}`;
}

export function parseInviteCodeCursor({ key }: InviteCodeOrder, cursor: string): CursorPosition {
  ensureText('after', cursor);
  const parts = cursor.split('::');
  const [primary, code] = parts;
  if (parts.length !== 2 || !primary || !code || !/^\d+$/.test(primary)) {
    throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (expected "<number>::<code>")`);
  }
  const value = Number(primary);
  if (keyType(key) !== 'DateTime') {
    if (value > MAX_INT)
      throw new InvalidRequestError(
        `Malformed cursor: ${quote(cursor)} (${key} out of range; is it a cursor of another sort?)`,
      );
    return { key: value, code };
  }
  const createdAt = new Date(value);
  if (!isStorableTime(createdAt))
    throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (time out of range)`);
  return { key: createdAt, code };
}
