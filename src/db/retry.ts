import { isDatabaseUnavailable } from './errors.js';

/**
 * Runs `work`, again while Postgres is unavailable (up to `attempts` times, `delayMs` apart).
 * After a restart of the database, the pool's first query on each old connection fails once.
 */
export async function retryWhileUnavailable<T>(work: () => Promise<T>, attempts = 20, delayMs = 250): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isDatabaseUnavailable(error)) throw error;
      await new Promise((done) => setTimeout(done, delayMs));
    }
  }
}
