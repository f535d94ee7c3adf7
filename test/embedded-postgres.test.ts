// The embedded Postgres keeps the gateway's secrets to the gateway: its processes get no secret
// in their environment, the gateway connects as a role that owns its database and nothing more,
// the superuser's password is never readable by others, and a DATA_DIR of the versions that
// connected as the superuser is upgraded on start.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { findClusterUser } from '../src/db/cluster-user.js';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { hasPendingMigrations } from '../src/db/migrate-in-child.js';
import { applyMigrations } from '../src/db/migrations.js';
import { findPostgresBinaries } from '../src/db/postgres-binaries.js';
import { initialiseCluster, startPostmaster } from '../src/db/postgres-process.js';
import { startMain, waitForReady } from './helpers/main-process.js';

const dirs: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function postmasterOf(dataDir: string): Promise<{ pid: number; port: number }> {
  const lines = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

async function connect(dataDir: string, user: 'postgres' | 'invitegate', database = 'invitegate'): Promise<pg.Client> {
  const passwordFile = join(dataDir, user === 'postgres' ? 'postgres-password' : 'gateway-password');
  const { port } = await postmasterOf(dataDir);
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user,
    database,
    password: (await readFile(passwordFile, 'utf8')).trim(),
  });
  await client.connect();
  return client;
}

