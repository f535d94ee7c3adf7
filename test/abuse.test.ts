// Password guessing: repeated failed admin logins from one client are refused for a while.
import { describe, expect, it } from 'vitest';
import { MemoryFailureLimiter } from '../src/auth/memory-failure-limiter.js';
import { AdminInviteCodesDocument } from './generated/operations.js';
import { adminAuth, execute, startTestGateway } from './helpers/gateway.js';

const wrong = `Basic ${Buffer.from('admin:guess').toString('base64')}`;

describe('admin login failures', () => {
  it('are refused with 429 RateLimited after the limit, even with the right password', async () => {
    const gateway = startTestGateway({ authFailures: { maxFailures: 3, windowMs: 60_000 } });
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await execute(gateway, AdminInviteCodesDocument, {}, { authorization: wrong });
      expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    }
    for (const authorization of [wrong, adminAuth]) {
      const refused = await execute(gateway, AdminInviteCodesDocument, {}, { authorization });
      expect(refused.status).toBe(429);
      expect(refused.errors?.[0]?.extensions?.code).toBe('RateLimited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.statements).toEqual([]);
    }
    // Requests without admin credentials are not affected.
    const anonymous = await execute(gateway, AdminInviteCodesDocument, {}, { authorization: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });

  it('are forgotten when the window ends', async () => {
    let now = 1_000;
    const limiter = new MemoryFailureLimiter(2, 10_000, { now: () => now });
    const wrongGuess = () => false;
    expect(await limiter.attempt('10.0.0.1', wrongGuess)).toEqual({ status: 'failed' });
    expect(await limiter.attempt('10.0.0.1', wrongGuess)).toEqual({ status: 'failed' });
    expect(await limiter.attempt('10.0.0.1', () => true)).toEqual({ status: 'locked', retryAfterMs: 10_000 });
    expect(await limiter.attempt('10.0.0.2', () => true)).toEqual({ status: 'passed' });
    now += 10_000;
    expect(await limiter.attempt('10.0.0.1', wrongGuess)).toEqual({ status: 'failed' });
    expect(await limiter.attempt('10.0.0.1', () => true)).toEqual({ status: 'passed' });
  });
});
