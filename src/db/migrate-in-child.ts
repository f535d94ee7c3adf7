// Applies migrations in a child process, so that the schema engine's WebAssembly (about 30 MB
// that it never gives back) leaves with it. Run directly, this module is that child: it reads
// the connection string from stdin and prints the applied migrations' names as JSON.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations, MIGRATIONS_DIR } from './migrations.js';

const UNDEFINED_TABLE = '42P01';

/**
 * Whether prisma/migrations holds a migration that `_prisma_migrations` does not record as
 * applied: the check a restart makes, without loading the schema engine. Anything unusual
 * (a failed or rolled-back migration) counts as pending, so that the engine deals with it.
 */
export async function hasPendingMigrations(connectionString: string): Promise<boolean> {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
  const local = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client
      .query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )
      .catch((error: { code?: string }) => {
        if (error.code === UNDEFINED_TABLE) return { rows: [] }; // a new database
        throw error;
      });
    const applied = new Set(rows.map((row) => row.migration_name));
    return local.some((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}

/** Applies the pending migrations, if any, in a child process; returns their names. */
export async function applyPendingMigrations(connectionString: string): Promise<string[]> {
  return (await hasPendingMigrations(connectionString)) ? applyMigrationsInChild(connectionString) : [];
}

const THIS_MODULE = fileURLToPath(import.meta.url);

/** applyMigrations, in a child process of the same Node (and loader: tsx in development). */
export async function applyMigrationsInChild(connectionString: string): Promise<string[]> {
  const child = spawn(process.execPath, [...process.execArgv, THIS_MODULE], { stdio: ['pipe', 'pipe', 'pipe'] });
  // The connection string may hold a password: stdin, not argv or the environment.
  child.stdin.end(connectionString);
  const [output, errors, code] = await Promise.all([
    text(child.stdout),
    text(child.stderr),
    new Promise<number | null>((exited, failed) => child.once('error', failed).once('exit', exited)),
  ]);
  if (code !== 0) throw new Error(`applying migrations failed: ${errors.trim() || `exit code ${code}`}`);
  return JSON.parse(output) as string[];
}

if (process.argv[1] === THIS_MODULE) {
  try {
    const applied = await applyMigrations((await text(process.stdin)).trim());
    process.stdout.write(JSON.stringify(applied));
    process.exit(0); // the engine leaves a timer behind
  } catch (error) {
    process.stderr.write(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
