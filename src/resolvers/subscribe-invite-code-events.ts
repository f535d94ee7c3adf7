import { DomainError, ErrorCode } from '../errors.js';
import { ensureText } from './checks.js';
import { decodeEventCursor } from './event-cursor.js';
import type { EventPosition, StoredEvent } from './invite-code-event-reader.js';
import type { InviteCodeEventKind } from './invite-code-event-store.js';

export interface InviteCodeEventFilter {
  forAccount?: string | null;
  code?: string | null;
  kinds?: InviteCodeEventKind[] | null;
}

/** Where subscriptions come from (src/events/event-feed.ts). */
export interface EventSource {
  subscribe(
    after: EventPosition | undefined,
    accepts: (event: StoredEvent) => boolean,
  ): Promise<AsyncIterable<StoredEvent>>;
}

/** What a stream yields: an event, or the error that ended it (delivered as the stream's last result). */
export type EventOrFailure = StoredEvent | { failure: unknown };

/**
 * Subscription.inviteCodeEvents: the events after `after` (or from now on) that `filter` and the
 * caller's scope let through; `account` is the caller's DID when it is an account (its own codes
 * only), undefined for the admin.
 */
export async function subscribeInviteCodeEvents(
  source: EventSource,
  account: string | undefined,
  { after, filter }: { after?: string | null; filter?: InviteCodeEventFilter | null },
): Promise<AsyncIterable<EventOrFailure>> {
  const position = after == null ? undefined : decodeEventCursor(after);
  const forAccount = filter?.forAccount ?? account;
  if (account !== undefined && forAccount !== account) {
    throw new DomainError(ErrorCode.Forbidden, 'An account may subscribe to the events of its own codes only');
  }
  const code = filter?.code == null ? undefined : ensureText('filter.code', filter.code);
  const kinds = filter?.kinds == null ? undefined : new Set(filter.kinds);
  const accepts = (event: StoredEvent) =>
    (forAccount === undefined || event.forAccount === forAccount) &&
    (code === undefined || event.code === code) &&
    (kinds === undefined || kinds.has(event.kind));
  return endWithFailure(await source.subscribe(position, accepts));
}

/** A stream that ends with its error as an item: transports end a stream that throws without a word. */
async function* endWithFailure(events: AsyncIterable<StoredEvent>): AsyncGenerator<EventOrFailure> {
  try {
    yield* events;
  } catch (failure) {
    yield { failure };
  }
}
