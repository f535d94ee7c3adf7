// inviteCode, its uses and usesConnection, node and invitedBy.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  InviteCodeWithUsesDocument,
  InvitedByDocument,
  NodeByIdDocument,
  type InviteCodeWithUsesQuery,
} from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { execute, ok, post, randomDid, startTestGateway, SERVICE_HOSTNAME } from './helpers/gateway.js';

const gateway = startTestGateway();
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function usesPage(code: string, usesFirst: number, usesAfter: string | null): Promise<UsesConnection> {
  const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code, usesFirst, usesAfter });
  return inviteCode!.usesConnection;
}

type UsesConnection = NonNullable<InviteCodeWithUsesQuery['inviteCode']>['usesConnection'];

describe('inviteCode', () => {
  const owner = randomDid();
  let code = '';
  let users: string[] = [];

  beforeAll(async () => {
    [code] = (await createCodes(gateway, { forAccount: owner, useCount: 120 })) as [string];
    users = [];
    for (let i = 0; i < 105; i++) users.push(await redeem(gateway, code));
  });

  it('has every field of the lexicon object', async () => {
    const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code });
    expect(inviteCode).toMatchObject({
      code,
      available: 120,
      usedCount: 105,
      remaining: 15,
      disabled: false,
      forAccount: owner,
      createdBy: 'admin',
    });
    expect(inviteCode!.code).toMatch(new RegExp(`^${SERVICE_HOSTNAME.replaceAll('.', '-')}-[a-z2-7]{5}-[a-z2-7]{5}$`));
    expect(inviteCode!.createdAt).toMatch(DATETIME);
    expect(inviteCode!.uses).toHaveLength(105);
    expect(new Set(inviteCode!.uses.map(({ usedBy }) => usedBy))).toEqual(new Set(users));
  });

  it('lists uses newest first (usedAt desc, usedBy desc)', async () => {
    const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code });
    const uses = inviteCode!.uses;
    for (const use of uses) expect(use.usedAt).toMatch(DATETIME);
    const sorted = [...uses].sort((a, b) => b.usedAt.localeCompare(a.usedAt) || b.usedBy.localeCompare(a.usedBy));
    expect(uses).toEqual(sorted);
    expect(uses[0]!.usedBy).toBe(users.at(-1));
  });

  it('is null for an unknown code', async () => {
    expect((await ok(gateway, InviteCodeWithUsesDocument, { code: 'no-such-code' })).inviteCode).toBeNull();
  });

  it('usesConnection defaults to 100 uses and pages with `after` in the order of `uses`', async () => {
    const first = await ok(gateway, InviteCodeWithUsesDocument, { code });
    const connection = first.inviteCode!.usesConnection;
    expect(connection.edges).toHaveLength(100);
    expect(connection.totalCount).toBe(105);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });

    const paged: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const { edges, pageInfo, totalCount } = await usesPage(code, 10, after);
      expect(totalCount).toBe(105);
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      paged.push(...edges.map(({ node }) => node.usedBy));
      if (!pageInfo.hasNextPage) break;
      expect(edges).toHaveLength(10);
      after = pageInfo.endCursor;
    }
    expect(paged).toEqual(first.inviteCode!.uses.map(({ usedBy }) => usedBy));
  });

  it('usesConnection ends exactly: a page that reaches the last use has no next page', async () => {
    const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code, usesFirst: 105 });
    expect(inviteCode!.usesConnection.edges).toHaveLength(105);
    expect(inviteCode!.usesConnection.pageInfo.hasNextPage).toBe(false);
  });

  it.each([0, -3, 501])('usesConnection rejects first: %i', async (usesFirst) => {
    const result = await execute(gateway, InviteCodeWithUsesDocument, { code, usesFirst });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(/"first"/);
  });

  it('usesConnection rejects a cursor it did not make', async () => {
    const result = await execute(gateway, InviteCodeWithUsesDocument, { code, usesAfter: 'not-a-cursor' });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
  });

  it('node finds codes and uses by global id, and null for absent ones', async () => {
    const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code, usesFirst: 1 });
    const byCode = await ok(gateway, NodeByIdDocument, { id: inviteCode!.id });
    expect(byCode.node).toMatchObject({ __typename: 'InviteCode', id: inviteCode!.id, code, usedCount: 105 });
    const useId = inviteCode!.usesConnection.edges[0]!.node.id;
    const byUse = await ok(gateway, NodeByIdDocument, { id: useId });
    expect(byUse.node).toMatchObject({
      __typename: 'InviteCodeUse',
      id: useId,
      usedBy: users.at(-1),
      inviteCode: { code },
    });
    const absent = Buffer.from('InviteCode:no-such-code').toString('base64');
    expect((await ok(gateway, NodeByIdDocument, { id: absent })).node).toBeNull();
    const malformedIds = ['%%%', 'Foo:bar', 'InviteCode:', 'InviteCode:a\u0000b'].map((id, index) =>
      index ? Buffer.from(id).toString('base64') : id,
    );
    for (const id of malformedIds) {
      const malformed = await execute(gateway, NodeByIdDocument, { id });
      expect(malformed.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(malformed.statements).toEqual([]);
    }
  });

  it('invitedBy returns the use that invited a DID, with its code, or null', async () => {
    const { invitedBy } = await ok(gateway, InvitedByDocument, { account: users[3]! });
    expect(invitedBy).toMatchObject({ usedBy: users[3], inviteCode: { code, forAccount: owner, createdBy: 'admin' } });
    expect(invitedBy!.usedAt).toMatch(DATETIME);
    expect((await ok(gateway, InvitedByDocument, { account: randomDid() })).invitedBy).toBeNull();
  });

  it('rejects a code with a NUL character, and an overlong one', async () => {
    for (const bad of ['abc\u0000', 'x'.repeat(3000)]) {
      const result = await execute(gateway, InviteCodeWithUsesDocument, { code: bad });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/"code"/);
      expect(result.statements).toEqual([]);
    }
  });

  it('inviteCode requires its argument', async () => {
    const result = await post(gateway, { query: '{ inviteCode { code } }' });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(/"code"/);
  });
});
