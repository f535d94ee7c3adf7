import { DomainError, ErrorCode } from '../errors.js';
import { comparePositions, type EventPosition, type StoredEvent } from '../resolvers/invite-code-event-reader.js';

/**
 * One subscription's queue: events are offered in delivery order (replayed from the table, then
 * live from the feed), and every event at or before the last one considered is dropped, so the
 * seam between replay and live has no duplicate. The queue is bounded: a consumer that falls
 * `capacity` events behind is ended with an error (it may resume with its last cursor).
 */
export class EventSubscriber implements AsyncIterableIterator<StoredEvent> {
  /** Receiving live events from the feed (false while replaying from the table). */
  live = false;
  private readonly queue: StoredEvent[] = [];
  private waiting:
    | { resolve: (result: IteratorResult<StoredEvent>) => void; reject: (error: Error) => void }
    | undefined;
  private failedWith: Error | undefined;
  private ended = false;
  private spaceWaiters: (() => void)[] = [];

  constructor(
    /** The last event considered (delivered or filtered out). */
    public last: EventPosition,
    private readonly accepts: (event: StoredEvent) => boolean,
    private readonly capacity: number,
    private readonly onEnd: (subscriber: EventSubscriber) => void,
  ) {}

  get closed(): boolean {
    return this.ended || this.failedWith !== undefined;
  }

  /** Takes an event in delivery order; ones already considered are ignored. */
  offer(event: StoredEvent): void {
    if (this.closed || comparePositions(event, this.last) <= 0) return;
    this.last = event;
    if (!this.accepts(event)) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
      return;
    }
    if (this.queue.length >= this.capacity) {
      this.fail(
        new DomainError(
          ErrorCode.SlowSubscriber,
          `This subscription fell ${this.capacity} events behind and was ended; resubscribe with \`after\` ` +
            'set to the cursor of the last event received',
        ),
      );
      return;
    }
    this.queue.push(event);
  }

  /** Resolves once the queue has room for a page of `size` events (replay waits on it). */
  async room(size: number): Promise<void> {
    while (!this.closed && this.queue.length + size > this.capacity) {
      await new Promise<void>((done) => this.spaceWaiters.push(done));
    }
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.failedWith = error;
    this.queue.length = 0;
    this.finish();
  }

  /** Ends the subscription after the events already queued (shutdown). */
  end(): void {
    if (this.closed) return;
    this.ended = true;
    if (this.queue.length === 0) this.finish();
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    const event = this.queue.shift();
    if (event) {
      this.wakeSpaceWaiters();
      if (this.ended && this.queue.length === 0) this.finish();
      return { value: event, done: false };
    }
    if (this.failedWith) {
      const error = this.failedWith;
      this.failedWith = undefined;
      this.ended = true;
      throw error;
    }
    if (this.ended) return { value: undefined, done: true };
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    this.ended = true;
    this.queue.length = 0;
    this.finish();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StoredEvent> {
    return this;
  }

  private finish(): void {
    this.onEnd(this);
    this.wakeSpaceWaiters();
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!waiting) return;
    const error = this.failedWith;
    if (!error) {
      waiting.resolve({ value: undefined, done: true });
      return;
    }
    this.failedWith = undefined;
    waiting.reject(error);
  }

  private wakeSpaceWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
