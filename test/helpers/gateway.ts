// The gateway under test: the real yoga instance on the test database, called through
// yoga.fetch (no socket), with a counter of the SQL statements each request issues.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { SignJWT } from 'jose';
import { inject } from 'vitest';
import { connectPrisma, getPrisma } from '../../src/db/prisma.js';
import { createLogger } from '../../src/logger.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway.js';

export const ADMIN_PASSWORD = 'test-admin-password';
export const JWT_SECRET = 'test-jwt-secret-of-enough-length-0123456789';
export const SERVICE_HOSTNAME = 'pds.test.example';

// Each request's statements, kept apart even when requests run concurrently: a statement is
// credited to the request whose asynchronous context issued it.
const requestStatements = new AsyncLocalStorage<string[]>();
const recordStatement = (sql: string) => requestStatements.getStore()?.push(sql);

/** Gateway options for a test: `config` holds only what differs from the test configuration. */
export type TestGatewayOptions = Omit<Partial<GatewayOptions>, 'config'> & {
  config?: Partial<GatewayOptions['config']>;
};

/** Connects this test file's PrismaClient (once per worker) and returns a new gateway. */
export function startTestGateway({ config, ...overrides }: TestGatewayOptions = {}): Gateway {
  try {
    getPrisma();
  } catch {
    connectPrisma(inject('databaseUrl'), { onQuery: recordStatement });
  }
  return createGateway({
    config: {
      graphiql: true,
      introspection: true,
      jwtSecret: JWT_SECRET,
      jwtAudience: undefined,
      serviceHostname: SERVICE_HOSTNAME,
      ...config,
    },
    adminPassword: ADMIN_PASSWORD,
    logger: createLogger('silent'),
    ...overrides,
  });
}

export const adminAuth = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

export interface TokenClaims {
  sub: string;
  scope?: string;
  expiresIn?: string | number;
  aud?: string;
  typ?: string;
  secret?: string;
}

export async function accountToken({
  sub,
  scope = 'com.atproto.access',
  expiresIn = '1h',
  aud,
  typ = 'at+jwt',
  secret = JWT_SECRET,
}: TokenClaims) {
  let jwt = new SignJWT({ scope })
    .setProtectedHeader({ alg: 'HS256', typ })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (aud) jwt = jwt.setAudience(aud);
  return `Bearer ${await jwt.sign(new TextEncoder().encode(secret))}`;
}

export interface Result<T> {
  status: number;
  data: T | null | undefined;
  errors: (GraphQLFormattedError & { extensions?: Record<string, unknown> })[] | undefined;
  headers: Headers;
  /** The SQL statements the request issued, in order. */
  statements: string[];
}

export interface RequestOptions {
  /** The Authorization header; admin by default, null for none. */
  authorization?: string | null;
}

export async function execute<T, V>(
  gateway: Gateway,
  document: TypedDocumentNode<T, V>,
  variables: V,
  { authorization = adminAuth }: RequestOptions = {},
): Promise<Result<T>> {
  return post<T>(gateway, { query: print(document), variables }, authorization);
}

/** A raw request, for documents that codegen would reject (invalid on purpose). */
export async function post<T = Record<string, unknown>>(
  gateway: Gateway,
  body: { query: string; variables?: unknown },
  authorization: string | null = adminAuth,
): Promise<Result<T>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
  };
  if (authorization) headers.authorization = authorization;
  const statements: string[] = [];
  const response = await requestStatements.run(statements, () =>
    gateway.fetch('http://yoga/graphql', { method: 'POST', headers, body: JSON.stringify(body) }),
  );
  const json = (await response.json()) as { data?: T | null; errors?: Result<T>['errors'] };
  return { status: response.status, data: json.data, errors: json.errors, headers: response.headers, statements };
}

/** Expects no errors and returns the data. */
export async function ok<T, V>(
  gateway: Gateway,
  document: TypedDocumentNode<T, V>,
  variables: V,
  options?: RequestOptions,
): Promise<T> {
  const result = await execute(gateway, document, variables, options);
  if (result.errors?.length || !result.data) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}

/** A random DID, so that tests never share data. */
export function randomDid(): string {
  return `did:plc:${randomBytes(12).toString('hex')}`;
}
