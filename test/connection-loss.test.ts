// Postgres ending the gateway's idle connections (a restart, a failover, idle_session_timeout,
// PgBouncer): the process logs it, counts it and carries on, whichever path served it so far,
// and a SIGTERM while it happens still exits 0 without a stack trace.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCodes } from './helpers/fixtures.js';
import { adminAuth, ADMIN_PASSWORD, randomDid, startTestGateway } from './helpers/gateway.js';
import { startMain, type MainProcess } from './helpers/main-process.js';

/** stderr without the admin header notice that every start prints: what remains is a problem. */
const problems = (stderr: string) =>
  stderr
    .replace(/\nAdmin requests need [^\n]*\n[^\n]*\n[^\n]*\n\n/, '')
    .replace(/\nADMIN_PASSWORD is not set;[^\n]*\n[^\n]*\n[^\n]*\n\n/, '');

const WARNING = 'a database connection failed; the pool opens another when needed';
const ACCOUNT_CODES = 'query($a: Did!) { accountInviteCodes(account: $a, includeUsed: true) { code available } }';

async function graphql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: adminAuth },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

/** The gateway's DATABASE_URL, with an application_name that singles out its connections. */
function databaseUrlNamed(applicationName: string): string {
  const url = new URL(inject('databaseUrl'));
  url.searchParams.set('application_name', applicationName);
  return url.toString();
}

async function connectionErrorsCounted(url: string): Promise<number> {
  const text = await fetch(url.replace('/graphql', '/metrics'), { headers: { authorization: adminAuth } }).then(
    (response) => response.text(),
  );
  const line = text.split('\n').find((row) => row.startsWith('invitegate_db_connection_errors_total '));
  return line ? Number(line.split(' ')[1]) : Number.NaN;
}

const warnings = (gateway: MainProcess) =>
  gateway
    .stdout()
    .split('\n')
    .filter((line) => line.includes(WARNING));

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await condition()) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A POST whose body is held back until `finish()`, so that the request stays in flight. */
function heldRequest(url: string, query: string, variables: Record<string, unknown>) {
  const body = Buffer.from(JSON.stringify({ query, variables }));
  const outgoing = request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: adminAuth,
      'content-length': body.length,
      connection: 'close',
    },
  });
  const response = new Promise<{ data?: Record<string, unknown>; errors?: unknown[] }>((resolve, reject) => {
    outgoing.on('response', (incoming) => {
      let text = '';
      incoming.on('data', (chunk) => (text += chunk));
      incoming.on('end', () => resolve(JSON.parse(text)));
    });
    outgoing.on('error', reject);
  });
  response.catch(() => {}); // awaited after finish(); a gateway that died meanwhile fails there
  outgoing.write(body.subarray(0, 1));
  return { response, finish: () => outgoing.end(body.subarray(1)) };
}

