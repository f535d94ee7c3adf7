import type { AttemptOutcome, FailureLimiter } from './failure-limiter.js';

interface Window {
  count: number;
  endsAt: number;
}

export interface MemoryLimiterOptions {
  /** Most clients remembered at once; the table never holds more (see `record`). */
  maxClients?: number;
  now?: () => number;
}

/**
 * The failure limit in one process's memory: fixed windows counted from a client's first failure.
 *
 * Bounded however many addresses an attacker rotates: at most `maxClients` entries. A new client
 * takes the place of the oldest one that is not locked; locked clients are never evicted before
 * their window ends, so rotation cannot unlock one. When every entry is locked, the clients that
 * find no room share one overflow window, so they still get `maxFailures` guesses per window
 * between them, and no more.
 */
export class MemoryFailureLimiter implements FailureLimiter {
  // Insertion order is (nearly: locked entries move over when they lock) window order, every
  // window having the same length, so expired entries gather at the front and forgetting them
  // costs a request no more than what it removes; `find` catches the few left behind.
  private readonly open = new Map<string, Window>();
  private readonly locked = new Map<string, Window>();
  private overflow: Window | undefined;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    { maxClients = 100_000, now = Date.now }: MemoryLimiterOptions = {},
  ) {
    this.maxClients = maxClients;
    this.now = now;
  }

  /** Clients remembered now (the overflow window not included). */
  get size(): number {
    return this.open.size + this.locked.size;
  }

  async attempt(client: string, check: () => boolean): Promise<AttemptOutcome> {
    const now = this.now();
    this.forgetExpired(now);
    const known = this.find(client, now);
    const overflowing = !known && this.open.size === 0 && this.locked.size >= this.maxClients;
    const window = overflowing ? this.overflow : known;
    if (window && window.count >= this.maxFailures) return { status: 'locked', retryAfterMs: window.endsAt - now };
    if (check()) return { status: 'passed' };
    if (!overflowing) this.record(client, known, now);
    else if (this.overflow) this.overflow.count++;
    else this.overflow = { count: 1, endsAt: now + this.windowMs };
    return { status: 'failed' };
  }

  private find(client: string, now: number): Window | undefined {
    const window = this.locked.get(client) ?? this.open.get(client);
    if (!window || window.endsAt > now) return window;
    this.locked.delete(client);
    this.open.delete(client);
    return undefined;
  }

  private record(client: string, known: Window | undefined, now: number): void {
    const window = known ?? { count: 0, endsAt: now + this.windowMs };
    if (!known && this.size >= this.maxClients) this.open.delete(this.open.keys().next().value as string);
    window.count++;
    if (window.count >= this.maxFailures) {
      this.open.delete(client);
      this.locked.set(client, window);
    } else if (!known) {
      this.open.set(client, window);
    }
  }

  private forgetExpired(now: number): void {
    for (const table of [this.open, this.locked]) {
      for (const [client, window] of table) {
        if (window.endsAt > now) break;
        table.delete(client);
      }
    }
    if (this.overflow && this.overflow.endsAt <= now) this.overflow = undefined;
  }
}