async function query<T extends pg.QueryResultRow>(client: pg.Client, sql: string): Promise<T[]> {
  return (await client.query<T>(sql)).rows;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

const OWNERS = `SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY 1`;

describe('the embedded Postgres', () => {
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("gets none of the gateway's secrets in its environment; the gateway's role is not a superuser", async () => {
    const dataDir = await scratchDir('invitegate-secrets-');
    const secrets = {
      ADMIN_PASSWORD: `admin-${randomBytes(8).toString('hex')}`,
      JWT_SECRET: `jwt-${randomBytes(16).toString('hex')}`,
      METRICS_TOKEN: `metrics-${randomBytes(8).toString('hex')}`,
      SOME_SERVICE_API_KEY: `other-${randomBytes(8).toString('hex')}`,
    };
    const started = await startMain({ DATA_DIR: dataDir, ...secrets });
    try {
      expect(await waitForReady(started.url)).toBe(200);
      const admin = `Basic ${Buffer.from(`admin:${secrets.ADMIN_PASSWORD}`).toString('base64')}`;
      const created = await fetch(started.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: admin },
        body: JSON.stringify({ query: 'mutation { createInviteCode(input: { useCount: 1 }) { code } }' }),
      });
      expect(((await created.json()) as { errors?: unknown }).errors).toBeUndefined();

      const { pid } = await postmasterOf(dataDir);
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
      const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
      expect(names.filter((name) => !/^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ)$/.test(name))).toEqual([]);
      for (const value of Object.values(secrets)) expect(environ.join('\n')).not.toContain(value);

      for (const file of ['postgres-password', 'gateway-password'])
        expect(statSync(join(dataDir, file)).mode & 0o777).toBe(0o600);

      // The gateway's own connections are the gateway role's.
      const superuser = await connect(dataDir, 'postgres');
      const users = await query<{ usename: string }>(
        superuser,
        `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'invitegate' AND pid <> pg_backend_pid()`,
      );
      await superuser.end();
      expect(users.map(({ usename }) => usename)).toEqual(['invitegate']);

      const gateway = await connect(dataDir, 'invitegate');
      try {
        expect(
          await query(
            gateway,
            `SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user`,
          ),
        ).toEqual([{ rolsuper: false, rolcreaterole: false, rolcreatedb: false }]);
        expect(
          await query(gateway, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'invitegate'`),
        ).toEqual([{ owner: 'invitegate' }]);
        await expect(gateway.query(`COPY invite_code (code) FROM PROGRAM 'id'`)).rejects.toMatchObject({
          code: '42501',
        });
        await expect(gateway.query(`COPY (SELECT 1) TO PROGRAM 'true'`)).rejects.toMatchObject({ code: '42501' });
        await expect(gateway.query(`SELECT pg_read_file('postgresql.conf')`)).rejects.toMatchObject({ code: '42501' });
      } finally {
        await gateway.end();
      }
    } finally {
      started.child.kill('SIGTERM');
      await started.exited;
    }
  }, 120_000);

  it("never leaves the superuser's password readable by others, not even while initdb runs", async () => {
    const dataDir = await scratchDir('invitegate-pwfile-');
    const places = [tmpdir(), dataDir];
    const before = new Set((await readdir(tmpdir())).map((name) => join(tmpdir(), name)));
    const readable = new Map<string, string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const place of places) {
          const entries = await readdir(place, { recursive: place === dataDir }).catch(() => []);
          for (const entry of entries) {
            const path = join(place, entry);
            if (before.has(path) || path.startsWith(join(dataDir, 'postgres'))) continue;
            const stats = await stat(path).catch(() => undefined);
            if (!stats?.isFile() || !(stats.mode & 0o044) || stats.size > 4096) continue;
            const content = await readFile(path, 'utf8').catch(() => undefined);
            if (content !== undefined) readable.set(path, content);
          }
        }
        await new Promise((tick) => setImmediate(tick));
      }
    })();
    try {
      const database = await startEmbeddedPostgres(dataDir);
      await database.stop();
    } finally {
      watching = false;
      await watch;
    }
    const password = (await readFile(join(dataDir, 'postgres-password'), 'utf8')).trim();
    expect([...readable].filter(([, content]) => content.includes(password)).map(([path]) => path)).toEqual([]);
  }, 120_000);

  it('upgrades a DATA_DIR that the gateway used as the superuser: the gateway role comes to own ' +
    'everything', async () => {
    // The old layout: the cluster and postgres-password, database and tables owned by the superuser.
    const dataDir = await scratchDir('invitegate-upgrade-');
    const password = randomBytes(24).toString('base64url');
    await writeFile(join(dataDir, 'postgres-password'), `${password}\n`, { mode: 0o600 });
    const user = await findClusterUser();
    const binaries = await findPostgresBinaries(user);
    const clusterDir = join(dataDir, 'postgres');
    if (user) await chmod(dataDir, 0o711);
    await initialiseCluster(binaries.initdb, {
      clusterDir,
      privateParent: dataDir,
      superuser: 'postgres',
      password,
      user,
      log: () => {},
    });
    const port = await freePort();
    const postmaster = await startPostmaster(binaries.postgres, {
      clusterDir,
      port,
      flags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      user,
      log: () => {},
    });
    const superuserUrl = `postgresql://postgres:${password}@127.0.0.1:${port}`;
    try {
      const maintenance = new pg.Client({ connectionString: `${superuserUrl}/postgres` });
      await maintenance.connect();
      await maintenance.query('CREATE DATABASE invitegate');
      await maintenance.end();
      await applyMigrations(`${superuserUrl}/invitegate`);
      const legacy = new pg.Client({ connectionString: `${superuserUrl}/invitegate` });
      await legacy.connect();
      await legacy.query(
        `INSERT INTO invite_code (code, available_uses, for_account, created_by)
         VALUES ('old-code', 1, 'admin', 'admin')`,
      );
      // What later migrations may add: an enum, a serial column and a sequence of its own.
      await legacy.query(
        `CREATE TYPE mood AS ENUM ('ok');
         CREATE TABLE counter (id serial PRIMARY KEY, mood mood);
         CREATE SEQUENCE loose`,
      );
      await legacy.end();
    } finally {
      await postmaster.stop();
    }

    const database = await startEmbeddedPostgres(dataDir);
    try {
      expect(new URL(database.url).username).toBe('invitegate');
      expect(statSync(join(dataDir, 'gateway-password')).mode & 0o777).toBe(0o600);
      const gateway = new pg.Client({ connectionString: database.url });
      await gateway.connect();
      try {
        expect(await query(gateway, `SELECT code FROM invite_code`)).toEqual([{ code: 'old-code' }]);
        await gateway.query(`INSERT INTO invite_code_use (code, used_by) VALUES ('old-code', 'did:plc:upgraded')`);
        await gateway.query(`INSERT INTO counter (mood) VALUES ('ok'); SELECT nextval('loose')`);
        // The old objects, and the tables of migrations applied since (created by the gateway role).
        const owners = await query(gateway, OWNERS);
        expect(owners.filter(({ owner }) => owner !== 'invitegate')).toEqual([]);
        expect(owners.map(({ name }) => name)).toEqual(
          expect.arrayContaining([
            '_prisma_migrations',
            'counter',
            'counter_id_seq',
            'invite_code',
            'invite_code_use',
            'loose',
          ]),
        );
        expect(
          await query(gateway, `SELECT pg_get_userbyid(typowner) AS owner FROM pg_type WHERE typname = 'mood'`),
        ).toEqual([{ owner: 'invitegate' }]);
        expect(await query(gateway, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`)).toEqual([
          { rolsuper: false },
        ]);
      } finally {
        await gateway.end();
      }
      expect(await hasPendingMigrations(database.url)).toBe(false);
      expect(await applyMigrations(database.url)).toEqual([]);
    } finally {
      await database.stop();
    }
    // And the next start finds everything in order.
    const again = await startEmbeddedPostgres(dataDir);
    const client = await connect(dataDir, 'invitegate');
    expect(await query(client, `SELECT count(*)::int AS uses FROM invite_code_use`)).toEqual([{ uses: 1 }]);
    await client.end();
    await again.stop();
  }, 180_000);
});
