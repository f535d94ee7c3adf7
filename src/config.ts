import proxyAddr from 'proxy-addr';

/** Typed configuration: the only module that reads process.env. */
export interface Config {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  adminPassword: string | undefined;
  jwtSecret: string | undefined;
  jwtAudience: string | undefined;
  /** OTLP/HTTP collector for traces; unset: no tracing. */
  otlpEndpoint: string | undefined;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  serviceHostname: string;
  graphiql: boolean;
  introspection: boolean;
  /** Only the operations in operations/ may run, sent by their sha256 hash. */
  trustedDocuments: boolean;
  /** Browser origins allowed to call the API (CORS); undefined: any origin. */
  corsOrigins: string[] | undefined;
  logLevel: string;
  production: boolean;
  limits: QueryLimits;
  database: {
    poolSize: number;
    statementTimeoutMs: number;
    connectTimeoutMs: number;
    /** Name the fast path's statements (prepared once per connection); off behind a transaction pooler. */
    preparedStatements: boolean;
  };
  /** How long SIGTERM waits for requests in flight. */
  shutdownTimeoutMs: number;
  /** Failed admin logins per client before it is refused (429) for the rest of the window. */
  authFailures: { maxFailures: number; windowMs: number; store: FailureStore };
  /** Redis for state shared by instances (the admin login limit); unset: none. */
  redisUrl: string | undefined;
  /**
   * Session connection for LISTEN (a transaction pooler cannot hold one); undefined: the
   * database's own URL.
   */
  databaseListenUrl: string | undefined;
  /** Live events: how long they are kept for resuming, and how many subscriptions one instance serves. */
  events: { retentionHours: number; maxSubscriptions: number };
  /**
   * Proxies (addresses, CIDRs, or loopback/linklocal/uniquelocal) whose X-Forwarded-For hops are
   * believed; empty: none.
   */
  trustProxy: string[];
}

/** Where failed admin logins are counted: this process, or shared by every instance. */
export type FailureStore = 'memory' | 'postgres' | 'redis';

/** Bounds on an operation's shape, checked before it runs. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Values an operation may return, estimated from page sizes before execution. */
  maxCost: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

