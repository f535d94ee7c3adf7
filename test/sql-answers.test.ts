// The listings are answered by one JSON-building SQL statement; everything else by graphql-js.
// Both must give the same bytes: every case runs on a gateway with SQL answers and on one
// without, and the responses are compared as JSON text (key order included).
import fc from 'fast-check';
import { getNamedType, isEnumType, isInputObjectType, isLeafType, isObjectType, type GraphQLObjectType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { declarationOf } from '../src/schema/sql-declarations.js';
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
  const [fast, slow] = [
    await post(sqlAnswers, { query, variables }, authorization),
    await post(pothosOnly, { query, variables }, authorization),
  ];
  const text = (result: typeof fast) =>
    JSON.stringify({ status: result.status, data: result.data, errors: result.errors });
  return { fast: text(fast), slow: text(slow), usedSql: isSqlAnswer(fast.statements), result: fast };
}

async function expectSame(request: Request, { sql }: { sql: boolean }) {
  const { fast, slow, usedSql } = await both(request);
  expect(fast).toBe(slow);
  expect(usedSql, request.query).toBe(sql);
  return JSON.parse(fast) as {
    status: number;
    data?: Record<string, unknown> | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

// Fields, filters and orders come from the schema: a field added there is tested here unasked.
const objectType = (name: string) => schema.getType(name) as GraphQLObjectType;

/** The fields of a type the SQL answers build (all but those marked sqlFallback): leaves, and objects below. */
function answeredFields(type: GraphQLObjectType) {
  const fields = Object.values(type.getFields()).filter(
    (field) => declarationOf(field)?.kind !== 'fallback' && !field.args.length,
  );
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type))).map(({ name }) => name);
  const objects = fields.flatMap((field) => {
    const named = getNamedType(field.type);
    return isObjectType(named) ? [[field.name, named] as const] : [];
  });
  return { leaves: [...leaves, '__typename'], objects };
}

/** Every answered field of a type, and of the types below it. */
function everyField(type: GraphQLObjectType, seen: string[] = []): string {
  const { leaves, objects } = answeredFields(type);
  const nested = objects
    .filter(([, below]) => !seen.includes(below.name))
    .map(([name, below]) => `${name} { ${everyField(below, [...seen, type.name])} }`);
  return [...leaves, ...nested].join(' ');
}

const CODE = everyField(objectType('InviteCode'));
/** `selection` with each `name { ... }` block (balanced braces) reduced to `name { id did __typename }`. */
function onlyIdAndDid(selection: string, name: string): string {
  const start = selection.search(new RegExp(`\\b${name} \\{`));
  if (start < 0) return selection;
  let end = selection.indexOf('{', start);
  for (let depth = 0; end < selection.length; end++) {
    depth += selection[end] === '{' ? 1 : selection[end] === '}' ? -1 : 0;
    if (depth === 0) break;
  }
  const rest = onlyIdAndDid(selection.slice(end + 1), name);
  return `${selection.slice(0, start)}${name} { id did __typename }${rest}`;
}
// Other accounts (the ones its codes invited, its inviter) the owner sees by id and did only.
const OWNER_CODE = onlyIdAndDid(onlyIdAndDid(CODE, 'account'), 'inviter');
const PAGE_INFO = `pageInfo { ${everyField(objectType('PageInfo'))} }`;
const filterType = getNamedType(
  schema
    .getQueryType()!
    .getFields()
    .inviteCodes!.args.find(({ name }) => name === 'filter')!.type,
);
const sortType = getNamedType(
  schema
    .getQueryType()!
    .getFields()
    .inviteCodes!.args.find(({ name }) => name === 'sort')!.type,
);
if (!isInputObjectType(filterType) || !isEnumType(sortType)) throw new Error('inviteCodes(filter, sort) changed shape');
const SORTS = sortType.getValues().map(({ name }) => name);
const FILTER_FIELDS = Object.values(filterType.getFields());

