// Property-based: thousands of malformed bodies, documents and variables. No 5xx, every error
// has a code, and no error text shows SQL, driver, file path or stack details.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adminAuth, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();
const LEAKS = new RegExp(
  [
    String.raw`\bSELECT\b`,
    String.raw`\bINSERT\b`,
    String.raw`\bFROM "`,
    'invite_code',
    'ECONN[A-Z]+',
    '[Pp]risma',
    '[Pp]ostgres',
    'node_modules',
    '/work/',
    String.raw`\.ts:\d+`,
    String.raw`\.js:\d+`,
    String.raw`\n\s+at `,
  ].join('|'),
);

async function send(body: string, contentType = 'application/json') {
  const response = await gateway.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json', authorization: adminAuth },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

function expectSafe({ status, text }: { status: number; text: string }) {
  expect(status).toBeLessThan(500);
  expect(text).not.toMatch(LEAKS);
  if (!text) return;
  const json = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[] };
  for (const error of json.errors ?? []) expect(typeof error.extensions?.code, text).toBe('string');
}

const FIELDS = [
  'inviteCodes',
  'inviteCode',
  'accountInviteCodes',
  'invitedBy',
  'node',
  'edges',
  'node',
  'uses',
  'code',
  'usedBy',
  'totalCount',
];
const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  ':',
  '$x',
  '"',
  '"did:plc:abc"',
  '...',
  'on',
  'query',
  'mutation',
  '@include',
  '[',
  ']',
  '!',
  '=',
  '0',
  '-1',
  '1e9',
  'null',
  'true',
  'first',
  'after',
  'sort',
  'USAGE',
  ...FIELDS,
];

describe('hostile input', () => {
  it('survives arbitrary JSON bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json(), async (body) => expectSafe(await send(body))),
      { numRuns: 600 },
    );
  });

  it('survives arbitrary bytes and content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('application/json', 'application/graphql+json', 'text/plain'),
        async (body, type) => expectSafe(await send(body, type)),
      ),
      { numRuns: 600 },
    );
  });

  it('survives token soup as GraphQL documents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), async (tokens) =>
        expectSafe(await send(JSON.stringify({ query: `{ ${tokens.join(' ')} }` }))),
      ),
      { numRuns: 800 },
    );
  });

  it('survives arbitrary variables for real operations', async () => {
    const query = `query($sort: InviteCodeSort, $filter: InviteCodeFilter, $first: Int, $after: String,
                         $account: Did!, $code: String!) {
      inviteCodes(sort: $sort, filter: $filter, first: $first, after: $after) {
        totalCount edges { node { code uses { usedBy } } }
      }
      accountInviteCodes(account: $account) { code }
      inviteCode(code: $code) { code usesConnection(first: $first, after: $after) { totalCount } }
    }`;
    const variables = fc.record(
      {
        sort: fc.oneof(fc.constantFrom('RECENT', 'USAGE'), fc.anything()),
        filter: fc.oneof(
          fc.record(
            { forAccount: fc.string(), exhausted: fc.boolean(), createdAfter: fc.string() },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
        first: fc.oneof(fc.integer({ min: -10, max: 600 }), fc.anything()),
        after: fc.oneof(fc.string(), fc.constant('1::x'), fc.anything()),
        account: fc.oneof(fc.constant('did:plc:abc123'), fc.string(), fc.anything()),
        code: fc.oneof(fc.string({ unit: 'binary' }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(variables, async (values) =>
        expectSafe(await send(JSON.stringify({ query, variables: values }))),
      ),
      { numRuns: 800 },
    );
  });
});
