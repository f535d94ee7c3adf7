// The HTTP surface: GraphiQL, GET, health, request ids, error masking, switches.
import { Writable } from 'node:stream';
import { parse, validate } from 'graphql';
import { pino } from 'pino';
import { schema } from '../src/schema/index.js';
import { GRAPHIQL_DEFAULT_QUERY, graphiqlOptions } from '../src/server/graphiql.js';
import { describe, expect, it } from 'vitest';
import { CreateInviteCodeDocument } from './generated/operations.js';
import { CSRF_HEADER } from '../src/server/gateway.js';
import { adminAuth, execute, post, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();

describe('HTTP endpoints', () => {
  it('serves GraphiQL to browsers, preloaded with an example operation', async () => {
    const response = await gateway.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('invitegate');
    expect(html).toContain('AdminInviteCodes');
    // Its assets come from this server: no CDN, so it works offline.
    expect(
      [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
        .map((match) => match[1])
        .every((link) => link?.startsWith('/graphiql/')),
    ).toBe(true);
    expect(html).not.toMatch(/unpkg\.com|jsdelivr/);
  });

  it('preloads an operation that is valid against the schema', () => {
    expect(validate(schema, parse(GRAPHIQL_DEFAULT_QUERY))).toEqual([]);
  });

  it('opens a second tab with the invite tree operation, valid against the schema', async () => {
    const html = await (await gateway.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('InviteTree');
    const tabs = graphiqlOptions(new Request('http://yoga/graphql'), {}, undefined).defaultTabs ?? [];
    expect(tabs.map(({ query }) => query?.match(/query (\w+)/)?.[1])).toEqual(['AdminInviteCodes', 'InviteTree']);
    for (const { query } of tabs) expect(validate(schema, parse(query!))).toEqual([]);
  });

  it('answers queries over GET and refuses mutations over GET', async () => {
    const query = encodeURIComponent('{ __typename }');
    const get = await gateway.fetch(`http://yoga/graphql?query=${query}`, {
      headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
    });
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const mutation = encodeURIComponent('mutation { createInviteCode(input: { useCount: 1 }) { code } }');
    const refused = await gateway.fetch(`http://yoga/graphql?query=${mutation}`, {
      headers: { accept: 'application/json', authorization: adminAuth, [CSRF_HEADER]: '1' },
    });
    expect(refused.status).toBe(405);
  });

  it('refuses requests a browser could send cross-site without a preflight', async () => {
    const query = encodeURIComponent('{ __typename }');
    const get = await gateway.fetch(`http://yoga/graphql?query=${query}`, {
      headers: { accept: 'application/json', authorization: adminAuth },
    });
    expect(get.status).toBe(403);
    expect(await get.text()).toContain('needs the header \\"x-graphql-yoga-csrf: 1\\"');
    const form = await gateway.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: adminAuth },
      body: 'query=mutation%20%7B%20createInviteCode(input%3A%20%7BuseCount%3A%201%7D)%20%7B%20code%20%7D%20%7D',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'InvalidRequest',
    );
  });

  it('has /health and /ready', async () => {
    expect((await gateway.fetch('http://yoga/health')).status).toBe(200);
    expect((await gateway.fetch('http://yoga/ready')).status).toBe(200);
  });

  it('returns a request id on every response, keeping a well-formed incoming one', async () => {
    const fresh = await gateway.fetch('http://yoga/health');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await gateway.fetch('http://yoga/health', { headers: { 'x-request-id': 'trace-0123456789' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-0123456789');
    const replaced = await gateway.fetch('http://yoga/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('masks unexpected errors and logs them with the request id', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const failing = startTestGateway({
      logger: pino({ level: 'error' }, sink),
      generateCode: () => {
        throw new Error('connect ECONNREFUSED at /srv/secret/path.ts:12 SELECT * FROM invite_code');
      },
    });
    const result = await execute(failing, CreateInviteCodeDocument, { input: { useCount: 1 } });
    const error = result.errors?.[0];
    expect(error?.message).toBe('Unexpected error');
    expect(error?.extensions?.code).toBe('InternalServerError');
    const requestId = result.headers.get('x-request-id');
    expect(error?.extensions?.requestId).toBe(requestId);
    expect(JSON.stringify(result.errors)).not.toMatch(/ECONNREFUSED|secret|SELECT|stack/);
    const logged = lines.map((line) => JSON.parse(line) as { requestId?: string; err?: { message: string } });
    expect(logged.find((line) => line.requestId === requestId)?.err?.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['a syntax error', '{"query":"{ inviteCodes {"}'],
    ['invalid JSON', '{bad json'],
    ['no query', '{}'],
    ['an ambiguous operation', '{"query":"query A { __typename } query B { __typename }"}'],
  ])('answers %s with InvalidRequest and nothing internal', async (_, body) => {
    const response = await gateway.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: adminAuth },
      body,
    });
    const json = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(json.errors[0]!.extensions.code).toBe('InvalidRequest');
    expect(json.errors[0]!.extensions.originalError).toBeUndefined();
  });

  it('answers CORS preflights without credentials, for any origin or the configured ones', async () => {
    const preflight = (target: typeof gateway, origin: string) =>
      target.fetch('http://yoga/graphql', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const open = await preflight(gateway, 'https://app.example.com');
    expect(open.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/app\.example\.com)$/);
    expect(open.headers.get('access-control-allow-credentials')).not.toBe('true');
    expect(open.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const strict = startTestGateway({
      config: { corsOrigins: ['https://app.example.com'] },
    });
    expect((await preflight(strict, 'https://app.example.com')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example.com',
    );
    expect((await preflight(strict, 'https://evil.example.net')).headers.get('access-control-allow-origin')).not.toBe(
      'https://evil.example.net',
    );
  });

  it('can switch off introspection and GraphiQL', async () => {
    const closed = startTestGateway({
      config: { graphiql: false, introspection: false },
    });
    const introspection = await post(closed, { query: '{ __schema { queryType { name } } }' });
    expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);
    const page = await closed.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('AdminInviteCodes');
  });
});