/** Values worth trying for each filter field, by its type; a type with none fails here, naming the field. */
function filterSamples(owner: string, other: string, midTime: string): [string, unknown[]][] {
  const byType: Record<string, unknown[]> = {
    Boolean: [true, false],
    String: ['admin', owner, other],
    Did: [owner, other],
    Datetime: ['2000-01-01T00:00:00Z', midTime, '2999-01-01T00:00:00.000Z'],
  };
  return FILTER_FIELDS.map((field) => {
    const samples = byType[getNamedType(field.type).name];
    if (!samples) throw new Error(`no sample values for InviteCodeFilter.${field.name} (${String(field.type)})`);
    return [field.name, samples];
  });
}

describe('SQL answers', () => {
  const owner = randomDid();
  const other = randomDid();
  const cursors: Record<string, string[]> = {};
  let midTime = '';

  beforeAll(async () => {
    // Ties on createdAt (one batch) and on use counts; codes disabled, used up, unused.
    const batch = await createCodes(sqlAnswers, { forAccount: owner, codeCount: 12, useCount: 3 });
    const single = (await createCodesOneByOne(sqlAnswers, 5, { forAccount: owner, useCount: 3 })).codes;
    await createCodes(sqlAnswers, { forAccount: other, codeCount: 3, useCount: 1 });
    for (const [index, code] of [...batch.slice(0, 6), ...single.slice(0, 3)].entries()) {
      for (let use = 0; use <= index % 3; use++) await redeem(sqlAnswers, code);
    }
    await ok(sqlAnswers, DisableInviteCodesDocument, { input: { codes: [batch[0]!, single[4]!] } });
    for (const sort of SORTS) {
      const { data } = await post<{ inviteCodes: { edges: { cursor: string }[] } }>(pothosOnly, {
        query: `{ inviteCodes(sort: ${sort}, first: 500, filter: { forAccount: "${owner}" }) { edges { cursor } } }`,
      });
      cursors[sort] = data!.inviteCodes.edges.map(({ cursor }) => cursor);
    }
    expect(cursors.RECENT).toHaveLength(17);
    midTime = new Date(Number(cursors.RECENT![8]!.split('::')[0])).toISOString();
  });

  it('pages through every sort, with every field, exactly as graphql-js does', async () => {
    for (const sort of SORTS) {
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const query = `query P($after: String) {
          inviteCodes(sort: ${sort}, first: 4, after: $after, filter: { forAccount: "${owner}" }) {
          __typename totalCount ${PAGE_INFO} edges { __typename cursor node { ${CODE} } } } }`;
        const body = await expectSame({ query, variables: { after } }, { sql: true });
        const listing = (body.data as { inviteCodes: { pageInfo: { hasNextPage: boolean; endCursor: string } } })
          .inviteCodes;
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
        edges {
          node { ...Details c: code ... on InviteCode { uses { when: usedAt } } ... { uses { usedBy } } }
          at: cursor
        }
        edges { node { code } }
        ...Info
      } }
      fragment Details on InviteCode { code left: remaining uses { usedAt } }
      fragment Info on InviteCodeConnection { pageInfo { end: endCursor } }`;
    // Each filter field alone with each of its sample values, then all of them at once.
    const samples = filterSamples(owner, other, midTime);
    const filters = [
      ...samples.flatMap(([key, values]) => values.map((value) => ({ forAccount: owner, [key]: value }))),
      Object.fromEntries(samples.map(([key, values]) => [key, key === 'forAccount' ? owner : values[0]])),
    ];
    for (const filter of filters) {
      await expectSame({ query, variables: { filter } }, { sql: true });
    }
  });

  it('answers accountInviteCodes for the owner and the admin', async () => {
    const listing = (code: string) =>
      `query($account: Did!, $includeUsed: Boolean) {
        accountInviteCodes(account: $account, includeUsed: $includeUsed) { ${code} } }`;
    expect(OWNER_CODE).not.toBe(CODE);
    for (const includeUsed of [true, false, null]) {
      await expectSame({ query: listing(CODE), variables: { account: owner, includeUsed } }, { sql: true });
      await expectSame(
        {
          query: listing(OWNER_CODE),
          variables: { account: owner, includeUsed },
          authorization: await accountToken({ sub: owner }),
        },
        { sql: true },
      );
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
      [
        {
          query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) {
            edges { node { code usesConnection(first: 1) { totalCount } } } } }`,
        },
        undefined,
      ],
      [
        {
          query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) {
            edges { node { code uses { inviteCode { code } } } } } }`,
        },
        undefined,
      ],
      [
        {
          query: `query($all: Boolean!) { inviteCodes(first: 3, filter: { forAccount: "${owner}" }) {
            edges { node { code @include(if: $all) } } } }`,
          variables: { all: true },
        },
        undefined,
      ],
      [
        {
          query: `{ inviteCodes(first: 3, filter: { forAccount: "${owner}" }) {
            edges { node { ... on Node { id } } } } }`,
        },
        undefined,
      ],
      [
        {
          query: `{
            a: inviteCodes(first: 1, filter: { forAccount: "${owner}" }) { totalCount }
            b: inviteCodes(first: 1, filter: { forAccount: "${other}" }) { edges { cursor } }
          }`,
        },
        undefined,
      ],
      [{ query: `{ inviteCodes(first: 3) { totalCount } }`, authorization: ownerToken }, 'Forbidden'],
      [{ query: `{ accountInviteCodes(account: "${other}") { code } }`, authorization: ownerToken }, 'Forbidden'],
      [{ query: `{ inviteCodes(first: 0) { totalCount } }` }, 'InvalidRequest'],
      [{ query: `{ inviteCodes(first: 501) { totalCount } }` }, 'InvalidRequest'],
      [{ query: `{ inviteCodes(first: 5, sort: USAGE, after: "12::x::y") { totalCount } }` }, 'InvalidRequest'],
      [
        {
          query: `query($f: InviteCodeFilter) { inviteCodes(filter: $f) { totalCount } }`,
          variables: { f: { forAccount: 'a\u0000b' } },
        },
        'InvalidRequest',
      ],
      [
        {
          query: `query($f: InviteCodeFilter) { inviteCodes(filter: $f) { totalCount } }`,
          variables: { f: { createdAfter: 'yesterday' } },
        },
        'InvalidRequest',
      ],
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
        .tuple(
          fc.uniqueArray(fc.oneof(...leaves.map(field)), {
            minLength: 1,
            maxLength: leaves.length,
            selector: ([name]) => name,
          }),
          fc.array(fc.oneof(...(nested.length ? nested : [fc.constant('')])), { maxLength: nested.length ? 2 : 0 }),
        )
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
    // Every answered field of the connection and of the types below it, from the schema.
    const below = (type: GraphQLObjectType, seen: string[]): fc.Arbitrary<string> => {
      const { leaves, objects } = answeredFields(type);
      const nested = objects
        .filter(([, inner]) => !seen.includes(inner.name))
        .map(([name, inner]) => below(inner, [...seen, type.name]).map((s) => `${name} { ${s} }`));
      return selection(leaves, nested);
    };
    const connection = below(
      getNamedType(schema.getQueryType()!.getFields().inviteCodes!.type) as GraphQLObjectType,
      [],
    );
    const sort = fc.constantFrom(...SORTS);
    // forAccount keeps the rows to this test's codes; every other filter field may be set too.
    const optional = filterSamples(owner, other, midTime).filter(([key]) => key !== 'forAccount');
    const args = fc.record({
      sort,
      first: fc.integer({ min: 1, max: 20 }),
      cursorAt: fc.option(fc.nat(16), { nil: undefined }),
      filter: fc.record({
        forAccount: fc.constantFrom(owner, other),
        ...Object.fromEntries(optional.map(([key, values]) => [key, fc.option(fc.constantFrom(...values))])),
      }),
    });
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(connection, args, async (selected, { sort, first, cursorAt, filter }) => {
        const after = cursorAt === undefined || filter.forAccount !== owner ? null : cursors[sort]![cursorAt]!;
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
