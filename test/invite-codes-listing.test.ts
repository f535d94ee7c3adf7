// inviteCodes: com.atproto.admin.getInviteCodes with keyset pagination and PDS cursors.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DisableInviteCodesDocument,
  ListingCursorsDocument,
  type InviteCodeFilter,
  type InviteCodeSort,
  type ListingCursorsQuery,
} from './generated/operations.js';
import { createCodes, createCodesOneByOne, redeem } from './helpers/fixtures.js';
import { execute, ok, post, randomDid, startTestGateway } from './helpers/gateway.js';

// Every behaviour holds on both ways of answering: the SQL answers and graphql-js alone.
describe.each([
  ['SQL answers', true],
  ['graphql-js only', false],
])('inviteCodes (%s)', (_, sqlAnswers) => {
  const gateway = startTestGateway({ sqlAnswers });

  async function pageThrough(sort: InviteCodeSort, filter: InviteCodeFilter, first: number) {
    const codes: string[] = [];
    const totals = new Set<number>();
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      if (pages > 100) throw new Error('too many pages');
      const { inviteCodes }: ListingCursorsQuery = await ok(gateway, ListingCursorsDocument, {
        sort,
        filter,
        first,
        after,
      });
      totals.add(inviteCodes.totalCount);
      codes.push(...inviteCodes.edges.map(({ node }) => node.code));
      expect(inviteCodes.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!inviteCodes.pageInfo.hasNextPage) {
        expect(inviteCodes.edges.length).toBeGreaterThan(0);
        return { codes, totals, pages: pages + 1 };
      }
      expect(inviteCodes.edges).toHaveLength(first);
      after = inviteCodes.pageInfo.endCursor;
    }
  }

  describe('inviteCodes ordering and paging', () => {
    const owner = randomDid();
    let batch: string[] = [];
    let single: string[] = [];

    beforeAll(async () => {
      // 45 codes from one call share their createdAt; 8 more come one by one.
      batch = await createCodes(gateway, { forAccount: owner, codeCount: 45, useCount: 4 });
      single = (await createCodesOneByOne(gateway, 8, { forAccount: owner, useCount: 4 })).codes;
      // Uses in several amounts, many ties: 0..3 uses on different codes.
      for (const [index, code] of [...batch.slice(0, 12), ...single.slice(0, 4)].entries()) {
        for (let use = 0; use <= index % 4; use++) await redeem(gateway, code);
      }
    });

    it('RECENT is createdAt desc, code desc, with <epoch ms>::<code> cursors', async () => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first: 500 });
      const nodes = inviteCodes.edges.map(({ node }) => node);
      const expected = [...nodes].sort(
        (a, b) => b.createdAt.localeCompare(a.createdAt) || b.code.localeCompare(a.code),
      );
      expect(nodes.map(({ code }) => code)).toEqual(expected.map(({ code }) => code));
      expect(
        nodes
          .slice(0, 8)
          .map(({ code }) => code)
          .sort(),
      ).toEqual([...single].sort());
      for (const { cursor, node } of inviteCodes.edges)
        expect(cursor).toBe(`${Date.parse(node.createdAt)}::${node.code}`);
      expect(inviteCodes.totalCount).toBe(53);
    });

    it('USAGE is usedCount desc, code desc, with <usedCount>::<code> cursors', async () => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, {
        sort: 'USAGE',
        filter: { forAccount: owner },
        first: 500,
      });
      const nodes = inviteCodes.edges.map(({ node }) => node);
      const expected = [...nodes].sort((a, b) => b.usedCount - a.usedCount || b.code.localeCompare(a.code));
      expect(nodes.map(({ code }) => code)).toEqual(expected.map(({ code }) => code));
      expect(nodes[0]!.usedCount).toBe(4);
      expect(nodes.at(-1)!.usedCount).toBe(0);
      for (const { cursor, node } of inviteCodes.edges) expect(cursor).toBe(`${node.usedCount}::${node.code}`);
    });

    it.each([['RECENT' as const], ['USAGE' as const]])('%s pages through every code exactly once', async (sort) => {
      const all = await ok(gateway, ListingCursorsDocument, { sort, filter: { forAccount: owner }, first: 500 });
      const { codes, totals, pages } = await pageThrough(sort, { forAccount: owner }, 7);
      expect(pages).toBe(Math.ceil(53 / 7));
      expect(new Set(codes).size).toBe(53);
      expect(codes).toEqual(all.inviteCodes.edges.map(({ node }) => node.code));
      expect([...totals]).toEqual([53]);
    });

    it('hasNextPage is exact: a set of two full pages ends on the second', async () => {
      // Four codes are used up (4 uses of 4): two pages of two, and no empty third page.
      const { codes, pages } = await pageThrough('RECENT', { forAccount: owner, exhausted: true }, 2);
      expect(codes).toHaveLength(4);
      expect(pages).toBe(2);
      const exact = await pageThrough('RECENT', { forAccount: owner }, 53);
      expect(exact.pages).toBe(1);
    });

    it('accepts a cursor built by hand in the PDS format', async () => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first: 10 });
      const tenth = inviteCodes.edges[9]!.node;
      const next = await ok(gateway, ListingCursorsDocument, {
        filter: { forAccount: owner },
        first: 1,
        after: `${Date.parse(tenth.createdAt)}::${tenth.code}`,
      });
      const eleventh = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first: 11 });
      expect(next.inviteCodes.edges[0]!.node.code).toBe(eleventh.inviteCodes.edges[10]!.node.code);
    });
  });

  describe('inviteCodes arguments', () => {
    const owner = randomDid();

    beforeAll(async () => {
      await createCodes(gateway, { forAccount: owner, codeCount: 105 });
    });

    it('first defaults to 100 and sort to RECENT', async () => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner } });
      expect(inviteCodes.edges).toHaveLength(100);
      expect(inviteCodes.pageInfo.hasNextPage).toBe(true);
      expect(inviteCodes.totalCount).toBe(105);
      expect(inviteCodes.edges[0]!.cursor).toMatch(/^\d{13}::/);
    });

    it.each([1, 500])('accepts first: %i', async (first) => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first });
      expect(inviteCodes.edges).toHaveLength(Math.min(first, 105));
    });

    it.each([0, -1, 501, 10_000])('rejects first: %i with InvalidRequest naming the argument', async (first) => {
      const result = await execute(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/"first"/);
      expect(result.statements).toEqual([]);
    });

    it.each(['abc', '123', '::code', '123::', '1::a::b', 'x1::code', '-5::code', '1.5::code', ' ', '::'])(
      'rejects the malformed cursor %j',
      async (after) => {
        for (const sort of ['RECENT', 'USAGE'] as const) {
          const result = await execute(gateway, ListingCursorsDocument, { sort, after });
          expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
          expect(result.errors?.[0]?.message).toContain('Malformed cursor');
          expect(result.statements).toEqual([]);
        }
      },
    );

    it('takes after: "" as the first page, as the PDS does', async () => {
      for (const sort of ['RECENT', 'USAGE'] as const) {
        const firstPage = await ok(gateway, ListingCursorsDocument, { sort, filter: { forAccount: owner }, first: 5 });
        const empty = await ok(gateway, ListingCursorsDocument, {
          sort,
          filter: { forAccount: owner },
          first: 5,
          after: '',
        });
        expect(empty).toEqual(firstPage);
        expect(empty.inviteCodes.pageInfo.hasPreviousPage).toBe(false);
      }
    });

    it('rejects a RECENT cursor given to USAGE', async () => {
      const result = await execute(gateway, ListingCursorsDocument, {
        sort: 'USAGE',
        after: `${Date.now()}::some-code`,
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toContain('Malformed cursor');
    });

    it('rejects control characters in cursors and filters before any statement', async () => {
      for (const variables of [
        { after: '1::code\u0000' },
        { filter: { forAccount: 'did:plc:a\u0000' } },
        { filter: { createdBy: '\u0000' } },
      ]) {
        const result = await execute(gateway, ListingCursorsDocument, variables);
        expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
        expect(result.statements).toEqual([]);
      }
    });

    it('rejects an unknown sort', async () => {
      const result = await post(gateway, { query: '{ inviteCodes(sort: OLDEST) { totalCount } }' });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/"sort"/);
    });
  });

  describe('inviteCodes filters', () => {
    const owner = randomDid();
    let codes: string[] = [];

    beforeAll(async () => {
      codes = await createCodes(gateway, { forAccount: owner, codeCount: 6, useCount: 1 });
      await redeem(gateway, codes[0]!);
      await redeem(gateway, codes[1]!);
      await ok(gateway, DisableInviteCodesDocument, { input: { codes: [codes[1]!, codes[2]!] } });
    });

    const listed = async (filter: InviteCodeFilter) => {
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, {
        filter: { forAccount: owner, ...filter },
        first: 500,
      });
      expect(inviteCodes.totalCount).toBe(inviteCodes.edges.length);
      return inviteCodes.edges.map(({ node }) => node.code).sort();
    };

    it('includes disabled codes unless filtered', async () => {
      expect(await listed({})).toEqual([...codes].sort());
      expect(await listed({ disabled: true })).toEqual([codes[1]!, codes[2]!].sort());
      expect(await listed({ disabled: false })).toEqual([codes[0]!, ...codes.slice(3)].sort());
    });

    it('filters on exhaustion', async () => {
      expect(await listed({ exhausted: true })).toEqual([codes[0]!, codes[1]!].sort());
      expect(await listed({ exhausted: false })).toEqual(codes.slice(2).sort());
    });

    it('filters on owner, creator and creation time', async () => {
      expect(await listed({ createdBy: 'admin' })).toHaveLength(6);
      expect(await listed({ createdBy: owner })).toEqual([]);
      const { inviteCodes } = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: owner }, first: 1 });
      const createdAt = inviteCodes.edges[0]!.node.createdAt;
      // The six codes share one createdAt: a millisecond later is after all of them.
      const later = new Date(Date.parse(createdAt) + 1).toISOString();
      expect(await listed({ createdAfter: createdAt })).toHaveLength(6);
      expect(await listed({ createdAfter: later })).toEqual([]);
      expect(await listed({ createdBefore: createdAt })).toEqual([]);
      expect(await listed({ createdBefore: later })).toHaveLength(6);
      const unknown = await ok(gateway, ListingCursorsDocument, { filter: { forAccount: randomDid() } });
      expect(unknown.inviteCodes).toEqual({
        totalCount: 0,
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      });
    });

    it('rejects an invalid Datetime in a filter, naming the field', async () => {
      const result = await post(gateway, {
        query: '{ inviteCodes(filter: { createdAfter: "yesterday" }) { totalCount } }',
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/argument "filter.createdAfter": Invalid datetime "yesterday"/);
    });
  });
});
