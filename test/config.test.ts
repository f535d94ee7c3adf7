import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toEqual({
      port: 4000,
      databaseUrl: undefined,
      databaseListenUrl: undefined,
      dataDir: '.data',
      adminPassword: undefined,
      jwtSecret: undefined,
      jwtAudience: undefined,
      metricsToken: undefined,
      otlpEndpoint: undefined,
      serviceHostname: 'localhost',
      graphiql: true,
      introspection: true,
      trustedDocuments: false,
      corsOrigins: undefined,
      trustProxy: [],
      logLevel: 'info',
      production: false,
      shutdownTimeoutMs: 10_000,
      events: { retentionHours: 168, maxSubscriptions: 1000 },
      authFailures: { maxFailures: 10, windowMs: 60_000, store: 'memory' },
      redisUrl: undefined,
      database: { poolSize: 10, statementTimeoutMs: 10_000, connectTimeoutMs: 3_000, preparedStatements: true },
      limits: {
        maxDepth: 10,
        maxAliases: 15,
        maxDirectives: 20,
        maxTokens: 1500,
        maxCost: 50_000,
        maxBodyBytes: 1_000_000,
      },
    });
  });

  it("reads every variable of the README's configuration table", () => {
    const env = {
      PORT: '8080',
      DATABASE_URL: 'postgresql://u@db:5432/x',
      DATABASE_LISTEN_URL: 'postgresql://u@db-direct:5432/x',
      EVENT_RETENTION_HOURS: '24',
      MAX_SUBSCRIPTIONS: '50',
      DATA_DIR: '/var/lib/invitegate',
      ADMIN_PASSWORD: 'secret',
      JWT_SECRET: 'jwt',
      JWT_AUDIENCE: 'did:web:pds.example.com',
      SERVICE_HOSTNAME: 'PDS.Example.com',
      GRAPHIQL: 'false',
      INTROSPECTION: 'false',
      CORS_ORIGINS: 'https://app.example.com,https://admin.example.com',
      TRUSTED_DOCUMENTS: 'true',
      LOG_LEVEL: 'warn',
      DB_POOL_SIZE: '4',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      DB_CONNECT_TIMEOUT_MS: '500',
      DB_PREPARED_STATEMENTS: 'false',
      REDIS_URL: 'redis://cache:6379',
      ADMIN_AUTH_STORE: 'postgres',
      SHUTDOWN_TIMEOUT_MS: '2500',
      ADMIN_AUTH_MAX_FAILURES: '5',
      ADMIN_AUTH_WINDOW_MS: '30000',
      TRUST_PROXY: 'loopback',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      METRICS_TOKEN: 'scrape-me',
      MAX_DEPTH: '11',
      MAX_ALIASES: '16',
      MAX_DIRECTIVES: '21',
      MAX_TOKENS: '1600',
      MAX_BODY_BYTES: '2000000',
      MAX_COST: '60000',
    };
    const documented = [...README.matchAll(/^\| `([A-Z_]+)` \|/gm)].map(([, name]) => name);
    expect(Object.keys(env).sort()).toEqual(documented.sort());
    expect(readConfig(env)).toEqual({
      port: 8080,
      databaseUrl: 'postgresql://u@db:5432/x',
      databaseListenUrl: 'postgresql://u@db-direct:5432/x',
      dataDir: '/var/lib/invitegate',
      adminPassword: 'secret',
      jwtSecret: 'jwt',
      jwtAudience: 'did:web:pds.example.com',
      metricsToken: 'scrape-me',
      otlpEndpoint: 'http://collector:4318',
      serviceHostname: 'pds.example.com',
      graphiql: false,
      introspection: false,
      trustedDocuments: true,
      corsOrigins: ['https://app.example.com', 'https://admin.example.com'],
      trustProxy: ['loopback'],
      logLevel: 'warn',
      production: false,
      shutdownTimeoutMs: 2500,
      events: { retentionHours: 24, maxSubscriptions: 50 },
      authFailures: { maxFailures: 5, windowMs: 30_000, store: 'postgres' },
      redisUrl: 'redis://cache:6379',
      database: { poolSize: 4, statementTimeoutMs: 2000, connectTimeoutMs: 500, preparedStatements: false },
      limits: {
        maxDepth: 11,
        maxAliases: 16,
        maxDirectives: 21,
        maxTokens: 1600,
        maxCost: 60_000,
        maxBodyBytes: 2_000_000,
      },
    });
  });

  it('counts admin login failures in Redis when REDIS_URL is set, unless ADMIN_AUTH_STORE says otherwise', () => {
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).authFailures.store).toBe('redis');
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ADMIN_AUTH_STORE: 'memory' }).authFailures.store).toBe(
      'memory',
    );
    expect(() => readConfig({ ADMIN_AUTH_STORE: 'redis' })).toThrow(/"redis" needs REDIS_URL/);
    expect(() => readConfig({ ADMIN_AUTH_STORE: 'disk' })).toThrow(/memory, postgres, redis/);
    expect(() => readConfig({ REDIS_URL: '127.0.0.1:6379' })).toThrow(/redis:\/\//);
    expect(() => readConfig({ DB_PREPARED_STATEMENTS: 'no' })).toThrow(/"true" or "false"/);
  });

  it('reads TRUST_PROXY as a list of proxy addresses, CIDRs and range names; unset, none', () => {
    expect(readConfig({}).trustProxy).toEqual([]);
    expect(readConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::/32 ,192.0.2.7' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      '2001:db8::/32',
      '192.0.2.7',
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['GRAPHIQL', 'yes'],
    ['INTROSPECTION', '1'],
    ['SERVICE_HOSTNAME', 'not a host'],
    ['SERVICE_HOSTNAME', '-bad-.example.com'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_LISTEN_URL', 'http://db/x'],
    ['EVENT_RETENTION_HOURS', '0'],
    ['MAX_SUBSCRIPTIONS', 'lots'],
    ['LOG_LEVEL', 'loud'],
    ['MAX_DEPTH', '0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4318'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['MAX_TOKENS', 'many'],
    ['TRUST_PROXY', 'proxy.example.com'],
    ['TRUST_PROXY', '10.0.0.0/33'],
    ['TRUST_PROXY', '10.0.0.1,,10.0.0.2'],
    ['TRUST_PROXY', '*'],
  ])('rejects %s=%s with a message naming the variable', (name, value) => {
    expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => readConfig({ [name]: value })).toThrow(new RegExp(`^Invalid ${name}:`));
  });
});
