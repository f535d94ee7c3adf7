// Gives the test run a Postgres of its own, with the migrations applied: a fresh database on
// the server at DATABASE_URL, or else a fresh embedded Postgres in a temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { applyMigrations } from '../../src/db/migrations.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The gateway's connection: on the embedded Postgres, a role that is not a superuser. */
    databaseUrl: string;
    /** A superuser on the same database, for what the gateway may not do (a shadow database). */
    superuserUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  const database = serverUrl ? await createScratchDatabase(serverUrl) : await startScratchEmbedded();
  await applyMigrations(database.url);
  project.provide('databaseUrl', database.url);
  project.provide('superuserUrl', database.superuserUrl);
  return database.drop;
}

async function createScratchDatabase(serverUrl: string) {
  const name = `invitegate_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    superuserUrl: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function startScratchEmbedded() {
  const dataDir = await mkdtemp(join(tmpdir(), 'invitegate-test-'));
  const embedded = await startEmbeddedPostgres(dataDir);
  return {
    url: embedded.url,
    superuserUrl: embedded.superuserUrl,
    drop: async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
