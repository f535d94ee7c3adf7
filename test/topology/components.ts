// The topology's real components, as child processes: Postgres (a fresh database on a running
// server), PgBouncer and HAProxy with the committed configs in deploy/, and gateway instances
// (src/main.ts, as `npm start` runs it). The topology test and the bench share them.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findClusterUser } from '../../src/db/cluster-user.js';
import { applyMigrations } from '../../src/db/migrations.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEPLOY = join(ROOT, 'deploy');

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
}

/** Debian installs both daemons in /usr/sbin, which an ordinary user's PATH may lack. */
function daemon(name: string): string {
  return existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name;
}

function run(command: string, args: string[], options: Parameters<typeof spawn>[2] = {}): Running {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    child.once('error', (error) => {
      output += String(error);
      done(-1);
    });
  });
  return {
    child,
    output: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const address = server.address();
  await new Promise((closed) => server.close(closed));
  return typeof address === 'object' && address ? address.port : 0;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((later) => setTimeout(later, 100));
  }
  throw new Error(`${what}: not ready within ${timeoutMs} ms`);
}

export interface Database {
  /** Straight to Postgres: migrations and LISTEN. */
  directUrl: string;
  host: string;
  port: number;
  name: string;
  drop: () => Promise<void>;
}

/** A fresh database, migrated, on the Postgres server at `serverUrl` (a superuser). */
export async function createDatabase(serverUrl: string): Promise<Database> {
  const name = `invitegate_topology_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return {
    directUrl: url.toString(),
    host: url.hostname,
    port: Number(url.port || 5432),
    name,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export interface Pooler extends Running {
  /** The gateway's DATABASE_URL: the database on PgBouncer. */
  url: string;
}

/** deploy/pgbouncer.ini with the lines the topology sets changed; run as `postgres` when root. */
export async function startPgBouncer(database: Database, directory: string): Promise<Pooler> {
  const port = await freePort();
  const user = new URL(database.directUrl).username || 'postgres';
  const set = (text: string, key: string, value: string) =>
    text.replace(new RegExp(`^${key} = .*$`, 'm'), `${key} = ${value}`);
  let ini = await readFile(join(DEPLOY, 'pgbouncer.ini'), 'utf8');
  ini = ini.replace(
    /^invitegate = host=\S+ port=\d+ dbname=\S+/m,
    `invitegate = host=${database.host} port=${database.port} dbname=${database.name}`,
  );
  ini = set(ini, 'listen_port', String(port));
  ini = set(ini, 'auth_file', join(directory, 'userlist.txt'));
  ini = set(ini, 'logfile', join(directory, 'pgbouncer.log'));
  ini = set(ini, 'pidfile', join(directory, 'pgbouncer.pid'));
  await writeFile(join(directory, 'pgbouncer.ini'), ini);
  await writeFile(join(directory, 'userlist.txt'), `"${user}" ""\n`);
  // PgBouncer refuses to run as root, like Postgres.
  const owner = await findClusterUser();
  if (owner)
    for (const file of ['', 'pgbouncer.ini', 'userlist.txt']) await chown(join(directory, file), owner.uid, owner.gid);
  const running = run(
    daemon('pgbouncer'),
    [join(directory, 'pgbouncer.ini')],
    owner ? { uid: owner.uid, gid: owner.gid } : {},
  );
  const url = `postgresql://${user}@127.0.0.1:${port}/invitegate`;
  await waitFor('PgBouncer', async () => {
    if (running.child.exitCode !== null) throw new Error(`PgBouncer exited: ${running.output()}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.end();
    return true;
  });
  return { ...running, url };
}

export interface Balancer extends Running {
  origin: string;
}

/** deploy/haproxy.cfg as it is, its ports from the environment. */
export async function startHaproxy(gatewayPorts: number[]): Promise<Balancer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, LB_PORT: String(port) };
  for (const [i, gatewayPort] of gatewayPorts.entries()) env[`GATEWAY_${i + 1}_PORT`] = String(gatewayPort);
  const running = run(daemon('haproxy'), ['-db', '-f', join(DEPLOY, 'haproxy.cfg')], { env });
  const origin = `http://127.0.0.1:${port}`;
  await waitFor('HAProxy', async () => {
    if (running.child.exitCode !== null) throw new Error(`HAProxy exited: ${running.output()}`);
    return (await fetch(`${origin}/ready`)).ok;
  });
  return { ...running, origin };
}

export interface Instance {
  port: number;
  origin: string;
  process: Running | undefined;
  start: () => Promise<void>;
  stop: () => Promise<void>;
}

/** A gateway instance (src/main.ts) on a fixed port, that can be stopped and started again. */
export async function gatewayInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    port,
    origin,
    process: undefined,
    start: async () => {
      const running = run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      });
      instance.process = running;
      await waitFor(
        `gateway on port ${port}`,
        async () => {
          if (running.child.exitCode !== null) throw new Error(`gateway exited: ${running.output()}`);
          return (await fetch(`${origin}/ready`)).ok;
        },
        90_000,
      );
    },
    stop: async () => {
      await instance.process?.stop();
      instance.process = undefined;
    },
  };
  return instance;
}

/** A directory the `postgres` user may enter (mkdtemp's are 0700 and root's). */
export async function scratchDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'invitegate-topology-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
