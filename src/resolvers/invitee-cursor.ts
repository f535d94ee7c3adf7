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
