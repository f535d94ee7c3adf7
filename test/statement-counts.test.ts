// No N+1: the SQL statements of a request must not grow with the page size. Listings are
// answered by one JSON-building statement; with that turned off (and for every other query),
// Pothos and Prisma must stay at a fixed count too.
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminInviteCodesDocument, MyInviteCodesDocument, NestedUsesDocument } from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, execute, randomDid, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();
const pothosOnly = startTestGateway({ sqlAnswers: false });
const isCount = (sql: string) => sql.startsWith('SELECT COUNT');

describe('SQL statements per request', () => {
  const owner = randomDid();
  let codes: string[] = [];

  beforeAll(async () => {
    codes = await createCodes(gateway, { forAccount: owner, codeCount: 60, useCount: 3 });
    for (const code of codes.slice(0, 20)) {
      await redeem(gateway, code);
      await redeem(gateway, code);
    }
  });

  it('a page of 5 or 50 codes with uses, pageInfo and totalCount is one statement', async () => {
    for (const first of [5, 50]) {
      const result = await execute(gateway, AdminInviteCodesDocument, { first, filter: { forAccount: owner } });
      expect(result.errors).toBeUndefined();
      expect(result.data?.inviteCodes.edges).toHaveLength(first);
      expect(result.data?.inviteCodes.totalCount).toBe(60);
      expect(result.statements).toHaveLength(1);
      expect(result.statements[0]).toMatch(/^SELECT \(SELECT count\(\*\).* json_agg/);
    }
  });

  it('a page after a cursor is one statement, inside a tie group or across one', async () => {
    const filter = { forAccount: owner };
    // Uses: 20 codes have 2, 40 have none; a page of 5 after the 30th code stays among the zeros.
    const first = await execute(gateway, AdminInviteCodesDocument, { sort: 'USAGE', first: 30, filter });
    const inside = await execute(gateway, AdminInviteCodesDocument, {
      sort: 'USAGE',
      first: 5,
      filter,
      after: first.data!.inviteCodes.pageInfo.endCursor,
    });
    expect(inside.data!.inviteCodes.edges.map(({ node }) => node.usedCount)).toEqual([0, 0, 0, 0, 0]);
    expect(inside.statements).toHaveLength(1);
    const second = await execute(gateway, AdminInviteCodesDocument, { sort: 'USAGE', first: 15, filter });
    const crossing = await execute(gateway, AdminInviteCodesDocument, {
      sort: 'USAGE',
      first: 10,
      filter,
      after: second.data!.inviteCodes.pageInfo.endCursor,
    });
    expect(crossing.data!.inviteCodes.edges.map(({ node }) => node.usedCount)).toEqual([2, 2, 2, 2, 2, 0, 0, 0, 0, 0]);
    expect(crossing.statements).toHaveLength(1);
  });

  it('accountInviteCodes with uses is one statement for 60 codes, for the admin and for the owner', async () => {
    for (const authorization of [undefined, await accountToken({ sub: owner })]) {
      const result = await execute(gateway, MyInviteCodesDocument, { account: owner }, { authorization });
      expect(result.errors).toBeUndefined();
      expect(result.data?.accountInviteCodes).toHaveLength(60);
      expect(result.data?.accountInviteCodes.filter(({ uses }) => uses.length === 2)).toHaveLength(20);
      expect(result.statements).toEqual([expect.stringMatching(/^SELECT coalesce\(json_agg/)]);
    }
  });

  it('code -> uses -> inviteCode -> uses is one statement', async () => {
    const result = await execute(gateway, NestedUsesDocument, { code: codes[0]! });
    expect(result.errors).toBeUndefined();
    expect(result.data?.inviteCode?.uses).toHaveLength(2);
    expect(result.data?.inviteCode?.uses[0]?.inviteCode.uses).toHaveLength(2);
    expect(result.statements).toHaveLength(1);
  });

  it('credits each of concurrent requests with its own statements', async () => {
    const filter = { forAccount: owner };
    const results = await Promise.all(
      [gateway, pothosOnly, gateway, pothosOnly, gateway, pothosOnly].map((on) =>
        execute(on, AdminInviteCodesDocument, { first: 5, filter }),
      ),
    );
    expect(results.map(({ statements }) => statements.length)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  describe('through Pothos and Prisma (SQL answers off)', () => {
    it('a page of 5 or 50 codes with uses is one statement, plus one for totalCount', async () => {
      for (const first of [5, 50]) {
        const result = await execute(pothosOnly, AdminInviteCodesDocument, { first, filter: { forAccount: owner } });
        expect(result.errors).toBeUndefined();
        expect(result.data?.inviteCodes.edges).toHaveLength(first);
        expect(result.statements.filter((sql) => !isCount(sql))).toHaveLength(1);
        expect(result.statements.filter(isCount)).toHaveLength(1);
      }
    });

    it('a page after a cursor is one statement inside a tie group, two when it crosses one', async () => {
      const filter = { forAccount: owner };
      const first = await execute(pothosOnly, AdminInviteCodesDocument, { sort: 'USAGE', first: 30, filter });
      // Uses: 20 codes have 2, 40 have none; a page of 5 after the 30th code stays among the zeros.
      const inside = await execute(pothosOnly, AdminInviteCodesDocument, {
        sort: 'USAGE',
        first: 5,
        filter,
        after: first.data!.inviteCodes.pageInfo.endCursor,
      });
      expect(inside.statements.filter((sql) => !isCount(sql))).toHaveLength(1);
      const second = await execute(pothosOnly, AdminInviteCodesDocument, { sort: 'USAGE', first: 15, filter });
      const crossing = await execute(pothosOnly, AdminInviteCodesDocument, {
        sort: 'USAGE',
        first: 10,
        filter,
        after: second.data!.inviteCodes.pageInfo.endCursor,
      });
      expect(crossing.data!.inviteCodes.edges.map(({ node }) => node.usedCount)).toEqual([
        2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
      ]);
      expect(crossing.statements.filter((sql) => !isCount(sql))).toHaveLength(2);
    });

    it('accountInviteCodes with uses is one statement for 60 codes', async () => {
      const result = await execute(pothosOnly, MyInviteCodesDocument, { account: owner });
      expect(result.errors).toBeUndefined();
      expect(result.data?.accountInviteCodes).toHaveLength(60);
      expect(result.statements).toHaveLength(1);
      expect(result.statements[0]).not.toMatch(/^SELECT coalesce\(json_agg/);
    });
  });
});
