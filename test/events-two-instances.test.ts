// Two gateway processes (src/main.ts) on one Postgres of this test's own (it restarts it):
// subscribers on both, over SSE and WebSocket, as the admin and as an account, while 8 clients
// run 1,000 mutations spread over both instances. Every subscriber must get exactly the committed
// events its scope allows, none twice, in one order; a resumed one too; and the streams go on
// without a loss across a restart of the database.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrations.js';
import { type EventData, type EventStream, subscribeSse, subscribeWebSocket } from './helpers/event-stream.js';
import { accountToken, ADMIN_PASSWORD, adminAuth, JWT_SECRET } from './helpers/gateway.js';
import { startMain, type MainProcess } from './helpers/main-process.js';

const QUERY = `subscription($after: String) {
  inviteCodeEvents(after: $after) { cursor kind at inviteCode { code forAccount } use { usedBy } }
}`;

let dataDir: string;
let database: EmbeddedDatabase;
let port: number;
let instances: MainProcess[] = [];
const streams: EventStream[] = [];

const did = () => `did:plc:${randomBytes(12).toString('hex')}`;

async function graphql(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: adminAuth },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, never>; errors?: { extensions?: { code?: string } }[] };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'invitegate-events-'));
  database = await startEmbeddedPostgres(dataDir);
  port = Number(new URL(database.url).port);
  await applyMigrations(database.url);
  const env = { DATABASE_URL: database.url, ADMIN_PASSWORD, JWT_SECRET };
  instances = await Promise.all([startMain(env), startMain(env)]);
}, 120_000);

afterAll(async () => {
  for (const stream of streams) stream.close();
  for (const instance of instances) instance.child.kill('SIGKILL');
  await database?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** What the domain tables say was committed: the truth the event streams must match. */
async function committed(): Promise<{ key: string; forAccount: string }[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; for_account: string }>(`
      SELECT 'CREATED ' || code AS key, for_account FROM invite_code
      UNION ALL SELECT 'USED ' || u.code || ' ' || u.used_by, c.for_account
        FROM invite_code_use u JOIN invite_code c USING (code)
      UNION ALL SELECT 'DISABLED ' || code, for_account FROM invite_code WHERE disabled`);
    return rows.map((row) => ({ key: row.key, forAccount: row.for_account }));
  } finally {
    await client.end();
  }
}

const keyOf = (event: EventData) =>
  event.kind === 'USED'
    ? `USED ${event.inviteCode.code} ${event.use?.usedBy}`
    : `${event.kind} ${event.inviteCode.code}`;