describe('Postgres ending the gateway’s connections', () => {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  const gateways: MainProcess[] = [];
  const dirs: string[] = [];
  const account = randomDid();
  let codes: string[] = [];

  beforeAll(async () => {
    await admin.connect();
    // Made by this test process, so that the gateways under test serve only what the test asks.
    codes = await createCodes(startTestGateway(), { forAccount: account, codeCount: 2, useCount: 3 });
  });

  afterAll(async () => {
    for (const gateway of gateways) gateway.child.kill('SIGKILL');
    await admin.end();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Terminates the backends of one gateway (never the other test files' ones); returns how many. */
  async function terminate(applicationName: string): Promise<number> {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  }

  async function start(applicationName: string): Promise<MainProcess> {
    const gateway = await startMain({ DATABASE_URL: databaseUrlNamed(applicationName), ADMIN_PASSWORD });
    gateways.push(gateway);
    return gateway;
  }

  const expectedCodes = () =>
    codes.map((code) => ({ code, available: 3 })).sort((a, b) => a.code.localeCompare(b.code));
  const listed = (result: { data?: Record<string, unknown> }) =>
    ((result.data?.accountInviteCodes ?? []) as { code: string }[])
      .slice()
      .sort((a, b) => a.code.localeCompare(b.code));

  async function expectSurvived(gateway: MainProcess, terminated: number) {
    expect(terminated).toBeGreaterThan(0);
    await until(() => warnings(gateway).length >= terminated || gateway.child.exitCode !== null, 'the warnings');
    expect(gateway.child.exitCode, gateway.stderr().slice(0, 2000)).toBeNull();
    expect(await connectionErrorsCounted(gateway.url)).toBe(terminated);
    const [warning] = warnings(gateway);
    expect(JSON.parse(warning!)).toMatchObject({
      level: 40,
      code: '57P01',
      error: expect.stringContaining('terminating connection'),
    });
    const secret = new URL(inject('databaseUrl'));
    for (const leak of [inject('databaseUrl'), 'connectionString', secret.password].filter(Boolean))
      expect(warning).not.toContain(leak);
  }

  it('a gateway that served only fast-path listings survives, answers correctly, and stops cleanly during ' +
    'terminations', async () => {
    const name = `invitegate-loss-fast-${randomBytes(4).toString('hex')}`;
    const gateway = await start(name);
    for (let i = 0; i < 2; i++)
      expect(listed(await graphql(gateway.url, ACCOUNT_CODES, { a: account }))).toEqual(expectedCodes());

    await expectSurvived(gateway, await terminate(name));
    expect(listed(await graphql(gateway.url, ACCOUNT_CODES, { a: account }))).toEqual(expectedCodes());
    expect(
      (await graphql(gateway.url, '{ inviteCodes(first: 1) { edges { node { code } } } }')).errors,
    ).toBeUndefined();

    // SIGTERM after a listing, with a request in flight, while Postgres ends the connections.
    const before = warnings(gateway).length;
    const held = heldRequest(gateway.url, ACCOUNT_CODES, { a: account });
    await new Promise((done) => setTimeout(done, 200));
    gateway.child.kill('SIGTERM');
    await until(() => gateway.stdout().includes('"msg":"shutting down"'), 'the shutdown');
    const terminated = await terminate(name);
    expect(terminated).toBeGreaterThan(0);
    await until(
      () => warnings(gateway).length >= before + terminated || gateway.child.exitCode !== null,
      'the warnings',
    );
    expect(gateway.child.exitCode, gateway.stderr().slice(0, 2000)).toBeNull();
    held.finish();
    expect(listed(await held.response)).toEqual(expectedCodes());
    expect(await gateway.exited).toBe(0);
    expect(problems(gateway.stderr())).toBe('');
  }, 120_000);

  it('a gateway that served a Prisma-path query survives, answers correctly, and stops cleanly', async () => {
    const name = `invitegate-loss-prisma-${randomBytes(4).toString('hex')}`;
    const gateway = await start(name);
    const byCode = `{ inviteCode(code: "${codes[0]}") { code available forAccount } }`;
    const expected = { inviteCode: { code: codes[0], available: 3, forAccount: account } };
    expect((await graphql(gateway.url, byCode)).data).toEqual(expected);

    await expectSurvived(gateway, await terminate(name));
    expect((await graphql(gateway.url, byCode)).data).toEqual(expected);
    expect(listed(await graphql(gateway.url, ACCOUNT_CODES, { a: account }))).toEqual(expectedCodes());

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(problems(gateway.stderr())).toBe('');
  }, 120_000);

  it('on the embedded Postgres, SIGTERM after a listing closes the pool before Postgres stops', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'invitegate-loss-'));
    dirs.push(dataDir);
    const gateway = await startMain({ DATA_DIR: dataDir, ADMIN_PASSWORD });
    gateways.push(gateway);
    for (let i = 0; i < 2; i++)
      expect((await graphql(gateway.url, '{ inviteCodes(first: 1) { totalCount } }')).data).toEqual({
        inviteCodes: { totalCount: 0 },
      });

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(problems(gateway.stderr())).toBe('');
    expect(warnings(gateway)).toEqual([]);
  }, 120_000);
});
