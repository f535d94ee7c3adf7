// The admin-login failure limit shared by gateway instances (ADMIN_AUTH_STORE=postgres, or Redis
// with REDIS_URL): two limiters on one store stand for two instances behind a round-robin
// balancer, and the guesser gets the limit, not twice the limit.
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { AttemptOutcome, FailureLimiter } from '../src/auth/failure-limiter.js';
import { FAILURE_SLOTS, failureSlot } from '../src/auth/failure-slot.js';
import { PostgresFailureLimiter } from '../src/auth/postgres-failure-limiter.js';
import { RedisFailureLimiter } from '../src/auth/redis-failure-limiter.js';
import { getPrisma, queryRow } from '../src/db/prisma.js';
import { ADMIN_PASSWORD, adminAuth, startTestGateway } from './helpers/gateway.js';
import { type MainProcess, runToExit, startMain } from './helpers/main-process.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisClients: Redis[] = [];
afterAll(() => {
  for (const client of redisClients) client.disconnect();
});

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
const haveRedis = await redisReachable();

/** Statements each store issued, for the cost per attempt. */
let statements = 0;
const countedQueryRow = (text: string, values: unknown[]) => {
  statements++;
  return queryRow(text, values);
};

type Instances = (maxFailures: number, windowMs: number) => [FailureLimiter, FailureLimiter];

// Each test gets slots of its own (far from the real ones), so tests never share a window.
const ownSlot = () => {
  const slot = FAILURE_SLOTS + randomInt(1_000_000_000);
  return () => slot;
};

const stores: [string, boolean, Instances][] = [
  [
    'Postgres',
    true,
    (maxFailures, windowMs) => {
      startTestGateway(); // connects Prisma's pool to the test database
      const slotOf = ownSlot();
      const instance = () => new PostgresFailureLimiter(countedQueryRow, maxFailures, windowMs, slotOf);
      return [instance(), instance()];
    },
  ],
  [
    'Redis',
    haveRedis,
    (maxFailures, windowMs) => {
      const prefix = `invitegate-test:${randomInt(1_000_000_000)}:`;
      const instance = () => {
        const client = new Redis(REDIS_URL);
        redisClients.push(client);
        return new RedisFailureLimiter(client, maxFailures, windowMs, prefix);
      };
      return [instance(), instance()];
    },
  ],
];

const right = () => true;
const wrong = () => false;
const tally = (outcomes: AttemptOutcome[], status: AttemptOutcome['status']) =>
  outcomes.filter((outcome) => outcome.status === status).length;

describe.each(stores)('the failure limit in %s', (_name, available, instances) => {
  it.skipIf(!available)('40 concurrent guesses through two instances get 5 answers, not 10', async () => {
    const [a, b] = instances(5, 60_000);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).attempt('198.51.100.7', wrong)),
    );
    expect(tally(outcomes, 'failed')).toBe(5);
    expect(tally(outcomes, 'locked')).toBe(35);
    const locked = await a.attempt('198.51.100.7', right);
    expect(locked.status).toBe('locked');
    expect(locked.status === 'locked' && locked.retryAfterMs).toBeGreaterThan(50_000);
    expect((await b.attempt('198.51.100.7', right)).status).toBe('locked');
  });

  it.skipIf(!available)('checks that pass are not counted, even while guesses run beside them', async () => {
    const [a, b] = instances(3, 60_000);
    const outcomes = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).attempt('198.51.100.8', right)),
      a.attempt('198.51.100.8', wrong),
      b.attempt('198.51.100.8', wrong),
    ]);
    expect(tally(outcomes, 'passed')).toBe(20);
    expect(tally(outcomes, 'failed')).toBe(2);
    expect((await a.attempt('198.51.100.8', wrong)).status).toBe('failed');
    expect((await b.attempt('198.51.100.8', right)).status).toBe('locked');
  });

  it.skipIf(!available)('a window that ended starts over', async () => {
    const [a, b] = instances(2, 1_000);
    expect((await a.attempt('198.51.100.9', wrong)).status).toBe('failed');
    expect((await b.attempt('198.51.100.9', wrong)).status).toBe('failed');
    expect((await a.attempt('198.51.100.9', right)).status).toBe('locked');
    await new Promise((done) => setTimeout(done, 1_100));
    expect((await b.attempt('198.51.100.9', right)).status).toBe('passed');
  });
});

describe('the Postgres store', () => {
  it('costs one statement per check', async () => {
    const [a] = stores[0]![2](5, 60_000);
    statements = 0;
    await a.attempt('198.51.100.10', wrong);
    expect(statements).toBe(1);
    await a.attempt('198.51.100.10', right);
    expect(statements).toBe(2);
  });

  it('is bounded: any number of clients map onto FAILURE_SLOTS rows', async () => {
    const slots = new Set(Array.from({ length: 50_000 }, (_, i) => failureSlot(`2001:db8:${i.toString(16)}::/64`)));
    expect(Math.min(...slots)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...slots)).toBeLessThan(FAILURE_SLOTS);
    expect(slots.size).toBeGreaterThan(FAILURE_SLOTS * 0.9); // spread, not piled on a few
    // The table's key is the slot: it can hold no more rows than there are slots.
    const columns = await getPrisma().$queryRaw<{ data_type: string }[]>`
      SELECT data_type FROM information_schema.columns
      WHERE table_name = 'auth_failure_window' AND column_name = 'slot'`;
    expect(columns).toEqual([{ data_type: 'integer' }]);
  });

  it('two gateways on one database lock the guesser out after the limit in total', async () => {
    const slotOf = ownSlot();
    const gateways = [1, 2].map(() =>
      startTestGateway({ failureLimiter: new PostgresFailureLimiter(queryRow, 4, 60_000, slotOf) }),
    );
    const login = async (i: number, password: string) => {
      const response = await gateways[i % 2]!.fetch('http://yoga/metrics', {
        headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
      });
      return response.status;
    };
    expect(await login(0, ADMIN_PASSWORD)).toBe(200);
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await login(i, 'guess'));
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const response = await gateways[1]!.fetch('http://yoga/metrics', { headers: { authorization: adminAuth } });
    expect(response.status).toBe(429);
  });
});

describe('gateway processes with REDIS_URL', () => {
  const mains: MainProcess[] = [];
  afterAll(async () => {
    for (const main of mains) {
      main.child.kill('SIGTERM');
      await main.exited;
    }
  });

  it.skipIf(!haveRedis)('share the limit: two processes lock a guesser out after the limit in total', async () => {
    const env = {
      DATABASE_URL: inject('databaseUrl'),
      ADMIN_PASSWORD,
      REDIS_URL,
      ADMIN_AUTH_MAX_FAILURES: '3',
      // A client of its own (X-Forwarded-For from loopback), so no other test shares its window.
      TRUST_PROXY: 'loopback',
    };
    mains.push(...(await Promise.all([startMain(env), startMain(env)])));
    const client = `198.18.${randomInt(256)}.${randomInt(256)}`;
    const login = async (i: number, password: string) => {
      const response = await fetch(mains[i % 2]!.url.replace('/graphql', '/metrics'), {
        headers: {
          authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
          'x-forwarded-for': client,
        },
      });
      return response.status;
    };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push(await login(i, 'guess'));
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    expect(await login(0, ADMIN_PASSWORD)).toBe(429);
  });

  it('refuse to start when Redis cannot be reached', async () => {
    const { code, stderr } = await runToExit({
      DATABASE_URL: inject('databaseUrl'),
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/REDIS_URL: could not connect/);
  });
});
