import { describe, expect, inject, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, diffMigrationsToSchema, SCHEMA_PATH } from '../src/db/migrations.js';
import { applyPendingMigrations, hasPendingMigrations } from '../src/db/migrate-in-child.js';

describe('prisma/migrations', () => {
  it('agree with prisma/schema.prisma (else run `npm run db:migration -- <name>`)', async () => {
    expect(await diffMigrationsToSchema(inject('superuserUrl'))).toBe('');
  });

  it('are found to disagree when schema.prisma changes', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const changed = schema.replace('  disabled   Boolean', '  note       String?\n  disabled   Boolean');
    expect(changed).not.toBe(schema);
    expect(await diffMigrationsToSchema(inject('superuserUrl'), changed)).toMatch(
      /ALTER TABLE "invite_code" ADD COLUMN\s+"note" TEXT/,
    );
  });

  it('are all applied, and applying again changes nothing', async () => {
    expect(await applyMigrations(inject('databaseUrl'))).toEqual([]);
  });

  it('are seen as applied without the schema engine, and as pending where there is no _prisma_migrations', async () => {
    const url = inject('databaseUrl');
    expect(await hasPendingMigrations(url)).toBe(false);
    expect(await applyPendingMigrations(url)).toEqual([]);
    // An empty schema first on the search path stands for a new database.
    const schema = `empty_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const elsewhere = new URL(url);
      elsewhere.searchParams.set('options', `-c search_path=${schema}`);
      expect(await hasPendingMigrations(elsewhere.toString())).toBe(true);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});
