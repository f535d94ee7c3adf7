// npm run bench -- --topology: q1 in the tested topology (test/topology): one gateway straight to
// Postgres with and without named prepared statements, one through PgBouncer (transaction mode),
// then HAProxy in front of 3, 2 and 1 instances on PgBouncer, and latency during a rolling restart.
import {
  scratchDirectory,
  createDatabase,
  freePort,
  startHaproxy,
  startPgBouncer,
} from '../test/topology/components.js';
import { loadDataset, deepUsageCursor } from './dataset.js';
import pg from 'pg';
import { processCpuMs, startGatewayProcess, type GatewayProcess } from './gateway-process.js';
import { measure, median, type LoadResult } from './load.js';
import { operations } from './operations.js';

export interface TopologyOptions {
  serverUrl: string;
  codes: number;
  seconds: number;
  warmup: number;
  rounds: number;
  connections: number;
  adminPassword: string;
  report: (line?: string) => void;
}

type Measured = LoadResult & { gatewayCpuMs?: number; postgresCpuMs?: number };

interface Instance {
  port: number;
  process: GatewayProcess | undefined;
}

export async function topologyBench(options: TopologyOptions): Promise<void> {
  const { report, seconds, rounds, connections } = options;
  const auth = { authorization: `Basic ${Buffer.from(`admin:${options.adminPassword}`).toString('base64')}` };
  const scratch = await scratchDirectory();
  const database = await createDatabase(options.serverUrl);
  const stops: (() => Promise<void>)[] = [scratch.remove, database.drop];
  try {
    await loadDataset(database.directUrl, options.codes);
    const q1 = operations(await deepUsageCursor(database.directUrl)).find(({ name }) => name === 'q1')!;
    const pooler = await startPgBouncer(database, scratch.path);
    stops.unshift(pooler.stop);
    const env = (url: string, prepared: boolean, port = 0) => ({
      DATABASE_URL: url,
      DATABASE_LISTEN_URL: database.directUrl,
      DB_PREPARED_STATEMENTS: String(prepared),
      ADMIN_PASSWORD: options.adminPassword,
      ADMIN_AUTH_STORE: 'postgres',
      TRUST_PROXY: '127.0.0.1',
      PORT: String(port),
    });
    const q1Load = async (url: string) => {
      await measure(url, auth, q1.body, connections, options.warmup);
      return measure(url, auth, q1.body, connections, seconds);
    };
    const row = (label: string, results: Measured[]) => {
      const pick = (value: (result: Measured) => number) => median(results.map(value));
      const cpu = (value: (result: Measured) => number | undefined) =>
        results.every((r) => value(r) !== undefined) ? pick((r) => value(r)!).toFixed(2) : '';
      report(
        `| ${label} | ${pick((r) => r.requestsPerSecond).toFixed(0)} | ` +
          `${pick((r) => r.p50)} | ${pick((r) => r.p99)} | ` +
          `${pick((r) => r.mean).toFixed(2)} | ${results.reduce((sum, r) => sum + r.failures, 0)} | ` +
          `${cpu((r) => r.gatewayCpuMs)} | ${cpu((r) => r.postgresCpuMs)} |`,
      );
    };
    // CPU time per request of the gateway and of Postgres' backends for this database (one setup
    // runs at a time): unlike req/s it hardly moves with what else the machine is running.
    const monitor = new pg.Client({ connectionString: database.directUrl });
    await monitor.connect();
    stops.unshift(() => monitor.end());
    // Backends that are gone by the end (another setup's idle connections timing out) count for
    // neither side; those that started during the measurement count from zero.
    const backendCpu = async () => {
      const { rows } = await monitor.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      const cpu = new Map<number, number>();
      for (const { pid } of rows) {
        const ms = await processCpuMs(pid).catch(() => undefined);
        if (ms !== undefined) cpu.set(pid, ms);
      }
      return cpu;
    };
    const cpuSince = (before: Map<number, number>, after: Map<number, number>) =>
      [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);
    const withCpu = async (gateway: GatewayProcess): Promise<Measured> => {
      await measure(gateway.url, auth, q1.body, connections, options.warmup);
      const before = { gateway: await processCpuMs(gateway.pid), postgres: await backendCpu() };
      const result = await measure(gateway.url, auth, q1.body, connections, seconds);
      const perRequest = (ms: number) => (result.requests ? ms / result.requests : 0);
      return {
        ...result,
        gatewayCpuMs: perRequest((await processCpuMs(gateway.pid)) - before.gateway),
        postgresCpuMs: perRequest(cpuSince(before.postgres, await backendCpu())),
      };
    };

    report(
      `q1 (${q1.description}), ${connections} connections, ${options.codes} codes; ` +
        `${rounds} rounds of ${seconds} s, medians.`,
    );
    report();
    report('| Setup | req/s | p50 ms | p99 ms | mean ms | failures | gateway CPU ms/req | Postgres CPU ms/req |');
    report('|---|---|---|---|---|---|---|---|');
    // One instance, three ways of reaching Postgres; rounds interleaved so that drift hits all alike.
    const single: [string, string, boolean][] = [
      ['1 gateway → Postgres, named prepared statements (default)', database.directUrl, true],
      ['1 gateway → Postgres, DB_PREPARED_STATEMENTS=false', database.directUrl, false],
      ['1 gateway → PgBouncer → Postgres, DB_PREPARED_STATEMENTS=false', pooler.url, false],
    ];
    const singles = await Promise.all(single.map(([, url, prepared]) => startGatewayProcess(env(url, prepared))));
    stops.unshift(...singles.map((gateway) => gateway.stop));
    const singleResults: Measured[][] = single.map(() => []);
    for (let round = 0; round < rounds; round++)
      for (const [index, gateway] of singles.entries()) singleResults[index]!.push(await withCpu(gateway));
    for (const [index, [label]] of single.entries()) row(label, singleResults[index]!);
    await Promise.all(singles.map((gateway) => gateway.stop()));

    const instances: Instance[] = [];
    for (let i = 0; i < 3; i++) instances.push({ port: await freePort(), process: undefined });
    const start = async (instance: Instance) => {
      instance.process = await startGatewayProcess(env(pooler.url, false, instance.port));
    };
    const stop = async (instance: Instance) => {
      await instance.process?.stop();
      instance.process = undefined;
    };
    stops.unshift(() => Promise.all(instances.map(stop)).then(() => {}));
    await Promise.all(instances.map(start));
    const balancer = await startHaproxy(instances.map(({ port }) => port));
    stops.unshift(balancer.stop);
    const url = `${balancer.origin}/graphql`;
    const pause = (ms: number) => new Promise((later) => setTimeout(later, ms));
    // Instances leave from the last; HAProxy marks a stopped one down within three checks (3 s).
    for (let count = 3; count >= 1; count--) {
      const results: LoadResult[] = [];
      for (let round = 0; round < rounds; round++) results.push(await q1Load(url));
      row(`HAProxy → ${count} gateway${count > 1 ? 's' : ''} → PgBouncer → Postgres`, results);
      if (count > 1) {
        await stop(instances[count - 1]!);
        await pause(3_500);
      }
    }
    // Instances that HAProxy took out while they were running (a failed /ready check) would show here.
    console.log(
      balancer
        .output()
        .split('\n')
        .filter((line) => /is (DOWN|UP)/.test(line))
        .join('\n'),
    );
    await Promise.all(instances.slice(1).map(start));
    await pause(1_500);

    // A rolling restart under load: SIGTERM each instance in turn, start it again.
    let restarting = true;
    const during = (async () => {
      const results: LoadResult[] = [];
      while (restarting) results.push(await measure(url, auth, q1.body, connections, 2));
      return results;
    })();
    await pause(2_000);
    const restartStarted = Date.now();
    for (const instance of instances) {
      await stop(instance);
      await start(instance);
      await pause(1_500);
    }
    const restartSeconds = (Date.now() - restartStarted) / 1000;
    restarting = false;
    const windows = await during;
    const requests = windows.reduce((sum, r) => sum + r.requests, 0);
    report(
      `| HAProxy → 3 gateways, rolling restart (${restartSeconds.toFixed(0)} s, ${windows.length} windows of 2 s): ` +
        `worst window's p99 ${Math.max(...windows.map((r) => r.p99))} ms, ` +
        `max ${Math.max(...windows.map((r) => r.max))} ms, ` +
        `${requests} requests | ${median(windows.map((r) => r.requestsPerSecond)).toFixed(0)} | ` +
        `${median(windows.map((r) => r.p50))} | ${Math.max(...windows.map((r) => r.p99))} | ` +
        `${median(windows.map((r) => r.mean)).toFixed(2)} | ${windows.reduce((sum, r) => sum + r.failures, 0)} | | |`,
    );
  } finally {
    for (const stop of stops) await stop().catch(() => {});
  }
}
