// npm run db:migration -- <name>: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that brings the existing migrations to prisma/schema.prisma.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDatabase } from '../src/db/database.js';
import { diffMigrationsToSchema, MIGRATIONS_DIR } from '../src/db/migrations.js';
import { readConfig } from '../src/config.js';
import { runScript } from './run-script.js';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name>   (name: lower-case letters, digits, _)');
  process.exit(2);
}

runScript(
  () =>
    withDatabase(
      readConfig(),
      async (url) => {
        const sql = await diffMigrationsToSchema(url);
        if (sql === '') {
          console.log('schema.prisma and prisma/migrations agree: no migration written.');
          return;
        }
        const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
        const directory = join(MIGRATIONS_DIR, `${stamp}_${name}`);
        await mkdir(directory, { recursive: true });
        await writeFile(join(directory, 'migration.sql'), `${sql}\n`);
        console.log(`wrote ${join(directory, 'migration.sql')}`);
      },
      { superuser: true },
    ), // the diff replays the migrations in a shadow database it creates
);
