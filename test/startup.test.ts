// The real entry point (src/main.ts) on the embedded Postgres: start, serve, stop, restart.
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runToExit, startMain, waitForReady } from './helpers/main-process.js';

async function graphql(url: string, authorization: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, { code: string } | null>; errors?: unknown[] };
}

describe('npm start (src/main.ts) on the embedded Postgres', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('starts, serves, stops on SIGTERM, and reuses its data on the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'invitegate-start-'));
    dirs.push(dataDir);

    const first = await startMain({ DATA_DIR: dataDir, SERVICE_HOSTNAME: 'pds.start.example' });
    expect(await waitForReady(first.url)).toBe(200);
    const header = /"Authorization": "(Basic [A-Za-z0-9+/=]+)"/.exec(first.stderr())?.[1];
    expect(header).toBeDefined();

    const passwordFile = join(dataDir, 'postgres-password');
    expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
    const pid = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
    const client = new pg.Client({
      host: '127.0.0.1',
      port: Number(pid[3]),
      user: 'postgres',
      password: (await readFile(passwordFile, 'utf8')).trim(),
      database: 'invitegate',
    });
    await client.connect();
    expect((await client.query('SHOW listen_addresses')).rows[0].listen_addresses).toBe('127.0.0.1');
    await client.end();

    const created = await graphql(first.url, header!, 'mutation { createInviteCode(input: { useCount: 3 }) { code } }');
    const code = created.data?.createInviteCode?.code;
    expect(code).toMatch(/^pds-start-example-[a-z2-7]{5}-[a-z2-7]{5}$/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await startMain({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'second-run-password' });
    await waitForReady(second.url);
    expect(second.stderr()).not.toContain('generated one');
    const admin = `Basic ${Buffer.from('admin:second-run-password').toString('base64')}`;
    const found = await graphql(second.url, admin, `{ inviteCode(code: "${code}") { code } }`);
    expect(found.data?.inviteCode?.code).toBe(code);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 120_000);

  it('with DATABASE_URL set, starts nothing embedded', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'invitegate-url-')), 'unused');
    dirs.push(dataDir);
    const started = await startMain({ DATA_DIR: dataDir, DATABASE_URL: inject('databaseUrl') });
    expect(await waitForReady(started.url)).toBe(200);
    expect(existsSync(dataDir)).toBe(false);
    started.child.kill('SIGTERM');
    expect(await started.exited).toBe(0);
  }, 60_000);

  it('refuses a second gateway on the same DATA_DIR, and a port in use, stopping cleanly', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'invitegate-busy-'));
    dirs.push(dataDir);
    const first = await startMain({ DATA_DIR: dataDir });
    await waitForReady(first.url);
    const port = new URL(first.url).port;

    const second = await runToExit({ DATA_DIR: dataDir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/DATA_DIR .* is in use by another running process/);

    const otherDir = await mkdtemp(join(tmpdir(), 'invitegate-port-'));
    dirs.push(otherDir);
    const third = await runToExit({ DATA_DIR: otherDir, PORT: port });
    expect(third.code).toBe(1);
    expect(third.stderr).toContain(`PORT ${port} is already in use`);
    expect(existsSync(join(otherDir, 'postgres', 'postmaster.pid'))).toBe(false);

    expect(await waitForReady(first.url)).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 90_000);

  it('on SIGTERM, finishes requests in flight before stopping', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'invitegate-drain-'));
    dirs.push(dataDir);
    const started = await startMain({ DATA_DIR: dataDir, ADMIN_PASSWORD: 'drain-password' });
    await waitForReady(started.url);
    const admin = `Basic ${Buffer.from('admin:drain-password').toString('base64')}`;
    const accounts = Array.from({ length: 10 }, (_, i) => `did:plc:drain${String(i).padStart(19, '0')}`);
    const inFlight = fetch(started.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: admin },
      body: JSON.stringify({
        query:
          'mutation($a: [Did!]) { createInviteCodes(input: { codeCount: 1000, useCount: 1, forAccounts: $a }) ' +
          '{ codes { code } } }',
        variables: { a: accounts },
      }),
    }).then(async (response) => ({
      respondedAt: Date.now(),
      ...((await response.json()) as { data?: { createInviteCodes: { codes: unknown[] }[] } }),
    }));
    await new Promise((done) => setTimeout(done, 150));
    const killedAt = Date.now();
    started.child.kill('SIGTERM');
    const result = await inFlight;
    expect(result.respondedAt).toBeGreaterThan(killedAt); // the signal came while the request ran
    expect(result.data?.createInviteCodes.flatMap(({ codes }) => codes)).toHaveLength(10_000);
    expect(await started.exited).toBe(0);
    await expect(fetch(started.url.replace('/graphql', '/health'))).rejects.toThrow();
  }, 60_000);

  it('refuses an invalid setting at start-up, naming the variable', async () => {
    const { code, stderr } = await runToExit({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid PORT');
  });
});
