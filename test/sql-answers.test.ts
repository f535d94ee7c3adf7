// The listings are answered by one JSON-building SQL statement; everything else by graphql-js.
// Both must give the same bytes: every case runs on a gateway with SQL answers and on one
// without, and the responses are compared as JSON text (key order included).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DisableInviteCodesDocument } from './generated/operations.js';
import { createCodes, createCodesOneByOne, redeem } from './helpers/fixtures.js';
import { accountToken, adminAuth, ok, post, randomDid, startTestGateway } from './helpers/gateway.js';

const sqlAnswers = startTestGateway();
const pothosOnly = startTestGateway({ sqlAnswers: false });
// Prisma qualifies and quotes every table ("public"."invite_code"); the SQL answers do not.
const isSqlAnswer = (statements: string[]) => statements.length === 1 && !statements[0]!.includes('"public"');

interface Request {
  query: string;
  variables?: Record<string, unknown>;
  authorization?: string | null;
}

/** Both gateways' answers, as text, and whether the first took the SQL path. */
async function both({ query, variables, authorization = adminAuth }: Request) {
  const [fast, slow] = [await post(sqlAnswers, { query, variables }, authorization), await post(pothosOnly, { query, variables }, authorization)];
  const text = (result: typeof fast) => JSON.stringify({ status: result.status, data: result.data, errors: result.errors });
  return { fast: text(fast), slow: text(slow), usedSql: isSqlAnswer(fast.statements), result: fast };
}

