// Applies migrations in a child process, so that the schema engine's WebAssembly (about 30 MB
// that it never gives back) leaves with it. Run directly, this module is that child: it reads
// the connection string from stdin and prints the applied migrations' names as JSON.
import { spawn } from 'node:child_process';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { applyMigrations } from './migrations.js';

const THIS_MODULE = fileURLToPath(import.meta.url);

/** applyMigrations, in a child process of the same Node (and loader: tsx in development). */
export async function applyMigrationsInChild(connectionString: string): Promise<string[]> {
  const child = spawn(process.execPath, [...process.execArgv, THIS_MODULE], { stdio: ['pipe', 'pipe', 'pipe'] });
  // The connection string may hold a password: stdin, not argv or the environment.
  child.stdin.end(connectionString);
  const [output, errors, code] = await Promise.all([
    text(child.stdout),
    text(child.stderr),
    new Promise<number | null>((exited, failed) => child.once('error', failed).once('exit', exited)),
  ]);
  if (code !== 0) throw new Error(`applying migrations failed: ${errors.trim() || `exit code ${code}`}`);
  return JSON.parse(output) as string[];
}

if (process.argv[1] === THIS_MODULE) {
  try {
    const applied = await applyMigrations((await text(process.stdin)).trim());
    process.stdout.write(JSON.stringify(applied));
    process.exit(0); // the engine leaves a timer behind
  } catch (error) {
    process.stderr.write(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
