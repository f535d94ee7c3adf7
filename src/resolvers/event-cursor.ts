import { InvalidRequestError } from '../errors.js';
import { quote } from './checks.js';
import type { EventPosition } from './invite-code-event-reader.js';

// Opaque to clients: "<orderXid>.<id>", both Postgres bigints.
const CURSOR = /^(\d{1,19})\.(\d{1,19})$/;
const MAX_BIGINT = 2n ** 63n - 1n;

export function encodeEventCursor({ orderXid, id }: EventPosition): string {
  return `${orderXid}.${id}`;
}

/** The position a cursor names; `InvalidRequest` "Malformed cursor" when it is not one of ours. */
export function decodeEventCursor(cursor: string): EventPosition {
  const match = CURSOR.exec(cursor);
  const orderXid = match ? BigInt(match[1]!) : -1n;
  const id = match ? BigInt(match[2]!) : -1n;
  if (orderXid < 1n || id < 1n || orderXid > MAX_BIGINT || id > MAX_BIGINT) {
    throw new InvalidRequestError(`Malformed cursor: ${quote(cursor)} (pass the cursor of an event)`);
  }
  return { orderXid, id };
}