async function until(condition: () => boolean, what: string, timeoutMs = 60_000, state = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${state()}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

describe('events across two instances', () => {
  it('reach every subscriber exactly once, in one order, through a resume and a database restart', async () => {
    const [a, b] = instances as [MainProcess, MainProcess];
    const account = did();
    const accountAuth = await accountToken({ sub: account });
    const adminSse = await subscribeSse(fetch, a.url, {}, { query: QUERY });
    const adminWs = subscribeWebSocket(b.url, {}, { query: QUERY });
    const accountWs = subscribeWebSocket(b.url, {}, { query: QUERY, authorization: accountAuth });
    const accountSse = await subscribeSse(fetch, a.url, {}, { query: QUERY, authorization: accountAuth });
    streams.push(adminSse, adminWs, accountWs, accountSse);
    await new Promise((done) => setTimeout(done, 500)); // the WebSocket subscriptions are in place

    const codes: string[] = [];
    const usedDids: string[] = [];
    const refusedDids: string[] = [];
    let done = 0;
    let resumed: EventStream | undefined;
    const mutation = async (step: number, url: string) => {
      const choice = step % 10;
      if (choice < 3 || codes.length < 5) {
        const owners = step % 3 === 0 ? [account] : [did()];
        const result = await graphql(
          url,
          'mutation($i: CreateInviteCodesInput!) { createInviteCodes(input: $i) { codes { code } } }',
          { i: { forAccounts: owners, codeCount: 1 + (step % 3), useCount: 1 + (step % 2) } },
        );
        const created = (result.data as { createInviteCodes?: { codes: { code: string }[] }[] } | undefined)
          ?.createInviteCodes;
        for (const { codes: made } of created ?? []) codes.push(...made.map(({ code }) => code));
      } else if (choice < 8) {
        // Some of these are refused inside the transaction (EXHAUSTED, DISABLED, ALREADY_USED): rolled back.
        const reuse = choice === 7 && usedDids.length > 0;
        const usedBy = reuse ? usedDids[step % usedDids.length]! : did();
        const code = codes[(step * 7919) % codes.length]!;
        const result = await graphql(
          url,
          'mutation($i: RedeemInviteCodeInput!) { redeemInviteCode(input: $i) { usedBy } }',
          { i: { code, usedBy } },
        );
        if (result.errors) {
          expect(result.errors[0]?.extensions?.code).toBe('InvalidInviteCode');
          if (!reuse) refusedDids.push(usedBy);
        } else usedDids.push(usedBy);
      } else {
        const code = codes[(step * 104729) % codes.length]!;
        const result = await graphql(
          url,
          'mutation($c: [String!]) { disableInviteCodes(input: { codes: $c }) { disabledCount } }',
          { c: [code] },
        );
        expect(result.errors).toBeUndefined();
      }
      done++;
      if (done === 500) {
        // Half-way: the admin's SSE subscriber blinks, and resumes (on the other instance) from its last cursor.
        adminSse.close();
        const last = adminSse.events().at(-1)!.cursor;
        resumed = await subscribeSse(fetch, b.url, { after: last }, { query: QUERY });
        streams.push(resumed);
      }
    };
    const began = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async (_, client) => {
        for (let step = client; step < 1000; step += 8) await mutation(step, step % 2 === 0 ? a.url : b.url);
      }),
    );

    console.log(`1000 mutations in ${Date.now() - began} ms`);
    // The database restarts while every stream stays open; what is committed after it still arrives.
    await database.stop();
    await new Promise((resume) => setTimeout(resume, 1_000));
    database = await startEmbeddedPostgres(dataDir, { port });
    for (let step = 0; step < 20; step++) {
      const url = step % 2 === 0 ? a.url : b.url;
      for (let attempt = 0; ; attempt++) {
        const result = await graphql(
          url,
          'mutation($i: CreateInviteCodesInput!) { createInviteCodes(input: $i) { codes { code } } }',
          { i: { forAccounts: [step % 2 === 0 ? account : did()], codeCount: 1, useCount: 1 } },
        );
        if (!result.errors) break;
        expect(result.errors[0]?.extensions?.code).toBe('DatabaseUnavailable');
        if (attempt > 50) throw new Error('the gateways never reached the restarted database');
        await new Promise((resume) => setTimeout(resume, 200));
      }
    }

    const truth = await committed();
    const all = truth.map(({ key }) => key).sort();
    const accounts = truth
      .filter(({ forAccount }) => forAccount === account)
      .map(({ key }) => key)
      .sort();
    const joined = () => [...adminSse.events(), ...(resumed?.events() ?? [])];
    await until(
      () =>
        joined().length >= all.length &&
        adminWs.events().length >= all.length &&
        accountWs.events().length >= accounts.length &&
        accountSse.events().length >= accounts.length,
      'every event at every subscriber',
      60_000,
      () =>
        `truth ${all.length}/${accounts.length}; sse ${adminSse.events().length}+${resumed?.events().length} ` +
        `ws ${adminWs.events().length} account ws ${accountWs.events().length} sse ${accountSse.events().length}; ` +
        `errors ${JSON.stringify(
          [adminSse, resumed, adminWs, accountWs, accountSse].map((s) => s?.results.filter((r) => r.errors)),
        )} ` +
        `${a
          .stdout()
          .split('\n')
          .filter((l) => l.includes('"level":4') || l.includes('"level":5'))
          .slice(-5)}`,
    );
    await new Promise((settle) => setTimeout(settle, 1_000));

    // Exactly the committed events, none twice, none of rolled-back work.
    expect(joined().map(keyOf).sort()).toEqual(all);
    expect(adminWs.events().map(keyOf).sort()).toEqual(all);
    expect(accountWs.events().map(keyOf).sort()).toEqual(accounts);
    expect(accountSse.events().map(keyOf).sort()).toEqual(accounts);
    const delivered = new Set(adminWs.events().flatMap((event) => (event.use ? [event.use.usedBy] : [])));
    expect(refusedDids.filter((refused) => delivered.has(refused))).toEqual([]);
    // One order: the same sequence on both instances, and for the account the same subsequence.
    expect(joined().map(({ cursor }) => cursor)).toEqual(adminWs.events().map(({ cursor }) => cursor));
    const accountOrder = adminWs.events().filter((event) => event.inviteCode.forAccount === account);
    expect(accountWs.events().map(({ cursor }) => cursor)).toEqual(accountOrder.map(({ cursor }) => cursor));
    // Changes of one code in commit order: created first, no use after it was disabled.
    const state = new Map<string, string>();
    for (const event of adminWs.events()) {
      const before = state.get(event.inviteCode.code);
      if (event.kind === 'CREATED') expect(before).toBeUndefined();
      else expect(before === 'CREATED' || before === 'USED').toBe(true);
      state.set(event.inviteCode.code, event.kind);
    }
    // The run was large enough to mean something: about 600 codes created, and redemptions and
    // disables of which a varying share is refused (997 to over 1,000 events in the runs seen).
    expect(truth.length).toBeGreaterThan(800);
  }, 300_000);

  it('ends subscriptions cleanly on SIGTERM: SSE with a complete event, WebSocket with close 1001', async () => {
    const [a] = instances as [MainProcess, MainProcess];
    const sse = await subscribeSse(fetch, a.url, {}, { query: QUERY });
    const ws = subscribeWebSocket(a.url, {}, { query: QUERY });
    streams.push(sse, ws);
    await new Promise((settle) => setTimeout(settle, 500));
    const started = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await sse.ended;
    await ws.ended;
  }, 60_000);
});
