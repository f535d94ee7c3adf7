import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withSchemaEngine, type SchemaEngine } from './schema-engine.js';

const PRISMA_DIR = resolve(fileURLToPath(import.meta.url), '../../../prisma');
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');
const NO_FILTER = { externalTables: [], externalEnums: [] };

type MigrationList = Parameters<SchemaEngine['applyMigrations']>[0]['migrationsList'];

/** Reads prisma/migrations in the shape the schema engine expects (as the Prisma CLI does). */
async function readMigrations(): Promise<MigrationList> {
  const lockPath = join(MIGRATIONS_DIR, 'migration_lock.toml');
  const lockContent = await readFile(lockPath, 'utf8').catch(() => null);
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (path) => {
      const content = await readFile(join(MIGRATIONS_DIR, path, 'migration.sql'), 'utf8').then(
        (value) => ({ tag: 'ok' as const, value }),
        (error: Error) => ({ tag: 'error' as const, value: error.message }),
      );
      return { path, migrationFile: { path: 'migration.sql', content } };
    }),
  );
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: 'migration_lock.toml', content: lockContent },
    migrationDirectories,
    shadowDbInitScript: '',
  };
}

async function readDatamodel() {
  return { path: SCHEMA_PATH, content: await readFile(SCHEMA_PATH, 'utf8') };
}

/** Applies pending migrations; returns the names of those it applied. */
export async function applyMigrations(connectionString: string): Promise<string[]> {
  const migrationsList = await readMigrations();
  return withSchemaEngine(connectionString, await readDatamodel(), async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return appliedMigrationNames;
  });
}

/**
 * The SQL that would bring a database built from prisma/migrations to schema.prisma;
 * empty when the two agree. Replays the migrations in a temporary shadow database.
 */
export async function diffMigrationsToSchema(connectionString: string, schema?: string): Promise<string> {
  const migrationsList = await readMigrations();
  const datamodel = schema === undefined ? await readDatamodel() : { path: SCHEMA_PATH, content: schema };
  return withSchemaEngine(connectionString, datamodel, async (engine) => {
    const result = await engine.diff({
      from: { tag: 'migrations', ...migrationsList },
      to: { tag: 'schemaDatamodel', files: [datamodel] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 0: no difference (stdout then holds only an "empty migration" comment).
    return result.exitCode === 0 ? '' : (result.stdout ?? '').trim();
  });
}