/** Room for every operation in operations/ and the README; far less than abuse needs. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 1500,
  maxCost: 50_000,
  maxBodyBytes: 1_000_000,
};

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): Config {
  return {
    port: readPort(env, 'PORT', 4000),
    databaseUrl: readDatabaseUrl(env, 'DATABASE_URL'),
    databaseListenUrl: readDatabaseUrl(env, 'DATABASE_LISTEN_URL'),
    dataDir: nonEmpty(env, 'DATA_DIR') ?? '.data',
    adminPassword: nonEmpty(env, 'ADMIN_PASSWORD'),
    jwtSecret: nonEmpty(env, 'JWT_SECRET'),
    jwtAudience: nonEmpty(env, 'JWT_AUDIENCE'),
    metricsToken: nonEmpty(env, 'METRICS_TOKEN'),
    otlpEndpoint: readHttpUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    serviceHostname: readHostname(env, 'SERVICE_HOSTNAME', 'localhost'),
    graphiql: readBoolean(env, 'GRAPHIQL', true),
    introspection: readBoolean(env, 'INTROSPECTION', true),
    trustedDocuments: readBoolean(env, 'TRUSTED_DOCUMENTS', false),
    corsOrigins: readOrigins(env, 'CORS_ORIGINS'),
    trustProxy: readTrustedProxies(env, 'TRUST_PROXY'),
    logLevel: readLogLevel(env, 'LOG_LEVEL', 'info'),
    production: env.NODE_ENV === 'production',
    shutdownTimeoutMs: readInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    authFailures: {
      maxFailures: readInt(env, 'ADMIN_AUTH_MAX_FAILURES', 10, 1, 1_000_000),
      windowMs: readInt(env, 'ADMIN_AUTH_WINDOW_MS', 60_000, 1_000, 86_400_000),
      store: readFailureStore(env),
    },
    redisUrl: readRedisUrl(env),
    events: {
      retentionHours: readInt(env, 'EVENT_RETENTION_HOURS', 168, 1, 87_600),
      maxSubscriptions: readInt(env, 'MAX_SUBSCRIPTIONS', 1_000, 0, 1_000_000),
    },
    database: {
      poolSize: readInt(env, 'DB_POOL_SIZE', 10, 1, 1000),
      statementTimeoutMs: readInt(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000),
      connectTimeoutMs: readInt(env, 'DB_CONNECT_TIMEOUT_MS', 3_000, 100, 600_000),
      preparedStatements: readBoolean(env, 'DB_PREPARED_STATEMENTS', true),
    },
    limits: {
      maxDepth: readInt(env, 'MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxAliases: readInt(env, 'MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 1000),
      maxDirectives: readInt(env, 'MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 1000),
      maxTokens: readInt(env, 'MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 10, 100_000),
      maxCost: readInt(env, 'MAX_COST', DEFAULT_QUERY_LIMITS.maxCost, 1, 100_000_000),
      maxBodyBytes: readInt(env, 'MAX_BODY_BYTES', DEFAULT_QUERY_LIMITS.maxBodyBytes, 1_000, 100_000_000),
    },
  };
}

function nonEmpty(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function readPort(env: Env, name: string, fallback: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(name, `expected a port number 0..65535, got "${raw}"`);
  }
  return Number(raw);
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `expected a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `expected "true" or "false", got "${raw}"`);
}

function readHostname(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!isHostname(raw)) {
    throw new ConfigError(name, `expected a hostname such as "pds.example.com", got "${raw}"`);
  }
  return raw.toLowerCase();
}

const HOSTNAME_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isHostname(value: string): boolean {
  return value.length <= 253 && value.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

function readOrigins(env: Env, name: string): string[] | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined || raw === '*') return undefined;
  const origins = raw.split(',').map((origin) => origin.trim());
  for (const origin of origins) {
    if (!/^https?:\/\/[^\s/]+$/.test(origin))
      throw new ConfigError(
        name,
        `expected "*" or comma-separated origins such as https://app.example.com, got "${origin}"`,
      );
  }
  return origins;
}

function readTrustedProxies(env: Env, name: string): string[] {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return [];
  const proxies = raw.split(',').map((proxy) => proxy.trim());
  for (const proxy of proxies) {
    try {
      proxyAddr.compile(proxy);
    } catch {
      throw new ConfigError(
        name,
        `expected comma-separated proxy addresses or CIDRs (e.g. 10.0.0.5,10.1.0.0/16,loopback), got "${proxy}"`,
      );
    }
  }
  return proxies;
}

function readHttpUrl(env: Env, name: string): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(raw)) throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  return raw;
}

function readDatabaseUrl(env: Env, name: string): string | undefined {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'not a URL (expected postgresql://user@host:port/db)');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new ConfigError(name, `expected a postgresql:// URL, got "${url.protocol}//..."`);
  }
  return raw;
}

function readRedisUrl(env: Env): string | undefined {
  const raw = nonEmpty(env, 'REDIS_URL');
  if (raw === undefined) return undefined;
  if (!/^rediss?:\/\/[^\s/]+/.test(raw))
    throw new ConfigError('REDIS_URL', 'expected a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379)');
  return raw;
}

const FAILURE_STORES: FailureStore[] = ['memory', 'postgres', 'redis'];

/** Unset: Redis when REDIS_URL is set, else this process's memory. */
function readFailureStore(env: Env): FailureStore {
  const raw = nonEmpty(env, 'ADMIN_AUTH_STORE');
  if (raw === undefined) return nonEmpty(env, 'REDIS_URL') ? 'redis' : 'memory';
  if (!FAILURE_STORES.includes(raw as FailureStore))
    throw new ConfigError('ADMIN_AUTH_STORE', `expected one of ${FAILURE_STORES.join(', ')}, got "${raw}"`);
  if (raw === 'redis' && !nonEmpty(env, 'REDIS_URL'))
    throw new ConfigError('ADMIN_AUTH_STORE', '"redis" needs REDIS_URL');
  return raw as FailureStore;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function readLogLevel(env: Env, name: string, fallback: string): string {
  const raw = nonEmpty(env, name);
  if (raw === undefined) return fallback;
  if (!LOG_LEVELS.includes(raw)) {
    throw new ConfigError(name, `expected one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return raw;
}
