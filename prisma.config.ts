import { defineConfig } from 'prisma/config';

// Only `prisma generate` and `prisma validate` use this file: migrations go through
// scripts/db-migrate.ts and scripts/db-migration.ts (no native schema engine needed).
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
