// Nested reads of the invite graph cost a number of SQL statements that does not grow with page
// sizes or the number of accounts; descendantCount and disableInviteTree are one statement each.
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS } from '../src/config.js';
import {
  AccountGraphDocument,
  DisableInviteTreeDocument,
  ListingNestedAccountsDocument,
  ListingOwnersDocument,
  NestedInviteesDocument,
} from './generated/operations.js';
import { createCodes } from './helpers/fixtures.js';
import { execute, randomDid, startTestGateway } from './helpers/gateway.js';
import { invite } from './helpers/invite-tree.js';

// The nested shape below is estimated far above the default cost limit (a list under a list under
// a page): the statements are what these tests count.
const config = { limits: { ...DEFAULT_QUERY_LIMITS, maxCost: 10_000_000 } };
const gateway = startTestGateway({ config });
const pothosOnly = startTestGateway({ config, sqlAnswers: false });

/** A root whose `width` invitees each invite two accounts, who each own a code. */
async function tree(width: number): Promise<string> {
  const root = randomDid();
  for (const child of await invite(gateway, root, width))
    for (const grandchild of await invite(gateway, child, 2)) await createCodes(gateway, { forAccount: grandchild });
  return root;
}

describe('statements of nested graph reads', () => {
  const roots: string[] = [];
  beforeAll(async () => {
    roots.push(await tree(2), await tree(8));
  });

  it.each([
    ['with SQL answers', gateway],
    ['through Pothos only', pothosOnly],
  ])('account -> invitees -> codes -> uses -> account -> codes: the same count at two sizes (%s)', async (_, on) => {
    const counts: number[] = [];
    for (const [index, root] of roots.entries()) {
      const result = await execute(on, NestedInviteesDocument, { did: root, first: 50 });
      expect(result.errors).toBeUndefined();
      const invitees = result.data!.account.invitees.edges;
      expect(invitees).toHaveLength(index === 0 ? 2 : 8);
      expect(invitees.flatMap(({ node }) => node.inviteCodes.flatMap(({ uses }) => uses))).toHaveLength(
        invitees.length * 2,
      );
      counts.push(result.statements.length);
    }
    expect(counts[1]).toBe(counts[0]);
    // One statement that builds the answer; through Pothos: invitees, the invitees' codes (with
    // their uses), the codes of the accounts of those uses.
    expect(counts[0]).toBe(on === gateway ? 1 : 3);
  });

  it.each([
    ['with SQL answers', gateway],
    ['through Pothos only', pothosOnly],
  ])('inviteCodes -> uses -> account -> codes: the same count at two page sizes (%s)', async (_, on) => {
    const counts: number[] = [];
    // Used-up codes: each has uses, so every level is read at both sizes.
    for (const first of [2, 10]) {
      const result = await execute(on, ListingNestedAccountsDocument, { first, filter: { exhausted: true } });
      expect(result.errors).toBeUndefined();
      expect(result.data!.inviteCodes.edges).toHaveLength(first);
      counts.push(result.statements.length);
    }
    expect(counts[1]).toBe(counts[0]);
    // One statement; through Pothos: the page (with uses), then the codes of those uses' accounts.
    expect(counts[0]).toBe(on === gateway ? 1 : 2);
  });

  it('a listing with owners and uses { account { did } } stays one statement at two page sizes', async () => {
    for (const first of [2, 30]) {
      const result = await execute(gateway, ListingOwnersDocument, { first });
      expect(result.errors).toBeUndefined();
      expect(result.data!.inviteCodes.edges).toHaveLength(first);
      expect(result.statements).toHaveLength(1);
    }
  });

  it('descendantCount is one recursive statement; an account with its whole graph is a fixed few', async () => {
    const result = await execute(gateway, AccountGraphDocument, { did: roots[1]! });
    expect(result.data!.account.descendantCount).toBe(8 + 16);
    const recursive = result.statements.filter((sql) => /WITH RECURSIVE/.test(sql));
    expect(recursive).toHaveLength(1);
    const small = await execute(gateway, AccountGraphDocument, { did: roots[0]! });
    expect(small.statements).toHaveLength(result.statements.length);
  });

  it('disableInviteTree is one recursive statement in one transaction', async () => {
    const result = await execute(gateway, DisableInviteTreeDocument, { input: { account: roots[0]! } });
    expect(result.data!.disableInviteTree).toEqual({ accountCount: 1 + 2 + 4, disabledCount: 1 + 2 + 4 });
    // Besides the transaction's own statements (BEGIN, its SET LOCAL statement_timeout, COMMIT).
    const work = result.statements.filter((sql) => !/^(BEGIN|COMMIT|SET LOCAL statement_timeout)/.test(sql));
    expect(work).toEqual([expect.stringMatching(/^WITH RECURSIVE/)]);
  });
});
