import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { applyMigrations, diffMigrationsToSchema } from '../src/db/migrations.js';

describe('prisma/migrations', () => {
  it('agree with prisma/schema.prisma (else run `npm run db:migration -- <name>`)', async () => {
    expect(await diffMigrationsToSchema(inject('databaseUrl'))).toBe('');
  });

  it('are all applied, and applying again changes nothing', async () => {
    expect(await applyMigrations(inject('databaseUrl'))).toEqual([]);
  });
});
