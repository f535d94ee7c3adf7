import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const NAME = 'postgres';

/** The system user that runs the embedded cluster. */
export interface ClusterUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * As root: the `postgres` system user, created if missing, since Postgres refuses to run as
 * root. Otherwise undefined: Postgres runs as the current user.
 */
export async function findClusterUser(): Promise<ClusterUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await idsOf(NAME);
  if (existing) return existing;
  await run('groupadd', ['--force', NAME]);
  await run('useradd', ['--system', '--gid', NAME, '--no-create-home', '--shell', '/usr/sbin/nologin', NAME]);
  const created = await idsOf(NAME);
  if (!created) throw new Error(`could not create the system user "${NAME}" that runs the embedded Postgres`);
  return created;
}

async function idsOf(name: string): Promise<ClusterUser | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * The first directory on `path` (absolute, symlinks resolved) that `user` may not enter, if
 * any. Only its uid and primary gid count: spawning with a uid drops supplementary groups.
 */
export async function firstUnreachableDirectory(path: string, user: ClusterUser): Promise<string | undefined> {
  const directories: string[] = [];
  for (let directory = path; ; directory = dirname(directory)) {
    directories.unshift(directory);
    if (dirname(directory) === directory) break;
  }
  for (const directory of directories) {
    const { uid, gid, mode } = await stat(directory);
    const search = uid === user.uid ? 0o100 : gid === user.gid ? 0o010 : 0o001;
    if (!(mode & search)) return directory;
  }
  return undefined;
}
