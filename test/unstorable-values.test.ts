// Values Postgres cannot hold (times past year 9999 or before year 1, cursors that decode to
// something else than their key) are bad input: InvalidRequest, the same on both execution
// paths of the listings, and never an InternalServerError.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCodes, redeem } from './helpers/fixtures.js';
import { post, randomDid, startTestGateway } from './helpers/gateway.js';

const sqlAnswers = startTestGateway();
const pothosOnly = startTestGateway({ sqlAnswers: false });
const base64 = (text: string) => Buffer.from(text).toString('base64');

interface Answer {
  status: number;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** One request on both gateways: their answers must be the same bytes, and never a 500. */
async function both(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const [fast, slow] = [await post(sqlAnswers, { query, variables }), await post(pothosOnly, { query, variables })];
  const text = (result: typeof fast) =>
    JSON.stringify({ status: result.status, data: result.data, errors: result.errors });
  const context = `${query} ${JSON.stringify(variables)}: ${text(fast)}`;
  expect(fast.errors?.map(({ extensions }) => extensions?.code) ?? [], context).not.toContain('InternalServerError');
  expect(slow.errors?.map(({ extensions }) => extensions?.code) ?? [], context).not.toContain('InternalServerError');
  expect(text(fast), context).toBe(text(slow));
  return JSON.parse(text(fast)) as Answer;
}

function expectInvalid(answer: Answer, message: RegExp) {
  expect(answer.errors?.[0]?.extensions?.code, JSON.stringify(answer)).toBe('InvalidRequest');
  expect(answer.errors?.[0]?.message).toMatch(message);
}

const LISTING =
  'query($sort: InviteCodeSort, $after: String, $filter: InviteCodeFilter) { inviteCodes(first: 3, sort: ' +
  '$sort, after: $after, filter: $filter) { totalCount pageInfo { hasPreviousPage endCursor } edges { cursor ' +
  'node { code } } } }';
const USES =
  'query($code: String!, $after: String, $before: String, $last: Int) { inviteCode(code: $code) { ' +
  'usesConnection(after: $after, before: $before, last: $last) { totalCount edges { cursor } } } }';
const NESTED_USES =
  'query($owner: String, $after: String) { inviteCodes(first: 2, filter: { forAccount: $owner }) { edges { ' +
  'node { usesConnection(first: 1, after: $after) { edges { cursor } } } } } }';

describe('values Postgres cannot hold', () => {
  const owner = randomDid();
  let code = '';

  beforeAll(async () => {
    [code] = (await createCodes(sqlAnswers, { forAccount: owner, codeCount: 3, useCount: 3 })) as [string];
    await redeem(sqlAnswers, code);
    await redeem(sqlAnswers, code);
  });

  it.each(['253402300800000::zzz', '8640000000000000::zzz', '99999999999999999999::zzz'])(
    'a RECENT cursor past year 9999 (%s) is InvalidRequest',
    async (after) => {
      expectInvalid(
        await both(LISTING, { after, filter: { forAccount: owner } }),
        /^Malformed cursor: .*time out of range/,
      );
    },
  );

  it('the last millisecond of year 9999 is a cursor', async () => {
    const answer = await both(LISTING, { after: '253402300799999::zzz', filter: { forAccount: owner } });
    expect(answer.errors).toBeUndefined();
  });

  it.each([
    '0000-01-01T00:00:00Z',
    '0000-12-31T23:59:59.999Z',
    '0001-01-01T00:00:00+05:00',
    '0001-01-01T04:59:59+05:00',
  ])('a datetime before year 1 (%s) is InvalidRequest, as a variable and as a literal', async (datetime) => {
    for (const field of ['createdAfter', 'createdBefore']) {
      expectInvalid(await both(LISTING, { filter: { [field]: datetime } }), /Invalid datetime .*years 0001 to 9999/);
      const literal = `{ inviteCodes(filter: { ${field}: ${JSON.stringify(datetime)} }) { totalCount } }`;
      expectInvalid(
        await both(literal, {}),
        new RegExp(`^Invalid value for argument "filter.${field}": Invalid datetime`),
      );
    }
  });

  it('the first moment of year 1 and the last of year 9999 are datetimes', async () => {
    const answer = await both(LISTING, {
      filter: { forAccount: owner, createdAfter: '0001-01-01T00:00:00Z', createdBefore: '9999-12-31T23:59:59.999Z' },
    });
    expect(answer.data).toMatchObject({ inviteCodes: { totalCount: 3 } });
  });

  it.each([
    ['GPC:N:abc', 'GPC:N:abc'],
    ['base64 of GPC:N:abc', base64('GPC:N:abc')],
    ['base64 of GPC:D:notadate', base64('GPC:D:notadate')],
    ['base64 of GPC:J:[1,2]', base64('GPC:J:[1,2]')],
    ['base64 of GPC:T:', base64('GPC:T:[]')],
    ['base64 of GPC:S:a NUL', base64('GPC:S:a\u0000')],
    ['base64 of junk', base64('\u0001\u0002junk')],
    ['not base64', 'GPC:D:notadate'],
  ])('a usesConnection cursor %s is InvalidRequest "Malformed cursor"', async (_, cursor) => {
    expectInvalid(await both(USES, { code, after: cursor }), /Malformed cursor|control character/);
    expectInvalid(await both(USES, { code, before: cursor, last: 1 }), /Malformed cursor|control character/);
    expectInvalid(await both(NESTED_USES, { owner, after: cursor }), /Malformed cursor|control character/);
  });

  it('a usesConnection cursor the plugin made still pages', async () => {
    const first = await both(USES, { code, last: 1 });
    const cursor = (first.data as { inviteCode: { usesConnection: { edges: { cursor: string }[] } } }).inviteCode
      .usesConnection.edges[0]!.cursor;
    const next = await both(USES, { code, before: cursor, last: 1 });
    expect(next.data).toMatchObject({
      inviteCode: { usesConnection: { totalCount: 2, edges: [{ cursor: expect.any(String) }] } },
    });
    expect((await both(USES, { code, after: base64('GPC:S:did:plc:nobody') })).errors).toBeUndefined();
  });

  it('draws values for every Datetime and cursor argument: InvalidRequest or data, never ' +
    'InternalServerError', async () => {
    const digits = fc.oneof(
      fc.constantFrom(
        '0',
        '253402300799999',
        '253402300800000',
        '8640000000000000',
        '8640000000000001',
        '2147483647',
        '2147483648',
      ),
      // Around the end of year 9999 and of what a JavaScript Date holds.
      fc.integer({ min: 253402300799000, max: 8640000000001000 }).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
    );
    const listingCursor = fc.oneof(
      {
        arbitrary: fc.tuple(digits, fc.string({ minLength: 1, maxLength: 12 })).map(([n, c]) => `${n}::${c}`),
        weight: 3,
      },
      { arbitrary: fc.string({ maxLength: 30 }), weight: 1 },
    );
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const offset = fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([s, h, m]) => `${s}${pad(h, 2)}:${pad(m, 2)}`),
    );
    const datetime = fc.oneof(
      fc
        .tuple(
          fc.oneof(fc.constantFrom(0, 1, 9999), fc.integer({ min: 0, max: 9999 })),
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 31 }),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: 59 }),
          offset,
        )
        .map(
          ([y, mo, d, h, mi, s, tz]) =>
            `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${tz}`,
        ),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.string({ maxLength: 30 }),
    );
    const chunk = fc
      .tuple(
        fc.constantFrom('S', 'N', 'I', 'D', 'B', 'M', 'O', 'Z', 'T', 'J', 'X'),
        fc.oneof(fc.string({ maxLength: 12 }), fc.json({ maxDepth: 2 }), digits),
      )
      .map(([tag, payload]) => `${tag}:${payload}`);
    const usesCursor = fc.oneof(
      chunk.map((c) => base64(`GPC:${c}`)),
      chunk.map((c) => `GPC:${c}`),
      fc.string({ maxLength: 20 }).map(base64),
      fc.string({ maxLength: 20 }),
    );
    const request = fc.oneof(
      // Only this file's codes: other files write to the same database meanwhile.
      fc
        .tuple(fc.constantFrom('RECENT', 'USAGE'), listingCursor)
        .map(([sort, after]) => [LISTING, { sort, after, filter: { forAccount: owner } }] as const),
      fc
        .tuple(fc.constantFrom('createdAfter', 'createdBefore'), datetime)
        .map(([field, value]) => [LISTING, { filter: { forAccount: owner, [field]: value } }] as const),
      fc.tuple(fc.constantFrom('createdAfter', 'createdBefore'), datetime).map(
        ([field, value]) =>
          [
            `{ inviteCodes(filter: { forAccount: "${owner}", ${field}: ${JSON.stringify(value)} }) {
                totalCount edges { node { code } } } }`,
            {},
          ] as const,
      ),
      usesCursor.map((after) => [USES, { code, after }] as const),
      usesCursor.map((before) => [USES, { code, before, last: 2 }] as const),
      usesCursor.map((after) => [NESTED_USES, { owner, after }] as const),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([query, variables]) => {
        const answer = await both(query, variables);
        expect(answer.status).toBeLessThan(500);
        for (const error of answer.errors ?? []) expect(error.extensions?.code).toBe('InvalidRequest');
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});
