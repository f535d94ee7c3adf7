// npm run test:topology: the deployment the README recommends beyond one machine, with real
// components: Postgres, PgBouncer in transaction mode (deploy/pgbouncer.ini), three gateway
// instances and HAProxy routing by /ready (deploy/haproxy.cfg). Everything goes through the
// balancer. Needs a Postgres server (TOPOLOGY_POSTGRES_URL, a superuser; default the machine's
// at 127.0.0.1:5432) and the pgbouncer and haproxy commands (Debian: apt-get install pgbouncer haproxy).
import { randomBytes, randomInt } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Balancer,
  createDatabase,
  type Database,
  gatewayInstance,
  type Instance,
  type Pooler,
  scratchDirectory,
  startHaproxy,
  startPgBouncer,
} from './components.js';
import { subscribeSse } from '../helpers/event-stream.js';
import { agentFrom, type LoadReport, post, runLoad } from './load.js';

const SERVER_URL = process.env.TOPOLOGY_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ADMIN_PASSWORD = `topology-${randomBytes(8).toString('hex')}`;
const admin = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };
const MAX_FAILURES = 5;

let scratch: Awaited<ReturnType<typeof scratchDirectory>>;
let database: Database;
let pooler: Pooler;
let instances: Instance[] = [];
let balancer: Balancer;
let graphql: string;

beforeAll(async () => {
  scratch = await scratchDirectory();
  database = await createDatabase(SERVER_URL);
  pooler = await startPgBouncer(database, scratch.path);
  const env = {
    DATABASE_URL: pooler.url,
    // LISTEN needs a session of its own: straight to Postgres, not through the pooler (events).
    DATABASE_LISTEN_URL: database.directUrl,
    DB_PREPARED_STATEMENTS: process.env.TOPOLOGY_PREPARED_STATEMENTS ?? 'false',
    DB_POOL_SIZE: '10',
    ADMIN_PASSWORD,
    ADMIN_AUTH_STORE: process.env.TOPOLOGY_AUTH_STORE ?? 'postgres',
    ADMIN_AUTH_MAX_FAILURES: String(MAX_FAILURES),
    TRUST_PROXY: '127.0.0.1',
    SERVICE_HOSTNAME: 'pds.topology.example',
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  instances = await Promise.all([1, 2, 3].map(() => gatewayInstance(env)));
  await Promise.all(instances.map((instance) => instance.start()));
  balancer = await startHaproxy(instances.map((instance) => instance.port));
  graphql = `${balancer.origin}/graphql`;
}, 240_000);

afterAll(async () => {
  await balancer?.stop();
  await Promise.all(instances.map((instance) => instance.stop()));
  await pooler?.stop();
  await database?.drop();
  await scratch?.remove();
}, 60_000);

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const did = () => `did:plc:${randomBytes(12).toString('hex')}`;

async function call<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await post(graphql, body(query, variables), admin);
  const result = JSON.parse(answer.body) as { data?: T; errors?: unknown };
  if (answer.status !== 200 || result.errors) throw new Error(`${answer.status} ${answer.body}`);
  return result.data as T;
}

async function createCode(useCount: number): Promise<string> {
  const data = await call<{ createInviteCode: { code: string } }>(
    'mutation($input: CreateInviteCodeInput!) { createInviteCode(input: $input) { code } }',
    { input: { useCount, forAccount: did() } },
  );
  return data.createInviteCode.code;
}

const LISTING = body(
  `query($first: Int) { inviteCodes(first: $first) { totalCount edges { cursor node {
     code available usedCount disabled forAccount createdBy createdAt uses { usedBy usedAt } } } } }`,
  { first: 20 },
);

const noErrors = (report: LoadReport) => ({ errors: report.errors, samples: report.samples });

