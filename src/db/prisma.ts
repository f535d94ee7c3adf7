import { SpanStatusCode, trace } from '@opentelemetry/api';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Db = PrismaClient;

let client: PrismaClient | undefined;
let pool: pg.Pool | undefined;
const tracer = trace.getTracer('invitegate');
let onStatement: ((sql: string) => void) | undefined;
let connectionErrors = 0;
let namePreparedStatements = true;

export interface PrismaOptions {
  /** Connections in the pool. */
  poolSize?: number;
  /** Postgres cancels a statement that runs longer (ms). */
  statementTimeoutMs?: number;
  /** A connection attempt that takes longer fails (ms), so requests fail fast when Postgres is down. */
  connectTimeoutMs?: number;
  /**
   * Prepare the hand-written statements once per connection, by name (default true). A
   * transaction pooler (PgBouncer before 1.21) hands each transaction another server connection,
   * where the name is unknown or already taken: turn it off there.
   */
  preparedStatements?: boolean;
  /** Called with the SQL of every statement; tests use it to count statements per request. */
  onQuery?: (sql: string) => void;
  /**
   * Called once for each connection that pg reports broken: an idle one that Postgres (or a proxy)
   * ended, or any whose socket failed. The pool drops it and opens another when needed. When
   * Postgres ends a connection under a running statement, that statement fails instead. Without
   * this option such errors go unreported, but they never crash the process.
   */
  onConnectionError?: (error: Error & { code?: string }) => void;
}

/** Creates the process-wide PrismaClient; the only place that constructs one. */
export function connectPrisma(connectionString: string, options: PrismaOptions = {}): PrismaClient {
  if (client) throw new Error('Prisma is already connected');
  // Our own pool (the adapter's would do) so that its usage can be reported as metrics.
  pool = new pg.Pool({
    connectionString,
    // How operators find the gateway's connections in pg_stat_activity; one in the URL wins.
    application_name: 'invitegate',
    max: options.poolSize ?? 10,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
  });
  watchConnections(pool, options.onConnectionError);
  // The pool is ended by disconnectPrisma, not by Prisma: Prisma disposes only an adapter it
  // connected, which it never did in a gateway that served only hand-written statements.
  const adapter = new PrismaPg(pool);
  onStatement = options.onQuery;
  namePreparedStatements = options.preparedStatements ?? true;
  if (options.onQuery) {
    const onQuery = options.onQuery;
    const logged = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
    logged.$on('query', (event) => onQuery(event.query));
    client = logged;
  } else {
    client = new PrismaClient({ adapter });
  }
  return client;
}

export function getPrisma(): PrismaClient {
  if (!client) throw new Error('Prisma is not connected: call connectPrisma() first');
  return client;
}

// json columns as their text, unparsed; every other type as node-postgres parses it.
const JSON_OID = 114;
const jsonAsText: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === JSON_OID
      ? (text: string) => text
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

// Hand-written statements are prepared once per connection (Postgres then skips parsing and
// planning them); their texts depend on the selection, so only the first few are named, which
// bounds what a client sending ever new selections can make each connection keep.
const MAX_PREPARED_STATEMENTS = 100;
const preparedNames = new Map<string, string>();

function preparedName(text: string): string | undefined {
  if (!namePreparedStatements) return undefined;
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED_STATEMENTS) {
    name = `invitegate_${preparedNames.size}`;
    preparedNames.set(text, name);
  }
  return name;
}

/** Runs one hand-written statement on Prisma's pool and returns its first row, json columns as text. */
export async function queryRow(text: string, values: unknown[]): Promise<Record<string, unknown>> {
  if (!pool) throw new Error('Prisma is not connected: call connectPrisma() first');
  onStatement?.(text);
  // A span like Prisma's instrumentation gives its statements (a no-op unless tracing is on).
  const span = tracer.startSpan('db.query', { attributes: { 'db.system.name': 'postgresql', 'db.query.text': text } });
  try {
    const { rows } = await pool.query<Record<string, unknown>>({
      name: preparedName(text),
      text,
      values,
      types: jsonAsText,
    });
    return rows[0] ?? {};
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw withPoolerHint(error);
  } finally {
    span.end();
  }
}

// duplicate_prepared_statement, invalid_sql_statement_name: a named statement met a server
// connection that another client prepared, or that never saw it (a transaction pooler).
const POOLER_CODES = new Set(['42P05', '26000']);

function withPoolerHint(error: unknown): unknown {
  if (!(error instanceof Error) || !POOLER_CODES.has((error as Error & { code?: string }).code ?? '')) return error;
  error.message += ' (behind a transaction pooler such as PgBouncer, set DB_PREPARED_STATEMENTS=false)';
  return error;
}

/**
 * An 'error' event without a listener kills the process. pg emits it on a connection that fails
 * (in use or idle) and the pool re-emits an idle one's; Prisma's adapter listens only once Prisma
 * has connected. Each connection gets a listener of its own from the start, reporting once.
 */
function watchConnections(target: pg.Pool, report: PrismaOptions['onConnectionError']): void {
  target.on('connect', (connection) => {
    let reported = false;
    connection.on('error', (error) => {
      if (reported) return;
      reported = true;
      connectionErrors++;
      report?.(error);
    });
  });
  // Already reported by the connection's own listener above.
  target.on('error', () => {});
}

/** Connections of the pool (all, idle, requests waiting for one) and connections lost so far. */
export function poolStats(): { total: number; idle: number; waiting: number; connectionErrors: number } | undefined {
  return pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, connectionErrors };
}

export async function disconnectPrisma(): Promise<void> {
  const current = client;
  const currentPool = pool;
  client = undefined;
  pool = undefined;
  onStatement = undefined;
  await current?.$disconnect();
  await currentPool?.end();
}
