/**
 * Counts failed admin logins per client in a fixed window; a client with too many is refused
 * until its window ends. In memory, per gateway instance.
 */
export class AuthFailureLimiter {
  private readonly failures = new Map<string, { count: number; windowEnds: number }>();

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until the client may try again; 0 when it may now. */
  retryAfterMs(client: string): number {
    const entry = this.failures.get(client);
    if (!entry || entry.count < this.maxFailures) return 0;
    return Math.max(entry.windowEnds - this.now(), 0);
  }

  recordFailure(client: string): void {
    const now = this.now();
    const entry = this.failures.get(client);
    if (!entry || entry.windowEnds <= now) {
      if (this.failures.size >= 100_000) this.forgetExpired(now);
      this.failures.set(client, { count: 1, windowEnds: now + this.windowMs });
    } else {
      entry.count++;
    }
  }

  private forgetExpired(now: number): void {
    for (const [client, entry] of this.failures) if (entry.windowEnds <= now) this.failures.delete(client);
  }
}
