import { parsePrismaCursor } from '@pothos/plugin-prisma';
import { InvalidRequestError } from '../errors.js';
import { ensureText, quote } from '../resolvers/checks.js';

/**
 * usesConnection's cursors are the Prisma plugin's (base64 of `GPC:S:<usedBy>`). The plugin
 * hands Prisma whatever a cursor decodes to (`GPC:N:abc` is NaN, `GPC:J:[1,2]` an array), which
 * then fails as an unexpected error; a cursor here must decode to a storable string.
 */
export function ensureUsesCursor(name: string, cursor: string | null | undefined): void {
  if (cursor == null) return;
  ensureText(name, cursor);
  let usedBy: unknown;
  try {
    usedBy = parsePrismaCursor(cursor);
  } catch {
    usedBy = undefined;
  }
  if (typeof usedBy !== 'string') throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)}`);
  ensureText(name, usedBy);
}
