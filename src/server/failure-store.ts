import { Redis } from 'ioredis';
import type { FailureLimiter } from '../auth/failure-limiter.js';
import { MemoryFailureLimiter } from '../auth/memory-failure-limiter.js';
import { PostgresFailureLimiter } from '../auth/postgres-failure-limiter.js';
import { RedisFailureLimiter } from '../auth/redis-failure-limiter.js';
import type { Config } from '../config.js';
import { queryRow } from '../db/prisma.js';

export interface FailureLimit {
  limiter: FailureLimiter;
  close(): Promise<void>;
}

/**
 * The admin-login failure limit that ADMIN_AUTH_STORE chose: per process, or shared by instances.
 * Redis is connected before the gateway serves, so that a wrong REDIS_URL stops the start.
 */
export async function openFailureStore(config: Pick<Config, 'authFailures' | 'redisUrl'>): Promise<FailureLimit> {
  const { maxFailures, windowMs, store } = config.authFailures;
  if (store === 'postgres')
    return { limiter: new PostgresFailureLimiter(queryRow, maxFailures, windowMs), close: async () => {} };
  if (store === 'redis' && config.redisUrl) {
    // No queue while offline: an admin login fails (500) at once rather than hang while Redis is
    // down; ioredis reconnects by itself, and the requests that fail meanwhile are logged.
    const redis = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 3_000,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`REDIS_URL: could not connect (${error instanceof Error ? error.message : String(error)})`);
    }
    return {
      limiter: new RedisFailureLimiter(redis, maxFailures, windowMs),
      close: async () => {
        redis.disconnect();
      },
    };
  }
  return { limiter: new MemoryFailureLimiter(maxFailures, windowMs), close: async () => {} };
}
