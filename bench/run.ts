// npm run bench -- [--scale 10000] [--seconds 10] [--rounds 3] [--connections 16,64] [--only q1,q3]
//                  [--soak 300] [--startup] [--write] [--profile DIR]
// Measures the production gateway (compiled, NODE_ENV=production) against a Postgres with a
// deterministic dataset; q1 also against a hand-written SQL baseline, in the same run.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrations.js';
import { startBaselineServer } from './baseline-server.js';
import { deepUsageCursor, loadDataset } from './dataset.js';
import { startGatewayProcess, treeRssMb, waitForReady } from './gateway-process.js';
import { measure, median, type LoadResult } from './load.js';
import { operations, type Operation } from './operations.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16,64' },
    only: { type: 'string' },
    soak: { type: 'string', default: '0' },
    startup: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    // Writes the gateway's CPU profile (node --cpu-prof) into DIR when it stops.
    profile: { type: 'string' },
  },
});
const scale = Number(args.scale);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const connectionCounts = args.connections.split(',').map(Number);
const ADMIN_PASSWORD = 'bench-admin-password';
const auth = { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` };
const POOL_SIZE = 10; // node-postgres' default, which the gateway uses too
const lines: string[] = [];
const report = (line = '') => {
  console.log(line);
  lines.push(line);
};

async function openBenchDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, kind: 'DATABASE_URL' };
  const embedded = await startEmbeddedPostgres('.data/bench', {
    settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: '200' },
  });
  return { ...embedded, kind: 'embedded' };
}

/** SQL statements per request, from pg_stat_statements over `count` sequential requests. */
async function statementsPerRequest(dbUrl: string, url: string, operation: Operation, count = 50): Promise<number | undefined> {
  // Let requests of an earlier load that are still queued finish first.
  await new Promise((done) => setTimeout(done, 2000));
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
    for (let i = 0; i < count; i++) {
      const body = typeof operation.body === 'string' ? operation.body : operation.body();
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    }
    const { rows } = await client.query<{ calls: string }>(
      `SELECT coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
       WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE 'SELECT 1'`,
    );
    return Number(rows[0]!.calls) / count;
  } catch {
    return undefined; // pg_stat_statements is not available on this server
  } finally {
    await client.end();
  }
}

function summarise(results: LoadResult[]): LoadResult {
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  if (failures) console.warn(`  ${failures} failed requests`);
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    failures,
  };
}

async function round(url: string, body: Operation['body'], connections: number): Promise<LoadResult> {
  await measure(url, auth, body, connections, Number(args.warmup));
  return measure(url, auth, body, connections, seconds);
}

/**
 * Rounds of the gateway and, when given, of baselines, interleaved (gateway, baselines, gateway,
 * ...) so that the machine's slow and fast moments fall on all of them; ratios are the median of
 * the per-round ratios.
 */
async function compare(url: string, body: Operation['body'], connections: number, baselines: string[]) {
  const gateway: LoadResult[] = [];
  const floors: LoadResult[][] = baselines.map(() => []);
  for (let index = 0; index < rounds; index++) {
    gateway.push(await round(url, body, connections));
    for (const [which, baseline] of baselines.entries()) floors[which]!.push(await round(baseline, body, connections));
  }
  return {
    gateway: summarise(gateway),
    floors: floors.map((results) => ({
      ...summarise(results),
      ratio: median(results.map((result, index) => gateway[index]!.requestsPerSecond / result.requestsPerSecond)),
    })),
  };
}

async function main() {
  const database = await openBenchDatabase();
  try {
    await applyMigrations(database.url);
    const loadStart = Date.now();
    await loadDataset(database.url, scale);
    console.log(`dataset: ${scale} codes ready in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
    if (spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');

    const gateway = await startGatewayProcess({ DATABASE_URL: database.url, ADMIN_PASSWORD }, args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : []);
    const baselines = [await startBaselineServer(database.url, POOL_SIZE), await startBaselineServer(database.url, POOL_SIZE, true)];
    const selected = operations(await deepUsageCursor(database.url)).filter(({ name }) => !args.only || args.only.split(',').some((only) => name.startsWith(only)));

    report(`### scale ${scale.toLocaleString('en')} codes`);
    report();
    report(`Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, Postgres ${await serverVersion(database.url)} (${database.kind}).`);
    report(`Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`; ${rounds} rounds of ${seconds} s after ${args.warmup} s warm-up, medians.`);
    report();
    report(
      '| operation | c | req/s | p50 ms | p99 ms | SQL statements/request | baseline req/s | gateway/baseline | prepared baseline req/s | gateway/prepared baseline |',
    );
    report('|---|---|---|---|---|---|---|---|---|---|');
    for (const operation of selected) {
      const statements = await statementsPerRequest(database.url, gateway.url, operation);
      for (const connections of connectionCounts) {
        const { gateway: result, floors } = await compare(gateway.url, operation.body, connections, operation.baseline ? baselines.map(({ url }) => url) : []);
        const floorColumns = floors.map((floor) => `${floor.requestsPerSecond.toFixed(0)} | ${(100 * floor.ratio).toFixed(0)}%`);
        report(
          `| ${operation.name}: ${operation.description} | ${connections} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50} | ${result.p99} | ` +
            `${statements?.toFixed(2) ?? 'n/a'} | ${floorColumns.join(' | ') || ' | | |'} |`,
        );
      }
    }
    for (const baseline of baselines) await baseline.close();

    if (Number(args.soak) > 0) await soak(gateway, selected.find(({ name }) => name === 'q1') ?? operations('')[0]!, Number(args.soak));
    await gateway.stop();
    if (args.startup && database.kind === 'embedded') await startupTimes();
  } finally {
    await database.stop();
  }
  if (args.write) {
    await writeFile(`bench/results-${scale}.md`, `${lines.join('\n')}\n`);
    console.log(`wrote bench/results-${scale}.md`);
  }
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
  await client.end();
  return rows[0]!.server_version;
}

/** q1 at c=64 for `duration` seconds, sampling the gateway's RSS every second. */
async function soak(gateway: { url: string; pid: number }, q1: Operation, duration: number) {
  const samples: number[] = [];
  const timer = setInterval(() => void treeRssMb(gateway.pid).then((mb) => samples.push(mb)), 1000);
  const result = await measure(gateway.url, auth, q1.body, 64, duration);
  clearInterval(timer);
  const minute = Math.min(60, Math.floor(samples.length / 3));
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  report();
  report(`Soak: q1 at c=64 for ${duration} s: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.p99} ms, ${result.failures} failures.`);
  report(
    `Gateway RSS: peak ${Math.max(...samples).toFixed(0)} MB; mean of the first ${minute} s ${average(samples.slice(0, minute)).toFixed(0)} MB, ` +
      `of the last ${minute} s ${average(samples.slice(-minute)).toFixed(0)} MB.`,
  );
}

/** Embedded start-up to /ready, on an initialised data directory. */
async function startupTimes() {
  const dataDir = '.data/bench-startup';
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const times: number[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const started = Date.now();
    const gateway = await startGatewayProcess({ DATABASE_URL: '', DATA_DIR: dataDir, ADMIN_PASSWORD });
    await waitForReady(gateway.url);
    if (attempt > 0) times.push(Date.now() - started); // the first start also runs initdb
    await gateway.stop();
  }
  report();
  report(`Embedded start to /ready (initialised data dir): median ${median(times)} ms of ${times.join(', ')} ms.`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
