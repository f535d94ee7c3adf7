// A variable graphql-js cannot coerce is bad input, as the same value written in the query text
// is: InvalidRequest with graphql-js' own message, nothing written, nothing logged as unexpected.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { post, startTestGateway } from './helpers/gateway.js';

const lines: string[] = [];
const gateway = startTestGateway({
  logger: pino(
    { level: 'info' },
    new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }),
  ),
});
const pothosOnly = startTestGateway({ sqlAnswers: false });
const CREATE = 'mutation($input: CreateInviteCodeInput!) { createInviteCode(input: $input) { code } }';

function expectInvalidRequest(result: Awaited<ReturnType<typeof post>>, message: string) {
  expect(result.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'InvalidRequest' } })]);
  expect(result.data ?? null).toBeNull();
  expect(result.status).toBe(400);
  expect(result.statements).toEqual([]);
}

describe('bad variables', () => {
  it.each([
    [1.5, 'Variable "$input" got invalid value 1.5 at "input.useCount"; Int cannot represent non-integer value: 1.5'],
    ['2', 'Variable "$input" got invalid value "2" at "input.useCount"; Int cannot represent non-integer value: "2"'],
    [
      2147483648,
      'Variable "$input" got invalid value 2147483648 at "input.useCount"; Int cannot represent non 32-bit ' +
        'signed integer value: 2147483648',
    ],
    [undefined, 'Variable "$input" got invalid value {}; Field "useCount" of required type "Int!" was not provided.'],
  ])('useCount: %j is InvalidRequest with graphql-js message, like the literal', async (useCount, message) => {
    lines.length = 0;
    expectInvalidRequest(await post(gateway, { query: CREATE, variables: { input: { useCount } } }), message);
    expect(lines.join('\n')).not.toContain('unexpected error');
    const input = useCount === undefined ? '{}' : `{ useCount: ${JSON.stringify(useCount)} }`;
    const literal = await post(gateway, { query: `mutation { createInviteCode(input: ${input}) { code } }` });
    expect(literal.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
  });

  it('a missing or null required variable is InvalidRequest', async () => {
    expectInvalidRequest(
      await post(gateway, { query: CREATE, variables: {} }),
      'Variable "$input" of required type "CreateInviteCodeInput!" was not provided.',
    );
    expectInvalidRequest(
      await post(gateway, { query: CREATE, variables: { input: null } }),
      'Variable "$input" of non-null type "CreateInviteCodeInput!" must not be null.',
    );
  });

  it('bad variables of the listings are InvalidRequest on both execution paths', async () => {
    const query =
      'query($first: Int, $sort: InviteCodeSort, $f: InviteCodeFilter) { inviteCodes(first: $first, sort: ' +
      '$sort, filter: $f) { totalCount } }';
    for (const variables of [
      { first: 1.5 },
      { first: '2' },
      { sort: 'NEWEST' },
      { f: { disabled: 'yes' } },
      { f: { nope: 1 } },
    ]) {
      const [fast, slow] = [await post(gateway, { query, variables }), await post(pothosOnly, { query, variables })];
      expect(fast.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('InvalidRequest');
      expect(fast.errors?.[0]?.message).toMatch(/^Variable "\$\w+" got invalid value /);
      expect(JSON.stringify(fast.errors)).toBe(JSON.stringify(slow.errors));
    }
  });
});
