// Builds the generated code (Prisma client, Pothos types) after `npm install`.
// `prisma generate` only checks that a schema-engine binary file exists and never runs it;
// npm's allowScripts keeps Prisma from downloading one, so point it at this file instead.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url), PRISMA_HIDE_UPDATE_MESSAGE: '1' };
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
