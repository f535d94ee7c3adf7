import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(readConfig({})).toMatchObject({
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.data',
      adminPassword: undefined,
      jwtSecret: undefined,
      jwtAudience: undefined,
      serviceHostname: 'localhost',
      graphiql: true,
      introspection: true,
    });
  });

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u@db:5432/x',
      DATA_DIR: '/var/lib/invitegate',
      ADMIN_PASSWORD: 'secret',
      JWT_SECRET: 'jwt',
      JWT_AUDIENCE: 'did:web:pds.example.com',
      SERVICE_HOSTNAME: 'PDS.Example.com',
      GRAPHIQL: 'false',
      INTROSPECTION: 'false',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://u@db:5432/x',
      dataDir: '/var/lib/invitegate',
      adminPassword: 'secret',
      jwtSecret: 'jwt',
      jwtAudience: 'did:web:pds.example.com',
      serviceHostname: 'pds.example.com',
      graphiql: false,
      introspection: false,
    });
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
