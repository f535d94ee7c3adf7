// Query limits (GraphQL Armor): the README's and frontends' operations pass; abuse does not.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { post, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();

/** code -> uses -> inviteCode -> ... with `rounds` round trips: a depth of 2 * rounds + 2. */
function nested(rounds: number): string {
  let selection = 'code';
  for (let round = 0; round < rounds; round++) selection = `code uses { usedBy inviteCode { ${selection} } }`;
  return `{ inviteCode(code: "x") { ${selection} } }`;
}

describe('query limits', () => {
  it('let every operation in operations/ through', async () => {
    const fragments = readFileSync(new URL('../operations/fragments.graphql', import.meta.url), 'utf8');
    const names = readdirSync(new URL('../operations/', import.meta.url)).filter((name) => name !== 'fragments.graphql');
    expect(names.length).toBeGreaterThan(5);
    for (const name of names) {
      const document = readFileSync(new URL(`../operations/${name}`, import.meta.url), 'utf8');
      const query = document.includes('...') ? `${document}\n${fragments}` : document;
      // Validation only: a bad variable answers InvalidRequest, never QueryTooComplex.
      const result = await post(gateway, { query, variables: {} });
      for (const error of result.errors ?? []) expect(error.extensions?.code, `${name}: ${error.message}`).not.toBe('QueryTooComplex');
    }
  });

  it('reject a 40-level nesting of uses { inviteCode { uses ... } } before execution', async () => {
    const result = await post(gateway, { query: nested(20) });
    expect(result.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect(result.statements).toEqual([]);
  });

  it('allow a nesting within the depth limit', async () => {
    const result = await post(gateway, { query: nested(3) });
    expect(result.errors).toBeUndefined();
  });

  it('estimate cost from page sizes: the largest dashboard page passes, nested lists of big pages do not', async () => {
    const fragments = readFileSync(new URL('../operations/fragments.graphql', import.meta.url), 'utf8');
    const dashboard = readFileSync(new URL('../operations/admin-invite-codes.graphql', import.meta.url), 'utf8');
    const largest = await post(gateway, { query: `${dashboard}\n${fragments}`, variables: { first: 500 } });
    expect(largest.errors).toBeUndefined();
    const nested = '{ inviteCodes(first: $n) { edges { node { uses { inviteCode { uses { inviteCode { code } } } } } } } }';
    const tooBig = await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 500 } });
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect(tooBig.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit of 50000/);
    expect(tooBig.statements).toEqual([]);
    const small = await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 5 } });
    expect(small.errors).toBeUndefined();
  });

  it('refuse bodies over MAX_BODY_BYTES with 413 before reading them', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1_100_000) } });
    const response = await gateway.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('InvalidRequest');
  });

  it('refuse a Content-Length that is not a number of bytes with 400', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const response = await gateway.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1e2' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('InvalidRequest');
  });

  it('refuse a chunked body (no Content-Length) with 411, over HTTP', async () => {
    const server = createServer(gateway);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write('{"query":');
      request.end('"{ __typename }"}');
    });
    await new Promise((closed) => server.close(closed));
    expect(status).toBe(411);
  });

  it('reject many aliases, many directives and very long documents', async () => {
    const aliases = `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: inviteCode(code: "x") { code }`).join(' ')} }`;
    const directives = `{ inviteCode(code: "x") { code ${'@include(if: true) '.repeat(50)} } }`;
    const tokens = `{ inviteCode(code: "x") { ${'code '.repeat(3000)} } }`;
    for (const query of [aliases, directives, tokens]) {
      const result = await post(gateway, { query });
      expect(result.errors?.[0]?.extensions?.code, query.slice(0, 40)).toBe('QueryTooComplex');
    }
  });
});