describe('beyond one machine: PgBouncer (transaction mode), three instances, HAProxy', () => {
  it('serves listings under load with zero errors, from every instance', async () => {
    const codes = await Promise.all(Array.from({ length: 10 }, () => createCode(3)));
    for (const code of codes.slice(0, 5)) {
      await call('mutation($input: RedeemInviteCodeInput!) { redeemInviteCode(input: $input) { usedBy } }', {
        input: { code, usedBy: did() },
      });
    }
    const lookup = (i: number) =>
      body('query($code: String!) { inviteCode(code: $code) { code usedCount uses { usedBy } } }', {
        code: codes[i % codes.length],
      });
    let sent = 0;
    const until = Date.now() + 5_000;
    const report = await runLoad({
      url: graphql,
      body: () => (sent++ % 4 === 3 ? lookup(sent) : LISTING),
      headers: admin,
      connections: 16,
      running: () => Date.now() < until,
    });
    expect(noErrors(report)).toEqual({ errors: 0, samples: [] });
    expect(report.requests).toBeGreaterThan(200);
    expect(Object.keys(report.servedBy).sort()).toEqual(['gateway1', 'gateway2', 'gateway3']);
    // No instance failed its /ready check under the load (HAProxy logs each one it takes out).
    expect(balancer.output()).not.toMatch(/is DOWN/);
  });

  it('keeps a redemption race exact across instances: 40 redemptions of a 5-use code, 5 succeed', async () => {
    const code = await createCode(5);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        post(
          graphql,
          body('mutation($input: RedeemInviteCodeInput!) { redeemInviteCode(input: $input) { usedBy } }', {
            input: { code, usedBy: did() },
          }),
          admin,
        ),
      ),
    );
    const outcomes: Record<string, number> = {};
    for (const answer of answers) {
      const result = JSON.parse(answer.body) as { errors?: { extensions?: { reason?: string; code?: string } }[] };
      const error = result.errors?.[0]?.extensions;
      const outcome = error ? String(error.reason ?? error.code) : 'ok';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    expect(outcomes).toEqual({ ok: 5, EXHAUSTED: 35 });
    expect(new Set(answers.map((answer) => answer.headers['x-served-by'])).size).toBe(3);
    const data = await call<{ inviteCode: { usedCount: number; uses: unknown[] } }>(
      'query($code: String!) { inviteCode(code: $code) { usedCount uses { usedBy } } }',
      { code },
    );
    expect(data.inviteCode.usedCount).toBe(5);
    expect(data.inviteCode.uses).toHaveLength(5);
  });

  it('shares the admin login limit: a guesser gets the limit across all instances, not three times it', async () => {
    // Distinct loopback addresses are distinct clients to HAProxy, which tells the instances (X-Forwarded-For).
    const guess = { authorization: `Basic ${Buffer.from('admin:guess').toString('base64')}` };
    const attempt = async (agent: ReturnType<typeof agentFrom>, headers: Record<string, string>) => {
      const answer = await post(graphql, body('{ inviteCodes(first: 1) { totalCount } }'), headers, agent);
      const refused = answer.status === 200 && (JSON.parse(answer.body) as { errors?: unknown }).errors;
      const outcome = answer.status === 429 ? 'locked' : refused ? 'refused' : answer.status === 200 ? 'ok' : 'other';
      return { outcome, servedBy: String(answer.headers['x-served-by']) };
    };
    // Addresses of this run only: a Redis store (TOPOLOGY_AUTH_STORE=redis) outlives the run.
    const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const guesser = agentFrom(loopback());
    const sequential = [];
    for (let i = 0; i < 12; i++) sequential.push(await attempt(guesser, guess));
    expect(sequential.map(({ outcome }) => outcome)).toEqual([
      ...Array(MAX_FAILURES).fill('refused'),
      ...Array(12 - MAX_FAILURES).fill('locked'),
    ]);
    expect(new Set(sequential.map(({ servedBy }) => servedBy)).size).toBe(3);
    // The right password from the locked client is refused too; another client is not locked.
    expect((await attempt(guesser, admin)).outcome).toBe('locked');
    expect((await attempt(agentFrom(loopback()), admin)).outcome).toBe('ok');
    // A burst: concurrent guesses on every instance at once get the limit, no more.
    const burster = loopback();
    const burst = await Promise.all(Array.from({ length: 30 }, () => attempt(agentFrom(burster), guess)));
    const outcomes = burst.map(({ outcome }) => outcome).sort();
    expect(outcomes).toEqual([...Array(30 - MAX_FAILURES).fill('locked'), ...Array(MAX_FAILURES).fill('refused')]);
  });

  it('applies a statement timeout through PgBouncer, which drops the one node-postgres sends', async () => {
    const client = new pg.Client({ connectionString: pooler.url, statement_timeout: 2_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(rows).toEqual([{ statement_timeout: '10s' }]); // deploy/pgbouncer.ini's connect_query
    } finally {
      await client.end();
    }
  });

  it('delivers events across instances: a subscriber on each instance gets every change, in one order', async () => {
    const owner = did();
    const variables = { filter: { forAccount: owner } };
    const options = { authorization: admin.authorization };
    // One subscriber on each instance (straight to its port) and one through the balancer; the
    // changes go through the balancer, so round robin spreads them over the three instances.
    const streams = await Promise.all([
      ...instances.map((instance) => subscribeSse(fetch, `${instance.origin}/graphql`, variables, options)),
      subscribeSse(fetch, graphql, variables, options),
    ]);
    try {
      const codes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const data = await call<{ createInviteCode: { code: string } }>(
          'mutation($input: CreateInviteCodeInput!) { createInviteCode(input: $input) { code } }',
          { input: { useCount: 1, forAccount: owner } },
        );
        codes.push(data.createInviteCode.code);
      }
      for (const code of codes.slice(0, 3))
        await call('mutation($input: RedeemInviteCodeInput!) { redeemInviteCode(input: $input) { usedBy } }', {
          input: { code, usedBy: did() },
        });
      await Promise.all(streams.map((stream) => stream.waitFor(9, 60_000)));
      const orders = streams.map((stream) =>
        stream.events().map(({ kind, inviteCode }) => `${kind} ${inviteCode.code}`),
      );
      expect(orders[0]).toHaveLength(9);
      expect(new Set(orders[0])).toEqual(
        new Set([...codes.map((code) => `CREATED ${code}`), ...codes.slice(0, 3).map((code) => `USED ${code}`)]),
      );
      for (const order of orders) expect(order).toEqual(orders[0]);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it('loses no request in a rolling restart under load (SIGTERM one instance at a time, start it again)', async () => {
    let sent = 0;
    let loading = true;
    const create = () =>
      body('mutation($input: CreateInviteCodeInput!) { createInviteCode(input: $input) { code } }', {
        input: { useCount: 1, forAccount: did() },
      });
    const load = runLoad({
      url: graphql,
      body: () => (sent++ % 5 === 4 ? create() : LISTING),
      headers: admin,
      connections: 8,
      running: () => loading,
    });
    const pause = (ms: number) => new Promise((later) => setTimeout(later, ms));
    await pause(1_000);
    for (const instance of instances) {
      await instance.stop();
      await instance.start();
      // HAProxy marks it up again at its next check (inter 1s, rise 1).
      await pause(1_500);
    }
    loading = false;
    const report = await load;
    expect(noErrors(report)).toEqual({ errors: 0, samples: [] });
    expect(report.requests).toBeGreaterThan(100);
    expect(Object.keys(report.servedBy).sort()).toEqual(['gateway1', 'gateway2', 'gateway3']);
  }, 180_000);
});
