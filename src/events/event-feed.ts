import type { Db } from '../db/prisma.js';
import { DomainError, ErrorCode, InvalidRequestError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  comparePositions,
  isEventRetained,
  pruneEvents,
  readEventHead,
  readEventsAfter,
  type EventPosition,
  type StoredEvent,
} from '../resolvers/invite-code-event-reader.js';
import { EventSubscriber } from './event-subscriber.js';
import { NotificationListener } from './notification-listener.js';

export interface EventFeedOptions {
  db: () => Db;
  /** The session connection for LISTEN (DATABASE_LISTEN_URL). */
  listenUrl: string;
  logger: Logger;
  maxSubscriptions: number;
  retentionHours: number;
  /** Events a subscriber may have waiting before it is ended as too slow. */
  subscriberCapacity?: number;
  /** Reads the table this often even without a wake-up (a wake-up lost with an instance). */
  pollMs?: number;
  connectTimeoutMs?: number;
}

const PAGE = 500;
const PENDING_RETRY_MIN_MS = 5;
const PENDING_RETRY_MAX_MS = 250;
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * The events of this instance's subscriptions. One reader follows the table in delivery order
 * (invite-code-event-reader.ts) and hands each event to every live subscriber; it reads when
 * woken (a NOTIFY from any instance, a mutation of this one, a reconnection of the listener) and
 * every `pollMs`. The table, not the notification, carries the events: a lost wake-up delays
 * events, never loses them.
 */
export class EventFeed {
  private readonly subscribers = new Set<EventSubscriber>();
  private readonly listener: NotificationListener;
  /** The last event handed out; undefined while nobody subscribes (nothing is read then). */
  private position: EventPosition | undefined;
  private starting: Promise<void> | undefined;
  private reading = false;
  private readAgain = false;
  private pendingRetryMs = PENDING_RETRY_MIN_MS;
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: EventFeedOptions) {
    this.listener = new NotificationListener(
      options.listenUrl,
      { onNotification: () => this.wake(), onConnected: () => this.wake() },
      options.logger,
      options.connectTimeoutMs,
    );
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.every(this.options.pollMs ?? 1_000, () => this.wake());
    this.every(PRUNE_EVERY_MS, () => void this.prune());
    void this.prune();
  }

  get subscriptionCount(): number {
    return this.subscribers.size;
  }

  /** A mutation of this instance committed: read now, and wake the other instances. */
  written(): void {
    this.wake();
    this.listener.wakeAll();
  }

  /**
   * A subscription: the retained events after `after` (then live ones), or live ones only.
   * Refuses an expired cursor and a subscription over MAX_SUBSCRIPTIONS.
   */
  async subscribe(
    after: EventPosition | undefined,
    accepts: (event: StoredEvent) => boolean,
  ): Promise<EventSubscriber> {
    if (this.closed) throw new DomainError(ErrorCode.TooManySubscriptions, 'The gateway is shutting down');
    if (this.subscribers.size >= this.options.maxSubscriptions) {
      throw new DomainError(
        ErrorCode.TooManySubscriptions,
        `This gateway serves its maximum of ${this.options.maxSubscriptions} subscriptions; try again later`,
      );
    }
    if (after && !(await isEventRetained(this.options.db(), after))) {
      throw new InvalidRequestError(
        `The cursor has expired: its event is older than the ${this.options.retentionHours} hours events are kept`,
      );
    }
    const position = await this.livePosition();
    const subscriber = new EventSubscriber(
      after ?? position,
      accepts,
      this.options.subscriberCapacity ?? 1_000,
      (ended) => this.subscribers.delete(ended),
    );
    this.subscribers.add(subscriber);
    if (after) void this.replay(subscriber);
    else subscriber.live = true;
    return subscriber;
  }

  /** Ends every subscription (after what each has queued) and stops reading. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    for (const subscriber of [...this.subscribers]) subscriber.end();
    await this.listener.close();
  }

  private async livePosition(): Promise<EventPosition> {
    if (this.position) return this.position;
    this.starting ??= readEventHead(this.options.db()).then(
      (head) => {
        this.position = head;
        this.starting = undefined;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw error;
      },
    );
    await this.starting;
    return this.position ?? this.livePosition();
  }

  /** Hands a subscriber the retained events after its cursor, page by page, until it meets the live feed. */
  private async replay(subscriber: EventSubscriber): Promise<void> {
    try {
      while (!subscriber.closed) {
        await subscriber.room(PAGE);
        const { events } = await readEventsAfter(this.options.db(), subscriber.last, PAGE);
        for (const event of events) subscriber.offer(event);
        const caughtUp = this.position && comparePositions(subscriber.last, this.position) >= 0;
        if (events.length < PAGE && caughtUp) {
          // From here the feed hands over what follows this.position; offer() drops what it already has.
          subscriber.live = true;
          return;
        }
        if (events.length === 0) await this.sleep(PENDING_RETRY_MAX_MS);
      }
    } catch (error) {
      this.options.logger.warn({ component: 'events', err: error }, 'replaying events failed');
      subscriber.fail(new DomainError(ErrorCode.DatabaseUnavailable, 'Database unavailable; resubscribe with `after`'));
    }
  }

  private wake(): void {
    if (this.closed) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    void this.read();
  }

  private async read(): Promise<void> {
    if (this.subscribers.size === 0) {
      this.position = undefined;
      return;
    }
    this.reading = true;
    let pending = false;
    try {
      do {
        this.readAgain = false;
        for (;;) {
          const from = this.position;
          if (!from) break;
          const page = await readEventsAfter(this.options.db(), from, PAGE);
          for (const event of page.events) {
            this.position = event;
            for (const subscriber of this.subscribers) if (subscriber.live) subscriber.offer(event);
          }
          pending = page.pending;
          if (page.events.length < PAGE) break;
        }
      } while (this.readAgain);
    } catch (error) {
      // Postgres is away: the poll (and the listener's reconnection) read again later.
      this.options.logger.debug({ component: 'events', err: error }, 'reading events failed');
    } finally {
      this.reading = false;
    }
    if (pending) this.retryPending();
    else this.pendingRetryMs = PENDING_RETRY_MIN_MS;
  }

  /** Committed events wait for an older transaction: look again soon, then less often. */
  private retryPending(): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, this.pendingRetryMs);
    this.timers.add(timer);
    this.pendingRetryMs = Math.min(this.pendingRetryMs * 2, PENDING_RETRY_MAX_MS);
  }

  private async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.options.retentionHours * 3_600_000);
    try {
      const pruned = await pruneEvents(this.options.db(), cutoff);
      if (pruned > 0) this.options.logger.info({ component: 'events', pruned }, 'pruned expired events');
    } catch (error) {
      this.options.logger.warn({ component: 'events', err: error }, 'pruning events failed; trying again later');
    }
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => setTimeout(done, ms).unref());
  }
}