async function expectSame(request: Request, { sql }: { sql: boolean }) {
  const { fast, slow, usedSql } = await both(request);
  expect(fast).toBe(slow);
  expect(usedSql, request.query).toBe(sql);
  return JSON.parse(fast) as { status: number; data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

const CODE = 'id code available disabled forAccount createdBy createdAt usedCount remaining __typename uses { id usedBy usedAt __typename }';
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }';

describe('SQL answers', () => {
  const owner = randomDid();
  const other = randomDid();
  const cursors: Record<'RECENT' | 'USAGE', string[]> = { RECENT: [], USAGE: [] };

  beforeAll(async () => {
    // Ties on createdAt (one batch) and on use counts; codes disabled, used up, unused.
    const batch = await createCodes(sqlAnswers, { forAccount: owner, codeCount: 12, useCount: 3 });
    const single = (await createCodesOneByOne(sqlAnswers, 5, { forAccount: owner, useCount: 3 })).codes;
    await createCodes(sqlAnswers, { forAccount: other, codeCount: 3, useCount: 1 });
    for (const [index, code] of [...batch.slice(0, 6), ...single.slice(0, 3)].entries()) {
      for (let use = 0; use <= index % 3; use++) await redeem(sqlAnswers, code);
    }
    await ok(sqlAnswers, DisableInviteCodesDocument, { input: { codes: [batch[0]!, single[4]!] } });
    for (const sort of ['RECENT', 'USAGE'] as const) {
      const { data } = await post<{ inviteCodes: { edges: { cursor: string }[] } }>(pothosOnly, {
        query: `{ inviteCodes(sort: ${sort}, first: 500, filter: { forAccount: "${owner}" }) { edges { cursor } } }`,
      });
      cursors[sort] = data!.inviteCodes.edges.map(({ cursor }) => cursor);
    }
    expect(cursors.RECENT).toHaveLength(17);
  });

  it('pages through RECENT and USAGE, with every field, exactly as graphql-js does', async () => {
    for (const sort of ['RECENT', 'USAGE']) {
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const query = `query P($after: String) { inviteCodes(sort: ${sort}, first: 4, after: $after, filter: { forAccount: "${owner}" }) {
          __typename totalCount ${PAGE_INFO} edges { __typename cursor node { ${CODE} } } } }`;
        const body = await expectSame({ query, variables: { after } }, { sql: true });
        const listing = (body.data as { inviteCodes: { pageInfo: { hasNextPage: boolean; endCursor: string } } }).inviteCodes;
        if (!listing.pageInfo.hasNextPage) break;
        after = listing.pageInfo.endCursor;
      }
      expect(after).not.toBeNull();
    }
  });

  it('handles aliases, fragments, repeated fields and filters', async () => {
    const query = `query Q($filter: InviteCodeFilter) {
      list: inviteCodes(first: 50, sort: USAGE, filter: $filter) {
        n: totalCount
        edges { node { ...Details c: code ... on InviteCode { uses { when: usedAt } } ... { uses { usedBy } } } at: cursor }
        edges { node { code } }
        ...Info
      } }
      fragment Details on InviteCode { code left: remaining uses { usedAt } }
      fragment Info on InviteCodeConnection { pageInfo { end: endCursor } }`;
    for (const filter of [
      { forAccount: owner },
      { forAccount: owner, disabled: true },
      { forAccount: owner, disabled: false, exhausted: false },
      { forAccount: owner, exhausted: true },
      { forAccount: owner, createdBy: 'admin', createdAfter: '2000-01-01T00:00:00Z', createdBefore: '2999-01-01T00:00:00.000Z' },
      { forAccount: owner, createdAfter: '2999-01-01T00:00:00Z' },
      { forAccount: `${owner}-nobody` },
    ]) {
      await expectSame({ query, variables: { filter } }, { sql: true });
    }
  });

  it('answers accountInviteCodes for the owner and the admin', async () => {
    const query = `query($account: Did!, $includeUsed: Boolean) { accountInviteCodes(account: $account, includeUsed: $includeUsed) { ${CODE} } }`;
    for (const includeUsed of [true, false, null]) {
      await expectSame({ query, variables: { account: owner, includeUsed } }, { sql: true });
      await expectSame({ query, variables: { account: owner, includeUsed }, authorization: await accountToken({ sub: owner }) }, { sql: true });
    }
  });

  it('streams the same data over server-sent events', async () => {
    const query = `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) { edges { cursor node { ${CODE} } } } }`;
    const events = async (gateway: typeof sqlAnswers) => {
      const response = await gateway.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: adminAuth },
        body: JSON.stringify({ query }),
      });
      const data = (await response.text()).split('\n').filter((line) => line.startsWith('data: {'));
      expect(data).toHaveLength(1);
      return JSON.parse(data[0]!.slice('data: '.length)) as unknown;
    };
    const streamed = await events(sqlAnswers);
    expect(streamed).toEqual(await events(pothosOnly));
    expect(JSON.stringify(streamed)).toContain(owner);
  });

  it('leaves to graphql-js what it cannot build, and errors', async () => {
    const ownerToken = await accountToken({ sub: owner });
    const fallbacks: [Request, string | undefined][] = [
      [{ query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) { edges { node { code usesConnection(first: 1) { totalCount } } } } }` }, undefined],
      [{ query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) { edges { node { code uses { inviteCode { code } } } } } }` }, undefined],
      [{ query: `query($all: Boolean!) { inviteCodes(first: 3, filter: { forAccount: "${owner}" }) { edges { node { code @include(if: $all) } } } }`, variables: { all: true } }, undefined],
      [{ query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) { edges { node { ... on Node { id } } } } }` }, undefined],
      [{ query: `{ a: inviteCodes(first: 1, filter: { forAccount: "${owner}" }) { totalCount } b: inviteCodes(first: 1, filter: { forAccount: "${other}" }) { edges { cursor } } }` }, undefined],
      [{ query: `{ inviteCodes(first: 3) { totalCount } }`, authorization: ownerToken }, 'Forbidden'],
      [{ query: `{ accountInviteCodes(account: "${other}") { code } }`, authorization: ownerToken }, 'Forbidden'],
      [{ query: `{ inviteCodes(first: 0) { totalCount } }` }, 'InvalidRequest'],
      [{ query: `{ inviteCodes(first: 501) { totalCount } }` }, 'InvalidRequest'],
      [{ query: `{ inviteCodes(first: 5, sort: USAGE, after: "12::x::y") { totalCount } }` }, 'InvalidRequest'],
      [{ query: `query($f: InviteCodeFilter) { inviteCodes(filter: $f) { totalCount } }`, variables: { f: { forAccount: 'a\u0000b' } } }, 'InvalidRequest'],
      [{ query: `query($f: InviteCodeFilter) { inviteCodes(filter: $f) { totalCount } }`, variables: { f: { createdAfter: 'yesterday' } } }, 'InvalidRequest'],
      [{ query: `{ accountInviteCodes(account: "not-a-did") { code } }` }, 'InvalidRequest'],
    ];
    for (const [request, code] of fallbacks) {
      const body = await expectSame(request, { sql: false });
      expect(body.errors?.[0]?.extensions?.code, request.query).toBe(code);
    }
  });

  it('gives graphql-js bytes for random selections and arguments', async () => {
    const field = (name: string) => fc.tuple(fc.constant(name), fc.boolean(), fc.boolean());
    const selection = (leaves: string[], nested: fc.Arbitrary<string>[] = []) =>
      fc
        .tuple(fc.uniqueArray(fc.oneof(...leaves.map(field)), { minLength: 1, maxLength: leaves.length, selector: ([name]) => name }), fc.array(fc.oneof(...(nested.length ? nested : [fc.constant('')])), { maxLength: nested.length ? 2 : 0 }))
        .map(([fields, extra]) =>
          [
            ...fields.map(([name, alias, wrapped]) => {
              // One alias per field name, so that repeated selections stay mergeable.
              const text = alias ? `as_${name}: ${name}` : name;
              return wrapped ? `... { ${text} }` : text;
            }),
            ...extra,
          ].join(' '),
        );
    const uses = selection(['id', 'usedBy', 'usedAt', '__typename']).map((s) => `uses { ${s} }`);
    const node = selection(['id', 'code', 'available', 'disabled', 'forAccount', 'createdBy', 'createdAt', 'usedCount', 'remaining', '__typename'], [uses]).map((s) => `node { ${s} }`);
    const edges = selection(['cursor', '__typename'], [node]).map((s) => `edges { ${s} }`);
    const pageInfo = selection(['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor', '__typename']).map((s) => `pageInfo { ${s} }`);
    const connection = selection(['totalCount', '__typename'], [edges, pageInfo]);
    const sort = fc.constantFrom('RECENT', 'USAGE');
    const args = fc.record({
      sort,
      first: fc.integer({ min: 1, max: 20 }),
      cursorAt: fc.option(fc.nat(16), { nil: undefined }),
      filter: fc.record({ forAccount: fc.constantFrom(owner, other), disabled: fc.option(fc.boolean()), exhausted: fc.option(fc.boolean()) }),
    });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(connection, args, async (selected, { sort, first, cursorAt, filter }) => {
        const after = cursorAt === undefined || filter.forAccount !== owner ? null : cursors[sort as 'RECENT' | 'USAGE'][cursorAt]!;
        const query = `query R($sort: InviteCodeSort, $first: Int, $after: String, $filter: InviteCodeFilter) {
          inviteCodes(sort: $sort, first: $first, after: $after, filter: $filter) { ${selected} } }`;
        const { fast, slow, usedSql, result } = await both({ query, variables: { sort, first, after, filter } });
        expect(fast).toBe(slow);
        // Only a request over the alias limit fails here, before execution.
        if (result.errors) expect(result.errors.map(({ extensions }) => extensions?.code)).toEqual(['QueryTooComplex']);
        expect(usedSql).toBe(!result.errors);
        if (usedSql) answered++;
      }),
      { numRuns: 150 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
