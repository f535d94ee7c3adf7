import type { Redis } from 'ioredis';
import type { AttemptOutcome, FailureLimiter } from './failure-limiter.js';
import { failureSlot } from './failure-slot.js';

// One script for passed and failed checks alike (Redis runs scripts one at a time, so they are
// ordered): a full window locks the client; a failure is counted, the first one setting the
// window's expiry. Returns {0 locked / 1 not, ms left}.
const ATTEMPT = `local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
if ARGV[3] == '1' and redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, 0}`;

/**
 * The failure limit in Redis, shared by every instance (REDIS_URL): one script call per check;
 * keys expire with their window, at most FAILURE_SLOTS of them.
 */
export class RedisFailureLimiter implements FailureLimiter {
  constructor(
    private readonly redis: Redis,
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly prefix = 'invitegate:auth-failures:',
    private readonly slotOf: (client: string) => number = failureSlot,
  ) {}

  async attempt(client: string, check: () => boolean): Promise<AttemptOutcome> {
    const key = `${this.prefix}${this.slotOf(client)}`;
    const passed = check();
    const [open, msLeft] = (await this.redis.eval(
      ATTEMPT,
      1,
      key,
      this.maxFailures,
      this.windowMs,
      passed ? '0' : '1',
    )) as [number, number];
    if (!open) return { status: 'locked', retryAfterMs: msLeft > 0 ? msLeft : this.windowMs };
    return { status: passed ? 'passed' : 'failed' };
  }
}
