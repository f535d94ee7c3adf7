import { InvalidRequestError } from '../errors.js';
import { ensureText, isStorableTime, quote } from './checks.js';

/** Where an invitee stands in the order of `invitees`: its use's time, then its DID. */
export interface InviteePosition {
  usedAt: Date;
  usedBy: string;
}

// Opaque to clients: base64url of "<usedAt epoch ms>::<usedBy>".
export function formatInviteeCursor({ usedAt, usedBy }: InviteePosition): string {
  return Buffer.from(`${usedAt.getTime()}::${usedBy}`).toString('base64url');
}

export function parseInviteeCursor(cursor: string): InviteePosition {
  ensureText('after', cursor);
  const malformed = () => new InvalidRequestError(`Malformed cursor: ${quote(cursor)}`);
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15})::(did:[^\s]+)$/.exec(decoded);
  // Only cursors this gateway made: base64url decoding ignores stray characters.
  if (!match || Buffer.from(decoded).toString('base64url') !== cursor) throw malformed();
  const usedAt = new Date(Number(match[1]));
  if (!isStorableTime(usedAt)) throw malformed();
  return { usedAt, usedBy: ensureText('after', match[2]!) };
}

/** formatInviteeCursor in SQL, for the invitee row `r` (used_at, used_by). */
export const INVITEE_CURSOR_SQL = `rtrim(translate(encode(convert_to(
  (extract(epoch FROM r.used_at) * 1000)::bigint || '::' || r.used_by, 'UTF8'), 'base64'), E'+/\\n', '-_'), '=')`;

/** The page of `invitees` that the arguments ask for; throws InvalidRequestError. */
export function readInviteesPage(
  { first, after }: { first?: number | null; after?: string | null },
  defaultSize: number,
  maxSize: number,
): { first: number; after?: InviteePosition } {
  if (first != null && (!Number.isInteger(first) || first < 1 || first > maxSize))
    throw new InvalidRequestError(`Argument "first" must be an integer from 1 to ${maxSize}, got ${first}`);
  return { first: first ?? defaultSize, after: after == null || after === '' ? undefined : parseInviteeCursor(after) };
}
