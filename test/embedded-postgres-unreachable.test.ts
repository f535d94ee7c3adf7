// As root, Postgres runs as the `postgres` user, which may be unable to enter the directories
// of a clone under /root or another mode 0700 directory: the binaries then run from a copy it
// can reach, and a DATA_DIR it cannot reach stops the start with one message that says why.
import { mkdir, mkdtemp, readFile, readlink, realpath, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { findPostgresBinaries } from '../src/db/postgres-binaries.js';
import { runToExit } from './helpers/main-process.js';

const dirs: string[] = [];
async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix)); // mode 0700
  dirs.push(dir);
  return dir;
}

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('as root, in a directory that the postgres user cannot enter', () => {
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('runs the binaries from a copy that user can reach', async () => {
    const closed = await scratchDir('invitegate-closed-');
    const nativeDir = join(closed, 'native');
    const packaged = await findPostgresBinaries(undefined); // where the package keeps them
    await symlink(join(packaged.postgres, '..', '..'), nativeDir);
    const dataDir = await scratchDir('invitegate-copy-');
    const database = await startEmbeddedPostgres(dataDir, { nativeDir });
    try {
      const pid = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      const executable = await readlink(`/proc/${pid}/exe`);
      // The kernel shows the real path: running the package through the symlink's target would
      // not be under `closed` either, yet a real clone there has no such way out.
      expect(executable.startsWith(closed)).toBe(false);
      expect(executable.startsWith(`${await realpath(join(packaged.postgres, '..', '..'))}/`)).toBe(false);
      expect(executable.startsWith(join(tmpdir(), 'invitegate-postgres-'))).toBe(true);
      const copy = join(executable, '..', '..');
      const stats = await stat(copy);
      expect([stats.uid, stats.mode & 0o022]).toEqual([0, 0]);
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await client.end();
    } finally {
      await database.stop();
    }
  }, 120_000);

  it('where not even the copy can be reached, refuses with a message instead of an error event', async () => {
    const closed = await scratchDir('invitegate-closed-');
    const nativeDir = join(closed, 'native');
    await symlink(join((await findPostgresBinaries(undefined)).postgres, '..', '..'), nativeDir);
    const dataDir = await scratchDir('invitegate-nocopy-');
    const savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = closed; // where the copy would go: as closed as the package
    try {
      await expect(startEmbeddedPostgres(dataDir, { nativeDir })).rejects.toThrow(
        `can run neither ${nativeDir} nor its copy in ${closed}/invitegate-postgres-`,
      );
    } finally {
      if (savedTmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmpdir;
    }
  }, 60_000);

  it('with DATA_DIR there, npm start stops with one message that names the directory and the ways out', async () => {
    const closed = await scratchDir('invitegate-closed-');
    const dataDir = join(closed, 'project', '.data');
    await mkdir(dataDir, { recursive: true });
    const { code, stderr } = await runToExit({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).not.toContain("Unhandled 'error' event");
    expect(stderr).toContain(`cannot enter ${closed} to reach DATA_DIR ${dataDir}`);
    expect(stderr).toMatch(/Set DATA_DIR to a directory it can reach .*a user other than root.*DATABASE_URL/);
  }, 60_000);
});
