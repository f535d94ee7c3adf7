// npm run bench -- [--scale 10000[,1000000]] [--seconds 10] [--rounds 3] [--connections 16,64]
//                  [--only q1,q3,events] [--soak 300] [--startup] [--write] [--profile DIR] [--rate 400]
//                  [--topology]
// Measures the production gateway (compiled, NODE_ENV=production) against a Postgres with a
// deterministic dataset; q1 also against hand-written SQL baselines, in the same run. Several
// scales are measured side by side (a database and a gateway each, rounds interleaved), so that
// their latencies compare within one run.
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.js';
import { applyMigrations } from '../src/db/migrations.js';
import { startBaselineServer } from './baseline-server.js';
import { deepUsageCursor, loadDataset, loadInviteTree } from './dataset.js';
import { processCpuMs, startGatewayProcess, treeRssMb, waitForReady, type GatewayProcess } from './gateway-process.js';
import { measureEvents } from './events.js';
import { measure, median, type LoadResult } from './load.js';
import { sampleScheduling, schedulingPerRequest, type SchedulingPerRequest } from './scheduling.js';
import { operations, type Operation } from './operations.js';
import { topologyBench } from './topology.js';
import { treeLatencies } from './tree-latency.js';

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
    // Caps the load at this many requests per second (all connections together): CPU time per
    // request is then measured on a machine that is not saturated.
    rate: { type: 'string' },
    // q1 through PgBouncer and HAProxy with 1-3 instances, and during a rolling restart (bench/topology.ts),
    // on the Postgres at TOPOLOGY_POSTGRES_URL (default: the machine's), instead of the scenarios above.
    topology: { type: 'boolean', default: false },
  },
});
const scaleList = args.scale.split(',').map(Number);
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
/** Rows of the scheduling table, printed after the main one. */
const schedulingRows: string[] = [];

async function openBenchDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {}, kind: 'DATABASE_URL' };
  const embedded = await startEmbeddedPostgres('.data/bench', {
    settings: { shared_preload_libraries: 'pg_stat_statements', max_connections: '200' },
  });
  // The superuser: the bench creates a database per scale and resets pg_stat_statements.
  return { url: embedded.superuserUrl, stop: embedded.stop, kind: 'embedded' };
}

/** SQL statements per request, from pg_stat_statements over `count` sequential requests. */
async function statementsPerRequest(
  dbUrl: string,
  url: string,
  operation: Operation,
  count = 50,
): Promise<number | undefined> {
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

/** The baselines must give the gateway's answer, or their floor would be for other work. */
async function checkSameAnswers(gatewayUrl: string, baselineUrls: string[], body: string): Promise<void> {
  const answer = (url: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body }).then((response) =>
      response.json(),
    );
  const expected = await answer(gatewayUrl);
  for (const url of baselineUrls) {
    if (!isDeepStrictEqual(await answer(url), expected))
      throw new Error(`the baseline at ${url} does not answer as the gateway does`);
  }
}

function summarise(results: RoundResult[]): RoundResult {
  const failures = results.reduce((sum, result) => sum + result.failures, 0);
  if (failures) console.warn(`  ${failures} failed requests`);
  return {
    requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    max: Math.max(...results.map((result) => result.max)),
    mean: median(results.map((result) => result.mean)),
    cpuMsPerRequest: median(results.map((result) => result.cpuMsPerRequest)),
    scheduling: {
      mainCpuMs: median(results.map((result) => result.scheduling.mainCpuMs)),
      runQueueWaitMs: median(results.map((result) => result.scheduling.runQueueWaitMs)),
      preemptionsPerRequest: median(results.map((result) => result.scheduling.preemptionsPerRequest)),
      machineIdlePercent: median(results.map((result) => result.scheduling.machineIdlePercent)),
    },
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    failures,
  };
}

interface Server {
  url: string;
  pid: number;
}

type RoundResult = LoadResult & { cpuMsPerRequest: number; scheduling: SchedulingPerRequest };

/** A warm-up, then a measured load; with the server's CPU time per request over the latter. */
async function round(server: Server, body: Operation['body'], connections: number): Promise<RoundResult> {
  const rate = args.rate ? Number(args.rate) : undefined;
  await measure(server.url, auth, body, connections, Number(args.warmup), rate);
  const cpuBefore = await processCpuMs(server.pid);
  const schedulingBefore = await sampleScheduling(server.pid);
  const result = await measure(server.url, auth, body, connections, seconds, rate);
  return {
    ...result,
    scheduling: schedulingPerRequest(schedulingBefore, await sampleScheduling(server.pid), result.requests),
    cpuMsPerRequest: ((await processCpuMs(server.pid)) - cpuBefore) / result.requests,
  };
}

/**
 * Rounds of several servers, interleaved (a, b, c, a, b, c, ...) so that the machine's slow and
 * fast moments fall on all of them; comparisons are medians of per-round ratios.
 */
