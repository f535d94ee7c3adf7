// Query limits (GraphQL Armor): the README's and frontends' operations pass; abuse does not.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isObjectType, parse, print, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { createCodesOneByOne } from './helpers/fixtures.js';
import { post, randomDid, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();

/** code -> uses -> inviteCode -> ... with `rounds` round trips: a depth of 2 * rounds + 2. */
function nested(rounds: number): string {
  let selection = 'code';
  for (let round = 0; round < rounds; round++) selection = `code uses { usedBy inviteCode { ${selection} } }`;
  return `{ inviteCode(code: "x") { ${selection} } }`;
}

/** Variables for each operation in operations/: the largest pages, and otherwise harmless values. */
const OPERATION_VARIABLES: Record<string, Record<string, unknown>> = {
  'admin-invite-codes.graphql': { sort: 'USAGE', first: 500 },
  'create-invite-code.graphql': { input: { useCount: 1, forAccount: randomDid() } },
  'create-invite-codes.graphql': { input: { codeCount: 2, useCount: 1, forAccounts: [randomDid(), randomDid()] } },
  'disable-invite-codes.graphql': { input: { codes: ['no-such-code'] } },
  'invite-code.graphql': { code: 'no-such-code', usesFirst: 500 },
  'invited-by.graphql': { account: randomDid() },
  'invite-tree.graphql': { did: randomDid(), first: 20 },
  'my-invite-codes.graphql': { account: randomDid(), includeUsed: true },
  'node.graphql': { id: Buffer.from('InviteCode:no-such-code').toString('base64') },
  'redeem-invite-code.graphql': { input: { code: 'no-such-code', usedBy: randomDid() } },
  'invite-code-events.graphql': { after: null, filter: { kinds: ['USED'] } },
};

describe('query limits', () => {
  it('let every operation in operations/ run, with the largest pages', async () => {
    const fragments = parse(
      readFileSync(new URL('../operations/fragments.graphql', import.meta.url), 'utf8'),
    ).definitions;
    const names = readdirSync(new URL('../operations/', import.meta.url)).filter(
      (name) => name !== 'fragments.graphql',
    );
    expect(names.sort()).toEqual(Object.keys(OPERATION_VARIABLES).sort());
    for (const name of names) {
      const document = readFileSync(new URL(`../operations/${name}`, import.meta.url), 'utf8');
      // Only the fragments it spreads: an unused fragment makes the document invalid.
      const used = fragments.filter(
        (fragment) => 'name' in fragment && fragment.name && document.includes(`...${fragment.name.value}`),
      );
      const query = [document, ...used.map((fragment) => print(fragment))].join('\n');
      // Valid variables, so that the cost is estimated and the operation runs.
      const result = await post(gateway, { query, variables: OPERATION_VARIABLES[name] });
      // This gateway serves no events: a subscription that got past the limits is refused by it.
      for (const error of result.errors ?? [])
        expect(['InvalidInviteCode', 'TooManySubscriptions'], `${name}: ${error.message}`).toContain(
          error.extensions?.code,
        );
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
    const nested =
      '{ inviteCodes(first: $n) { edges { node { uses { inviteCode { uses { inviteCode { code } } } } } } } }';
    const tooBig = await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 500 } });
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect(tooBig.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit of 50000/);
    expect(tooBig.statements).toEqual([]);
    const small = await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 5 } });
    expect(small.errors).toBeUndefined();
    // Costs are remembered per document and variables: the same text with each value again.
    const again = await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 500 } });
    expect(again.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect((await post(gateway, { query: `query($n: Int) ${nested}`, variables: { n: 5 } })).errors).toBeUndefined();
  });

  it(
    'count the default of a variable as the page size, at every depth (issue: 500 ran where 100 was ' + 'counted)',
    async () => {
      const query =
        'query($f: Int = 500, $g: Int = 500) { inviteCodes(first: $f) { edges { node { usesConnection(first: ' +
        '$g) { edges { node { usedBy } } } } } } }';
      for (const variables of [{}, { f: 500 }, { g: 500 }]) {
        const refused = await post(gateway, { query, variables });
        expect(refused.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('QueryTooComplex');
        expect(refused.errors?.[0]?.message).toMatch(/^Query cost \d+ exceeds the limit of 50000/);
        expect(refused.statements).toEqual([]);
      }
      const small = await post(gateway, { query, variables: { f: 5 } });
      expect(small.errors).toBeUndefined();
    },
  );

  it('count `last`, and a defaulted page under a list inside a single object', async () => {
    const {
      codes: [code],
    } = await createCodesOneByOne(gateway, 1);
    const query =
      'query($code: String!, $l: Int = 500) { inviteCode(code: $code) { uses { inviteCode { ' +
      'usesConnection(last: $l) { edges { node { id usedBy usedAt inviteCode { code } } } } } } } }';
    const refused = await post(gateway, { query, variables: { code } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect(refused.statements).toEqual([]);
    const small = await post(gateway, { query, variables: { code, l: 10 } });
    expect(small.errors).toBeUndefined();
  });

  it('refuse before the SQL answer of a listing too', async () => {
    const uses = 'uses { id usedBy usedAt }';
    const query = `query($f: Int = 500) { inviteCodes(first: $f) { edges { node { code a: ${uses} b: ${uses} } } } }`;
    // A small page is answered by the listing's single statement...
    const answered = await post(gateway, { query, variables: { f: 5 } });
    expect(answered.errors).toBeUndefined();
    expect(answered.statements).toHaveLength(1);
    // ...and the default page, too costly, by nothing.
    const refused = await post(gateway, { query, variables: {} });
    expect(refused.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
    expect(refused.statements).toEqual([]);
  });

  it('have every field that takes first or last declare a page-sized cost', () => {
    const paged = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) =>
        Object.values((type as GraphQLObjectType).getFields()).map((field) => ({
          name: `${type.name}.${field.name}`,
          field,
        })),
      )
      .filter(({ field }) => field.args.some((arg) => arg.name === 'first' || arg.name === 'last'));
    expect(paged.map(({ name }) => name).sort()).toEqual(
      expect.arrayContaining(['InviteCode.usesConnection', 'Query.inviteCodes']),
    );
    for (const { name, field } of paged) {
      const complexity = field.extensions.complexity;
      expect(typeof complexity, name).toBe('function');
      const multiplier = (args: object) => (complexity as (args: object) => { multiplier?: number })(args).multiplier;
      expect([multiplier({}), multiplier({ first: 500 }), multiplier({ last: 7 })], name).toEqual([100, 500, 7]);
    }
  });

  it('refuse bodies over MAX_BODY_BYTES with 413 before reading them', async () => {
    const body = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1_100_000) } });
    const response = await gateway.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'InvalidRequest',
    );
    // Over a socket, the answer comes while the body is still unsent: it is never read.
    const server = createServer(gateway);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer before the body was sent')), 5_000);
        const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
        const request = httpRequest(
          { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers },
          (answer) => {
            clearTimeout(timer);
            answer.resume();
            resolve(answer.statusCode ?? 0);
            request.destroy();
          },
        );
        request.on('error', () => {});
        request.flushHeaders();
      });
      expect(status).toBe(413);
    } finally {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    }
  });

  it('refuse a Content-Length that is not a number of bytes with 400', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const response = await gateway.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '1e2' },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'InvalidRequest',
    );
  });

  it('refuse a chunked body (no Content-Length) with 411, over HTTP', async () => {
    const server = createServer(gateway);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
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
