// Builds the generated code after `npm install`: the Prisma client and Pothos types, then the
// typed GraphQL documents (when the dev dependencies are installed).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `prisma generate` only checks that a schema-engine binary file exists and never runs it;
// allowScripts keeps Prisma from downloading one, so any existing file (this one) will do.
run('npx', ['--no-install', 'prisma', 'generate'], {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
});

if (existsSync('node_modules/@graphql-codegen/cli'))
  run('npx', ['--no-install', 'graphql-codegen', '--config', 'codegen.yml', '--silent']);
