// The pool of src/db/prisma.ts when its connections fail: a reset socket, a backend terminated
// while a statement runs (hand-written or in a Prisma transaction), and a shutdown meanwhile.
// Each failure is reported once, fails only what ran on that connection, and never goes unhandled.
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectPrisma, disconnectPrisma, getPrisma, poolStats, queryRow } from '../src/db/prisma.js';

/** A TCP proxy in front of Postgres whose connections the test can reset. */
async function startProxy(upstream: URL) {
  const open = new Set<{ gateway: Socket; postgres: Socket }>();
  const server: Server = createServer((gateway) => {
    const postgres = connect(Number(upstream.port || 5432), upstream.hostname);
    const pair = { gateway, postgres };
    open.add(pair);
    const close = () => {
      open.delete(pair);
      gateway.destroy();
      postgres.destroy();
    };
    for (const socket of [gateway, postgres]) socket.on('error', close).on('close', close);
    gateway.pipe(postgres).pipe(gateway);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    /** Resets every connection (the gateway's side reads ECONNRESET); returns how many. */
    resetAll(): number {
      const pairs = [...open];
      for (const { gateway, postgres } of pairs) {
        gateway.resetAndDestroy();
        postgres.destroy();
      }
      return pairs.length;
    },
    close: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await condition()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the pool when connections fail', () => {
  const admin = new pg.Client({ connectionString: inject('databaseUrl') });
  const name = `invitegate-pool-${randomBytes(4).toString('hex')}`;
  const errors: (Error & { code?: string })[] = [];
  let proxy: Awaited<ReturnType<typeof startProxy>>;

  beforeAll(async () => {
    await admin.connect();
    proxy = await startProxy(new URL(inject('databaseUrl')));
  });
  afterEach(async () => {
    await disconnectPrisma();
    // Backends whose client vanished with a reset socket sleep on otherwise.
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [await backends()]);
  });
  afterAll(async () => {
    await admin.end();
    await proxy.close();
  });

  /** Connects through the proxy, with an application_name that singles out these connections. */
  function connectThroughProxy() {
    errors.length = 0;
    const url = new URL(inject('databaseUrl'));
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    url.searchParams.set('application_name', name);
    connectPrisma(url.toString(), { onConnectionError: (error) => errors.push(error) });
  }

  /** These connections' backends; with `statement`, only those running it. */
  const backends = async (statement?: string) =>
    (
      await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
         WHERE application_name = $1 AND ($2::text IS NULL OR (state = 'active' AND query LIKE '%' || $2 || '%'))`,
        [name, statement ?? null],
      )
    ).rows.map(({ pid }) => pid);
  const running = (statement: string) => until(async () => (await backends(statement)).length > 0, statement);

  it('reports an idle connection’s socket error once, and serves the next statement on a new one', async () => {
    connectThroughProxy();
    expect(await queryRow('SELECT 1 AS one', [])).toEqual({ one: 1 });
    const before = poolStats()!.connectionErrors;
    expect(proxy.resetAll()).toBe(1);
    await until(() => errors.length > 0, 'the report');
    await new Promise((done) => setTimeout(done, 200));
    expect(errors.map((error) => error.code)).toEqual(['ECONNRESET']);
    expect(poolStats()!.connectionErrors).toBe(before + 1);
    expect(await queryRow('SELECT 2 AS two', [])).toEqual({ two: 2 });
  });

  it('fails only the statement whose connection breaks while it runs, on either path', async () => {
    connectThroughProxy();
    // A socket error under a statement: pg fails the statement and emits 'error' on the connection.
    const sleeping = queryRow('SELECT pg_sleep(20.1) AS slept', []).then(
      () => new Error('the statement was not ended'),
      (error: unknown) => error,
    );
    await running('pg_sleep(20.1)');
    proxy.resetAll();
    expect(String(await sleeping)).toMatch(/ECONNRESET/);
    expect(await queryRow('SELECT 1 AS one', [])).toEqual({ one: 1 });

    const transaction = getPrisma()
      .$transaction(async (tx) => tx.$queryRaw`SELECT pg_sleep(20.2)`)
      .then(
        () => 'committed',
        () => 'failed',
      );
    await running('pg_sleep(20.2)');
    proxy.resetAll();
    expect(await transaction).toBe('failed');
    expect(await getPrisma().$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
    await until(() => errors.length >= 2, 'the reports');
    expect(errors.map((error) => error.code)).toEqual(['ECONNRESET', 'ECONNRESET']);

    // Postgres ending the connection under a statement: the statement fails with the reason. The
    // rejection is caught at once: it may come before pg_terminate_backend returns.
    const terminated = queryRow('SELECT pg_sleep(20.3) AS slept', []).then(
      () => new Error('the statement was not ended'),
      (error: unknown) => error,
    );
    await running('pg_sleep(20.3)');
    await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
      await backends('pg_sleep(20.3)'),
    ]);
    expect(String(await terminated)).toMatch(/terminating connection/);
    expect(await queryRow('SELECT 1 AS one', [])).toEqual({ one: 1 });
  });

  it('names its connections "invitegate" in pg_stat_activity, unless the URL names them', async () => {
    connectPrisma(inject('databaseUrl'));
    const { pid } = (await queryRow('SELECT pg_backend_pid() AS pid', [])) as { pid: number };
    const { rows } = await admin.query('SELECT application_name FROM pg_stat_activity WHERE pid = $1', [pid]);
    expect(rows).toEqual([{ application_name: 'invitegate' }]);
    await disconnectPrisma();
    connectThroughProxy();
    const named = (await queryRow('SELECT current_setting($1) AS name', ['application_name'])) as { name: string };
    expect(named.name).toBe(name);
  });

  it('disconnects while Postgres terminates the connections, and leaves none open', async () => {
    connectThroughProxy();
    await Promise.all([1, 2, 3].map(() => queryRow('SELECT pg_sleep(0.1) AS slept', [])));
    const pids = await backends();
    expect(pids.length).toBeGreaterThan(1);
    await Promise.all([
      disconnectPrisma(),
      admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]),
    ]);
    expect(poolStats()).toBeUndefined();

    // Without terminations too: the pool of a gateway that never went through Prisma is closed.
    connectThroughProxy();
    await queryRow('SELECT 1 AS one', []);
    expect(await backends()).toHaveLength(1);
    await disconnectPrisma();
    await until(async () => (await backends()).length === 0, 'the connections to close');
    await new Promise((done) => setTimeout(done, 100));
  });
});
