import { describe, expect, inject, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { applyMigrations, diffMigrationsToSchema, SCHEMA_PATH } from '../src/db/migrations.js';

describe('prisma/migrations', () => {
  it('agree with prisma/schema.prisma (else run `npm run db:migration -- <name>`)', async () => {
    expect(await diffMigrationsToSchema(inject('databaseUrl'))).toBe('');
  });

  it('are found to disagree when schema.prisma changes', async () => {
    const schema = await readFile(SCHEMA_PATH, 'utf8');
    const changed = schema.replace('  disabled   Boolean', '  note       String?\n  disabled   Boolean');
    expect(changed).not.toBe(schema);
    expect(await diffMigrationsToSchema(inject('databaseUrl'), changed)).toMatch(/ALTER TABLE "invite_code" ADD COLUMN\s+"note" TEXT/);
  });

  it('are all applied, and applying again changes nothing', async () => {
    expect(await applyMigrations(inject('databaseUrl'))).toEqual([]);
  });
});
