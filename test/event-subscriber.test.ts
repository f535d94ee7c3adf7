// One subscription's queue: the seam between replay and live delivery drops what was already
// considered, and a consumer that falls behind is ended with an error, not buffered without bound.
import { describe, expect, it } from 'vitest';
import { EventSubscriber } from '../src/events/event-subscriber.js';
import type { StoredEvent } from '../src/resolvers/invite-code-event-reader.js';

const event = (orderXid: number, id: number, forAccount = 'admin'): StoredEvent => ({
  orderXid: BigInt(orderXid),
  id: BigInt(id),
  kind: 'CREATED',
  code: `code-${orderXid}-${id}`,
  forAccount,
  usedBy: null,
  at: new Date(0),
});

async function drain(subscriber: EventSubscriber, count: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) codes.push(((await subscriber.next()).value as StoredEvent).code);
  return codes;
}

describe('EventSubscriber', () => {
  it('drops events at or before the last one considered, so replay and live never repeat', async () => {
    const subscriber = new EventSubscriber(
      { orderXid: 10n, id: 5n },
      () => true,
      10,
      () => {},
    );
    subscriber.offer(event(10, 5)); // the cursor's own event
    subscriber.offer(event(9, 99)); // before it
    subscriber.offer(event(10, 6));
    subscriber.offer(event(10, 6)); // the live feed handing over what the replay already gave
    subscriber.offer(event(11, 1));
    expect(await drain(subscriber, 2)).toEqual(['code-10-6', 'code-11-1']);
  });

  it('advances past filtered-out events too', async () => {
    const subscriber = new EventSubscriber(
      { orderXid: 1n, id: 1n },
      (e) => e.forAccount === 'did:a',
      10,
      () => {},
    );
    subscriber.offer(event(2, 1, 'did:b'));
    subscriber.offer(event(2, 2, 'did:a'));
    expect(subscriber.last).toEqual(event(2, 2, 'did:a'));
    expect(await drain(subscriber, 1)).toEqual(['code-2-2']);
  });

  it('ends a consumer that falls behind its capacity with SlowSubscriber', async () => {
    let ended = false;
    const subscriber = new EventSubscriber(
      { orderXid: 1n, id: 1n },
      () => true,
      2,
      () => (ended = true),
    );
    for (let id = 2; id <= 5; id++) subscriber.offer(event(1, id));
    expect(ended).toBe(true);
    await expect(subscriber.next()).rejects.toMatchObject({ code: 'SlowSubscriber' });
    expect((await subscriber.next()).done).toBe(true);
  });
});
