// npm run db:migrate: applies pending migrations in prisma/migrations.
import { withDatabase } from '../src/db/database.js';
import { applyMigrations } from '../src/db/migrations.js';
import { readConfig } from '../src/config.js';
import { runScript } from './run-script.js';

runScript(() =>
  withDatabase(readConfig(), async (url) => {
    const applied = await applyMigrations(url);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  }),
);
