// The benchmark's operations, as GraphQL request bodies.
import { randomBytes } from 'node:crypto';
import { BENCH_OWNER, Q4_DISTINCT_CODES, Q4_HOT_CODE, WIDE_ACCOUNT } from './dataset.js';

const CODE_FIELDS = 'code available disabled forAccount createdBy createdAt uses { usedBy usedAt }';

export interface Operation {
  name: string;
  description: string;
  /** A fixed body, or a new one per request. */
  body: string | (() => string);
  /** Whether the hand-written SQL baseline answers it too. */
  baseline?: boolean;
}

const query = (text: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query: text, variables });

export function operations(deepCursor: string): Operation[] {
  const run = randomBytes(4).toString('hex');
  let sequence = 0;
  const redeem = (code: () => string) => () =>
    query('mutation($input: RedeemInviteCodeInput!) { redeemInviteCode(input: $input) { usedBy usedAt } }', {
      input: { code: code(), usedBy: `did:plc:q4${run}x${(sequence++).toString(36)}` },
    });
  return [
    {
      name: 'q1',
      description: 'inviteCodes(first: 50) RECENT, with uses',
      body: query(`query Q1($first: Int) { inviteCodes(first: $first) { edges { node { ${CODE_FIELDS} } } } }`, {
        first: 50,
      }),
      baseline: true,
    },
    {
      name: 'q2-first',
      description: 'inviteCodes(first: 50, sort: USAGE), first page',
      body: query(`{ inviteCodes(first: 50, sort: USAGE) { edges { node { ${CODE_FIELDS} } } } }`),
    },
    {
      name: 'q2-deep',
      description: 'inviteCodes(first: 50, sort: USAGE), page after a cursor 90% down',
      body: query(
        `query Q2($after: String) { inviteCodes(first: 50, sort: USAGE, after: $after) {
          edges { node { ${CODE_FIELDS} } } } }`,
        {
          after: deepCursor,
        },
      ),
    },
    {
      name: 'q3',
      description: `accountInviteCodes(account: ${BENCH_OWNER}) with uses`,
      body: query(`{ accountInviteCodes(account: "${BENCH_OWNER}") { ${CODE_FIELDS} } }`),
    },
    {
      name: 'q5',
      description: `account(did: ${WIDE_ACCOUNT}) { invitees(first: 50) { ... inviteCodes { ... uses } } }`,
      body: query(
        'query Q5($did: Did!, $first: Int) { account(did: $did) { invitees(first: $first) { edges { node { did ' +
          'inviteCodes { code usedCount uses { usedBy usedAt } } } } } } }',
        { did: WIDE_ACCOUNT, first: 50 },
      ),
      baseline: true,
    },
    {
      name: 'q4-distinct',
      description: `redeemInviteCode spread over ${Q4_DISTINCT_CODES} codes, a new DID each`,
      body: redeem(() => `bench-q4-${String((sequence % Q4_DISTINCT_CODES) + 1).padStart(5, '0')}`),
    },
    {
      name: 'q4-hot',
      description: 'redeemInviteCode on one hot code, a new DID each',
      body: redeem(() => Q4_HOT_CODE),
    },
  ];
}
