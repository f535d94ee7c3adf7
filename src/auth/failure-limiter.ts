/** What came of one credential check under the failure limit. */
export type AttemptOutcome = { status: 'passed' } | { status: 'failed' } | { status: 'locked'; retryAfterMs: number };

/**
 * Counts failed credential checks per client; a client with too many in its window is refused,
 * whatever it sends, until the window ends. Async so that a store shared by several gateway
 * instances (Postgres, Redis) can stand in for the in-memory one.
 */
export interface FailureLimiter {
  /**
   * Runs `check` unless the client is locked out, and counts a failure when it returns false.
   * Check and count are one step, so a burst of concurrent guesses cannot all pass the check
   * before the first failure is counted.
   */
  attempt(client: string, check: () => boolean): Promise<AttemptOutcome>;
}
