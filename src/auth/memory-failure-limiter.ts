import type { AttemptOutcome, FailureLimiter } from './failure-limiter.js';

interface Window {
  client: string;
  count: number;
  endsAt: number;
}

export interface MemoryLimiterOptions {
  /** Most clients remembered at once; the table never holds more (see the class comment). */
  maxClients?: number;
  now?: () => number;
}

/**
 * The failure limit in one process's memory: fixed windows counted from a client's first failure.
 *
 * Bounded however many addresses an attacker rotates: at most `maxClients` clients. A new client
 * takes the place of the oldest one that is not locked; locked clients are never evicted before
 * their window ends, so rotation cannot unlock one. When every place holds a locked client, the
 * clients that find no room share one overflow window: `maxFailures` guesses per window between
 * them, and no more.
 */
export class MemoryFailureLimiter implements FailureLimiter {
  private readonly windows = new Map<string, Window>();
  // Every window in the order it opened, which is the order windows end (they all last
  // windowMs); and the locked ones in the order they locked. Both drop from the front.
  private readonly opened = new WindowQueue();
  private readonly locked = new WindowQueue();
  private overflow: Window | undefined;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    { maxClients = 20_000, now = Date.now }: MemoryLimiterOptions = {},
  ) {
    this.maxClients = maxClients;
    this.now = now;
  }

  /** Clients remembered now (the overflow window not included). */
  get size(): number {
    return this.windows.size;
  }

  async attempt(client: string, check: () => boolean): Promise<AttemptOutcome> {
    const now = this.now();
    this.forgetExpired(now);
    const known = this.find(client, now);
    const overflowing = !known && this.windows.size >= this.maxClients && !this.oldestUnlocked();
    const window = overflowing ? this.overflow : known;
    if (window && window.count >= this.maxFailures) return { status: 'locked', retryAfterMs: window.endsAt - now };
    if (check()) return { status: 'passed' };
    if (overflowing) {
      this.overflow ??= { client: '', count: 0, endsAt: now + this.windowMs };
      this.overflow.count++;
    } else {
      this.countFailure(known ?? this.open(client, now));
    }
    return { status: 'failed' };
  }

  private open(client: string, now: number): Window {
    if (this.windows.size >= this.maxClients) {
      const oldest = this.oldestUnlocked();
      if (oldest) this.windows.delete(oldest.client);
    }
    const window = { client, count: 0, endsAt: now + this.windowMs };
    this.windows.set(client, window);
    this.opened.push(window);
    return window;
  }

  private countFailure(window: Window): void {
    window.count++;
    if (window.count === this.maxFailures) this.locked.push(window);
  }

  private find(client: string, now: number): Window | undefined {
    const window = this.windows.get(client);
    if (!window || window.endsAt > now) return window;
    this.windows.delete(client);
    return undefined;
  }

  /** The unlocked client that failed first, dropping the windows that are locked or gone from the queue. */
  private oldestUnlocked(): Window | undefined {
    for (let window = this.opened.peek(); window; window = this.opened.peek()) {
      if (window.count < this.maxFailures && this.windows.get(window.client) === window) return window;
      this.opened.shift();
    }
    return undefined;
  }

  private forgetExpired(now: number): void {
    for (const queue of [this.opened, this.locked]) {
      for (let window = queue.peek(); window && window.endsAt <= now; window = queue.peek()) {
        queue.shift();
        if (this.windows.get(window.client) === window) this.windows.delete(window.client);
      }
    }
    if (this.overflow && this.overflow.endsAt <= now) this.overflow = undefined;
  }
}

/** A FIFO with O(1) shift (a Map's oldest key is not O(1) once many were deleted). */
class WindowQueue {
  private items: Window[] = [];
  private head = 0;

  push(window: Window): void {
    this.items.push(window);
  }

  peek(): Window | undefined {
    return this.items[this.head];
  }

  shift(): void {
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