async function interleaved(
  servers: { server: Server; body: Operation['body'] }[],
  connections: number,
): Promise<RoundResult[][]> {
  const results = servers.map((): RoundResult[] => []);
  for (let index = 0; index < rounds; index++) {
    for (const [which, { server, body }] of servers.entries())
      results[which]!.push(await round(server, body, connections));
  }
  return results;
}

/** The median over rounds of `pick(a) / pick(b)`, a and b measured in the same round. */
function ratio(a: RoundResult[], b: RoundResult[], pick: (result: RoundResult) => number): number {
  return median(a.map((result, index) => pick(result) / pick(b[index]!)));
}

/** One dataset with its own gateway and, for q1, its own baselines. */
interface Scale {
  codes: number;
  databaseUrl: string;
  gateway: GatewayProcess;
  baselines: (Server & { close: () => Promise<void> })[];
  operations: Operation[];
}

/** With several scales, each gets a database of its own on the same server. */
async function databaseFor(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function prepareScale(serverUrl: string, codes: number, ownDatabase: boolean, profile: boolean): Promise<Scale> {
  const databaseUrl = ownDatabase ? await databaseFor(serverUrl, `bench_${codes}`) : serverUrl;
  await applyMigrations(databaseUrl);
  const loadStart = Date.now();
  await loadDataset(databaseUrl, codes);
  await loadInviteTree(databaseUrl);
  console.log(`dataset: ${codes} codes ready in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);
  const gateway = await startGatewayProcess(
    { DATABASE_URL: databaseUrl, ADMIN_PASSWORD },
    profile && args.profile ? ['--cpu-prof', '--cpu-prof-dir', args.profile] : [],
  );
  const baselines = [
    await startBaselineServer(databaseUrl, POOL_SIZE, 'plain'),
    await startBaselineServer(databaseUrl, POOL_SIZE, 'tight'),
  ];
  const selected = operations(await deepUsageCursor(databaseUrl)).filter(
    ({ name }) => !args.only || args.only.split(',').some((only) => name.startsWith(only)),
  );
  return { codes, databaseUrl, gateway, baselines, operations: selected };
}

const codesOf = (codes: number) => codes.toLocaleString('en');

async function measureOperation(scales: Scale[], name: string): Promise<void> {
  const operationOf = (scale: Scale) => scale.operations.find((operation) => operation.name === name)!;
  const statements: (number | undefined)[] = [];
  for (const scale of scales) {
    const operation = operationOf(scale);
    statements.push(await statementsPerRequest(scale.databaseUrl, scale.gateway.url, operation));
    if (operation.baseline && typeof operation.body === 'string')
      await checkSameAnswers(
        scale.gateway.url,
        scale.baselines.map(({ url }) => url),
        operation.body,
      );
  }
  const serversOf = (scale: Scale) => [scale.gateway, ...(operationOf(scale).baseline ? scale.baselines : [])];
  for (const connections of connectionCounts) {
    const participants = scales.flatMap((scale) =>
      serversOf(scale).map((server) => ({ server, body: operationOf(scale).body })),
    );
    const results = await interleaved(participants, connections);
    let next = 0;
    const perScale = scales.map((scale) => {
      const start = next;
      next += serversOf(scale).length;
      return results.slice(start, next);
    });
    for (const [index, scale] of scales.entries()) {
      const [gateway, ...floors] = perScale[index]!;
      const result = summarise(gateway!);
      const first = perScale[0]![0]!;
      const growthOf = (pick: (round: RoundResult) => number) => `${ratio(gateway!, first, pick).toFixed(2)}×`;
      const growth =
        scales.length > 1
          ? ` ${index ? `${growthOf((round) => round.p50)} / ${growthOf((round) => round.mean)}` : ''} |`
          : '';
      const floorColumns = floors.map((floor) => {
        const summary = summarise(floor);
        const throughput = (100 * ratio(gateway!, floor, (round) => round.requestsPerSecond)).toFixed(0);
        const tail = ratio(gateway!, floor, (round) => round.p99).toFixed(2);
        const served = `${summary.requestsPerSecond.toFixed(0)} (${summary.cpuMsPerRequest.toFixed(2)})`;
        return `${served} | ${summary.p99} | ${throughput}% | ${tail}×`;
      });
      const names = ['gateway', 'baseline', 'tight baseline'];
      for (const [which, results] of [gateway!, ...floors].entries()) {
        const { scheduling } = summarise(results);
        schedulingRows.push(
          `| ${codesOf(scale.codes)} | ${operationOf(scale).name} | ${connections} | ${names[which]} | ` +
            `${scheduling.mainCpuMs.toFixed(2)} | ${scheduling.runQueueWaitMs.toFixed(2)} | ` +
            `${scheduling.preemptionsPerRequest.toFixed(2)} | ${scheduling.machineIdlePercent.toFixed(1)}% |`,
        );
      }
      const { name, description } = operationOf(scale);
      const perRequest = `${statements[index]?.toFixed(2) ?? 'n/a'} | ${result.cpuMsPerRequest.toFixed(2)}`;
      report(
        `| ${codesOf(scale.codes)} | ${name}: ${description} | ${connections} | ` +
          `${result.requestsPerSecond.toFixed(0)} | ` +
          `${result.p50} | ${result.p99} | ${result.mean.toFixed(2)} |${growth} ${perRequest} | ` +
          `${floorColumns.join(' | ') || ' | | | | | | |'} |`,
      );
    }
  }
}

async function topologyMain() {
  if (spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  const serverUrl = process.env.TOPOLOGY_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  report('### Topology: PgBouncer (transaction mode), HAProxy, several gateways');
  report();
  report(
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ` +
      `Postgres ${await serverVersion(serverUrl)} (TOPOLOGY_POSTGRES_URL), PgBouncer and HAProxy from deploy/.`,
  );
  report(`Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`.`);
  report();
  await topologyBench({
    serverUrl,
    codes: scaleList[0]!,
    seconds,
    warmup: Number(args.warmup),
    rounds,
    connections: connectionCounts[0]!,
    adminPassword: ADMIN_PASSWORD,
    report,
  });
  if (args.write) {
    await writeFile('bench/results-topology.md', `${lines.join('\n')}\n`);
    console.log('wrote bench/results-topology.md');
  }
}

async function main() {
  if (args.topology) return topologyMain();
  const database = await openBenchDatabase();
  const scales: Scale[] = [];
  try {
    if (spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
    for (const [index, codes] of scaleList.entries())
      scales.push(await prepareScale(database.url, codes, scaleList.length > 1, index === 0));

    report(`### ${scaleList.map(codesOf).join(' and ')} codes`);
    report();
    const postgres = `${await serverVersion(database.url)} (${database.kind})`;
    report(
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ` +
        `Node ${process.version}, Postgres ${postgres}.`,
    );
    report(
      `Command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\`; ` +
        `${rounds} rounds of ${seconds} s after ${args.warmup} s warm-up, medians.`,
    );
    report();
    const growthHeader = scaleList.length > 1 ? ` latency vs ${codesOf(scaleList[0]!)} codes (p50 / mean) |` : '';
    report(
      `| codes | operation | c | req/s | p50 ms | p99 ms | mean ms |${growthHeader} ` +
        'SQL statements/request | CPU ms/request | ' +
        'baseline req/s (CPU ms/request) | baseline p99 ms | gateway/baseline req/s | gateway/baseline p99 | ' +
        'tight baseline req/s (CPU ms/request) | tight p99 ms | gateway/tight req/s | gateway/tight p99 |',
    );
    report(`|${'---|'.repeat(scaleList.length > 1 ? 18 : 17)}`);
    for (const { name } of scales[0]!.operations) await measureOperation(scales, name);
    report();
    report(
      "Scheduling (medians per request, from /proc): the main thread's CPU time; the time it was ready to run " +
        'but waited for a core; how often another task took its core; how idle the machine stayed.',
    );
    report();
    report('| codes | operation | c | server | main thread CPU ms | run-queue wait ms | preemptions | machine idle |');
    report(`|${'---|'.repeat(8)}`);
    for (const row of schedulingRows) report(row);
    if (!args.only || args.only.split(',').includes('tree')) {
      for (const scale of scales)
        await treeLatencies(scale.databaseUrl, scale.gateway.url, auth, (url, operation) =>
          statementsPerRequest(scale.databaseUrl, url, operation, 3),
        ).then((tableLines) => {
          report();
          for (const line of tableLines) report(line);
        });
    }
    if (!args.only || args.only.split(',').includes('events')) {
      report('');
      const scale = codesOf(scales[0]!.codes);
      report(
        `Events (\`--only events\`): q4-distinct redemptions while admin subscribers listen over SSE; ${scale} codes.`,
      );
      const redeem = operations('').find(({ name }) => name === 'q4-distinct')!.body as () => string;
      await measureEvents(
        scales[0]!.gateway.url,
        auth.authorization,
        redeem,
        {
          seconds,
          rounds,
          connections: connectionCounts[0]!,
        },
        report,
      );
    }
    const [first] = scales;
    if (Number(args.soak) > 0)
      await soak(
        first!.gateway,
        first!.operations.find(({ name }) => name === 'q1') ?? operations('')[0]!,
        Number(args.soak),
      );
  } finally {
    for (const scale of scales) {
      await scale.gateway.stop();
      for (const baseline of scale.baselines) await baseline.close();
    }
    await database.stop();
  }
  if (args.startup && database.kind === 'embedded') await startupTimes();
  if (args.write) {
    const file = `bench/results-${scaleList.join('-')}.md`;
    await writeFile(file, `${lines.join('\n')}\n`);
    console.log(`wrote ${file}`);
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
  report(
    `Soak: q1 at c=64 for ${duration} s: ${result.requestsPerSecond.toFixed(0)} req/s, ` +
      `p99 ${result.p99} ms, ${result.failures} failures.`,
  );
  report(
    `Gateway RSS: peak ${Math.max(...samples).toFixed(0)} MB; ` +
      `mean of the first ${minute} s ${average(samples.slice(0, minute)).toFixed(0)} MB, ` +
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
