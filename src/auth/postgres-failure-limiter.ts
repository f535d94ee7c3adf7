import type { AttemptOutcome, FailureLimiter } from './failure-limiter.js';
import { failureSlot } from './failure-slot.js';

/** Runs one statement and returns its first row (src/db/prisma.ts's queryRow). */
export type QueryRow = (text: string, values: unknown[]) => Promise<Record<string, unknown>>;

// A failed check is counted unless the window is full (the client is then locked): the row lock
// orders concurrent failures from any number of instances, so at most maxFailures are answered
// per window. An expired window starts over; rows are reused, never added past the slots.
const COUNT_FAILURE = `WITH counted AS (
  INSERT INTO auth_failure_window AS w (slot, failures, ends_at)
  VALUES ($1, 1, now() + $2::int * interval '1 millisecond')
  ON CONFLICT (slot) DO UPDATE SET
    failures = CASE WHEN w.ends_at <= now() THEN 1 ELSE w.failures + 1 END,
    ends_at = CASE WHEN w.ends_at <= now() THEN excluded.ends_at ELSE w.ends_at END
  WHERE w.ends_at <= now() OR w.failures < $3::int
  RETURNING 1
)
SELECT EXISTS (SELECT FROM counted) AS counted,
  (SELECT ceil(extract(epoch FROM ends_at - now()) * 1000)::int FROM auth_failure_window WHERE slot = $1)
    AS retry_after_ms`;

// A check that passed is refused while the window is full. A plain read: it sees the failures
// committed before it began, so it is ordered before any still being counted, and a pass is
// answered only when fewer than maxFailures came before it (as in memory). Passes never wait.
const READ_LOCK = `SELECT ceil(extract(epoch FROM ends_at - now()) * 1000)::int AS retry_after_ms
  FROM auth_failure_window WHERE slot = $1 AND failures >= $2::int AND ends_at > now()`;

/**
 * The failure limit in Postgres, shared by every instance on the database (ADMIN_AUTH_STORE=
 * postgres): one statement per check; at most FAILURE_SLOTS rows.
 */
export class PostgresFailureLimiter implements FailureLimiter {
  constructor(
    private readonly queryRow: QueryRow,
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly slotOf: (client: string) => number = failureSlot,
  ) {}

  async attempt(client: string, check: () => boolean): Promise<AttemptOutcome> {
    const slot = this.slotOf(client);
    if (check()) {
      const lock = await this.queryRow(READ_LOCK, [slot, this.maxFailures]);
      return typeof lock.retry_after_ms === 'number' ? this.locked(lock.retry_after_ms) : { status: 'passed' };
    }
    const row = await this.queryRow(COUNT_FAILURE, [slot, this.windowMs, this.maxFailures]);
    if (row.counted) return { status: 'failed' };
    // A window committed after this statement's snapshot began is full but not yet visible to it.
    return this.locked(typeof row.retry_after_ms === 'number' ? row.retry_after_ms : this.windowMs);
  }

  private locked(retryAfterMs: number): AttemptOutcome {
    return { status: 'locked', retryAfterMs: Math.max(retryAfterMs, 1) };
  }
}
