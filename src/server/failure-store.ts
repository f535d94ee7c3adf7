import { Redis } from 'ioredis';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import { MemoryFailureLimiter } from '../auth/memory-failure-limiter.js';
import { PostgresFailureLimiter } from '../auth/postgres-failure-limiter.js';
import { RedisFailureLimiter } from '../auth/redis-failure-limiter.js';
import type { Config } from '../config.js';
import { queryRow } from '../db/prisma.js';

export interface FailureStore {
  limiter: FailureLimiter;
  close(): Promise<void>;
}

/** The admin-login failure limit that ADMIN_AUTH_STORE chose: per process, or shared by instances. */
export function openFailureStore(config: Pick<Config, 'authFailures' | 'redisUrl'>): FailureStore {
  const { maxFailures, windowMs, store } = config.authFailures;
  if (store === 'postgres')
    return { limiter: new PostgresFailureLimiter(queryRow, maxFailures, windowMs), close: async () => {} };
  if (store === 'redis' && config.redisUrl) {
    // Few retries and no queue while offline: a login fails fast (500) rather than hang when Redis is down.
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', () => {}); // reported by the requests that fail; reconnects by itself
    return {
      limiter: new RedisFailureLimiter(redis, maxFailures, windowMs),
      close: async () => {
        redis.disconnect();
      },
    };
  }
  return { limiter: new MemoryFailureLimiter(maxFailures, windowMs), close: async () => {} };
}
