// Postgres going away under a running gateway: fast DatabaseUnavailable, /ready 503, no crash,
// and recovery once Postgres is back.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrations.js';
import { adminAuth, ADMIN_PASSWORD } from './helpers/gateway.js';
import { startMain } from './helpers/main-process.js';

async function graphql(url: string, query: string) {
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: adminAuth },
    body: JSON.stringify({ query }),
  });
  const json = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return { ...json, ms: Date.now() - started };
}

const readyStatus = (url: string) => fetch(url.replace('/graphql', '/ready')).then((response) => response.status);

describe('database faults', () => {
  let dataDir = '';
  let database: EmbeddedDatabase | undefined;
  let gateway: ChildProcess | undefined;

  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await database?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('fails fast with DatabaseUnavailable while Postgres is down, and recovers', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'invitegate-faults-'));
    database = await startEmbeddedPostgres(dataDir);
    const port = Number(new URL(database.url).port);
    await applyMigrations(database.url);
    const started = await startMain({ DATABASE_URL: database.url, ADMIN_PASSWORD, DB_CONNECT_TIMEOUT_MS: '1000' });
    gateway = started.child;
    const { url } = started;
    const created = await graphql(url, 'mutation { createInviteCode(input: { useCount: 2 }) { code } }');
    expect(created.errors).toBeUndefined();
    expect(await readyStatus(url)).toBe(200);

    await database.stop();
    const down = await graphql(url, '{ inviteCodes(first: 1) { totalCount } }');
    expect(down.errors?.[0]?.extensions?.code).toBe('DatabaseUnavailable');
    expect(down.errors?.[0]?.extensions?.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(down.errors)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|P1001/);
    expect(down.ms).toBeLessThan(5_000);
    expect(await readyStatus(url)).toBe(503);
    expect(gateway.exitCode).toBeNull();

    database = await startEmbeddedPostgres(dataDir, { port });
    let recovered: Awaited<ReturnType<typeof graphql>> | undefined;
    for (let attempt = 0; attempt < 50 && !recovered?.data; attempt++) {
      recovered = await graphql(url, '{ inviteCodes(first: 1) { totalCount } }');
      if (!recovered.data) await new Promise((done) => setTimeout(done, 200));
    }
    expect(recovered?.errors).toBeUndefined();
    expect(recovered?.data).toEqual({ inviteCodes: { totalCount: 1 } });
    expect(await readyStatus(url)).toBe(200);

    // Under load: redemptions keep coming while Postgres stops and starts again. Every one the
    // gateway acknowledged must be stored; every refusal must say why.
    const { data } = await graphql(url, 'mutation { createInviteCode(input: { useCount: 100000 }) { code } }');
    const code = (data as { createInviteCode: { code: string } }).createInviteCode.code;
    const acknowledged: string[] = [];
    const codes = new Set<string>();
    let sent = 0;
    const worker = async () => {
      while (sent < 400) {
        const did = `did:plc:fault${String(sent++).padStart(18, '0')}`;
        const result = await graphql(
          url,
          `mutation { redeemInviteCode(input: { code: "${code}", usedBy: "${did}" }) { usedBy } }`,
        );
        if (result.data) acknowledged.push(did);
        for (const error of result.errors ?? []) codes.add(String(error.extensions?.code));
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    await new Promise((done) => setTimeout(done, 300));
    await database.stop();
    await new Promise((done) => setTimeout(done, 500));
    database = await startEmbeddedPostgres(dataDir, { port });
    await load;
    const unexpected = started
      .stdout()
      .split('\n')
      .filter((line) => line.includes('"msg":"unexpected error"'));
    // The gateway's own log says what went wrong, should anything but DatabaseUnavailable appear.
    expect(
      [...codes].filter((errorCode) => errorCode !== 'DatabaseUnavailable'),
      unexpected.join('\n').slice(0, 3000),
    ).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await graphql(url, `{ inviteCode(code: "${code}") { usedCount uses { usedBy } } }`);
    const used = new Set(
      (stored.data as { inviteCode: { uses: { usedBy: string }[] } }).inviteCode.uses.map(({ usedBy }) => usedBy),
    );
    expect(acknowledged.filter((did) => !used.has(did))).toEqual([]);
    expect((stored.data as { inviteCode: { usedCount: number } }).inviteCode.usedCount).toBe(used.size);
  }, 120_000);
});
