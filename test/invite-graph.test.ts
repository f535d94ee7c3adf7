// The invite graph: accounts derived from codes and uses, with their odd corners (chains, wide
// fans, cycles, admin codes in the middle, disabled codes), on both execution paths.
import { describe, expect, it } from 'vitest';
import {
  AccountGraphDocument,
  CreateInviteCodeDocument,
  DisableInviteCodesDocument,
  InviteTreeDocument,
  ListingOwnersDocument,
} from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, adminAuth, execute, ok, post, randomDid, startTestGateway } from './helpers/gateway.js';
import { chain, invite } from './helpers/invite-tree.js';

const gateway = startTestGateway();
const pothosOnly = startTestGateway({ sqlAnswers: false });

const graphOf = async (did: string, variables: { first?: number; after?: string } = {}) =>
  (await ok(gateway, AccountGraphDocument, { did, ...variables })).account;
const descendants = async (did: string) => (await graphOf(did)).descendantCount;

describe('the invite graph', () => {
  it('follows a chain: counts below each account, inviter and invitedBy above', async () => {
    const [a, b, c, d] = await chain(gateway, 3);
    expect(await Promise.all([a, b, c, d].map((did) => descendants(did!)))).toEqual([3, 2, 1, 0]);
    const graph = await graphOf(c!);
    expect(graph.did).toBe(c);
    expect(graph.inviter?.did).toBe(b);
    expect(graph.invitedBy?.usedBy).toBe(c);
    expect(graph.inviteeCount).toBe(1);
    expect(graph.invitees.edges.map(({ node }) => node.did)).toEqual([d]);
    expect(graph.invitees.totalCount).toBe(1);
    expect(graph.id).toBe(Buffer.from(`Account:${c}`).toString('base64'));
  });

  it('any DID is an account: one with no codes and no invitation has empty lists and zero counts', async () => {
    const graph = await graphOf(randomDid());
    expect(graph).toMatchObject({ inviteeCount: 0, descendantCount: 0, invitedBy: null, inviter: null });
    expect(graph.inviteCodes).toEqual([]);
    expect(graph.invitees).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  it('pages a wide fan newest use first, with exact hasNextPage and opaque cursors', async () => {
    const root = randomDid();
    const fan = [...(await invite(gateway, root, 12)), ...(await invite(gateway, root, 13))];
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const { invitees } = await graphOf(root, { first: 10, after });
      expect(invitees.totalCount).toBe(25);
      seen.push(...invitees.edges.map(({ node }) => node.did));
      if (!invitees.pageInfo.hasNextPage) break;
      after = invitees.pageInfo.endCursor!;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen)).toEqual(new Set(fan));
    // Newest use first: the second code's uses came later.
    expect(new Set(seen.slice(0, 13))).toEqual(new Set(fan.slice(12)));
    expect(await descendants(root)).toBe(25);
    const bad = await post(gateway, {
      query: `{ account(did: "${root}") { invitees(after: "bm90LWEtY3Vyc29y") { totalCount } } }`,
    });
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'InvalidRequest' } });
    expect(bad.errors?.[0]?.message).toContain('Malformed cursor');
  });

  it('terminates on a cycle and counts each account once, never itself', async () => {
    // A's code invites B; B's code, issued before A was invited, invites A: A -> B -> A.
    const [a, b] = [randomDid(), randomDid()];
    const [codeOfA] = await createCodes(gateway, { forAccount: a });
    const [codeOfB] = await createCodes(gateway, { forAccount: b });
    await redeem(gateway, codeOfA!, b);
    await redeem(gateway, codeOfB!, a);
    expect(await descendants(a)).toBe(1);
    expect(await descendants(b)).toBe(1);
    expect((await graphOf(a)).inviter?.did).toBe(b);
    // A longer loop with a tail: C -> D -> E -> C, and E -> F.
    const [c, d, e] = [randomDid(), randomDid(), randomDid()];
    const [codeOfC] = await createCodes(gateway, { forAccount: c });
    await redeem(gateway, codeOfC!, d);
    await invite(gateway, d, [e]);
    await invite(gateway, e, [c, randomDid()]);
    expect(await Promise.all([c, d, e].map(descendants))).toEqual([3, 3, 3]);
  });

  it('admin codes link no one: "admin" is never an account, and a subtree below one stands alone', async () => {
    const adminCode = (await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } })).createInviteCode.code;
    const x = await redeem(gateway, adminCode!);
    await invite(gateway, x, 2);
    const graph = await graphOf(x);
    expect(graph.inviter).toBeNull();
    expect(graph.invitedBy?.inviteCode.code).toBe(adminCode);
    expect(graph.descendantCount).toBe(2);
    const admin = await post(gateway, { query: '{ account(did: "admin") { did } }' });
    expect(admin.errors?.[0]).toMatchObject({ extensions: { code: 'InvalidRequest' } });
    const node = await post(gateway, {
      query: `{ node(id: "${Buffer.from('Account:admin').toString('base64')}") { id } }`,
    });
    expect(node.errors?.[0]).toMatchObject({ extensions: { code: 'InvalidRequest' } });
  });

  it('disabled codes still link; inviteCodes hides them unless includeDisabled', async () => {
    const root = randomDid();
    const [child] = await invite(gateway, root, 1);
    await invite(gateway, child!, 1);
    const [codeOfRoot] = (await graphOf(root)).inviteCodes.map(({ code }) => code);
    await ok(gateway, DisableInviteCodesDocument, { input: { codes: [codeOfRoot!] } });
    const graph = await graphOf(root);
    expect(graph.inviteCodes).toEqual([]);
    expect(graph.descendantCount).toBe(2);
    expect(graph.invitees.edges.map(({ node }) => node.did)).toEqual([child]);
    const all = await post(gateway, {
      query: `{ account(did: "${root}") { inviteCodes(includeDisabled: true) { code disabled } } }`,
    });
    expect(all.data).toEqual({ account: { inviteCodes: [{ code: codeOfRoot, disabled: true }] } });
  });

  it('resolves Account ids with node(id)', async () => {
    const did = randomDid();
    const id = Buffer.from(`Account:${did}`).toString('base64');
    const result = await post(gateway, { query: `{ node(id: "${id}") { id ... on Account { did } } }` });
    expect(result.data).toEqual({ node: { id, did } });
  });

  it('answers owners and invitees in listings the same on both paths', async () => {
    const [, b, c] = await chain(gateway, 2);
    await createCodes(gateway, { forAccount: b!, codeCount: 2 });
    const filter = { forAccount: b! };
    const fast = await execute(gateway, ListingOwnersDocument, { filter, first: 10 });
    const slow = await execute(pothosOnly, ListingOwnersDocument, { filter, first: 10 });
    expect(fast.errors).toBeUndefined();
    expect(fast.data).toEqual(slow.data);
    expect(fast.statements).toHaveLength(1);
    const nodes = fast.data!.inviteCodes.edges.map(({ node }) => node);
    expect(nodes).toHaveLength(3);
    expect(new Set(nodes.map(({ owner }) => owner?.did))).toEqual(new Set([b]));
    expect(nodes[0]!.owner).toMatchObject({ inviteeCount: 1, descendantCount: 1 });
    expect(nodes.flatMap(({ uses }) => uses.map(({ account }) => account.did))).toEqual([c]);
    await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } });
    const adminCodes = await execute(gateway, ListingOwnersDocument, { filter: { forAccount: 'admin' }, first: 1 });
    expect(adminCodes.data!.inviteCodes.edges.map(({ node }) => node.owner)).toEqual([null]);
    expect(adminCodes.statements).toHaveLength(1);
  });

  it('answers account(did) in one statement, as graphql-js does, for the admin and the account itself', async () => {
    const root = randomDid();
    const [child] = await invite(gateway, root, 3);
    await invite(gateway, child!, 2);
    await createCodes(gateway, { forAccount: root, codeCount: 2 });
    // Every field but invitedBy (graphql-js answers it), with a page and the next.
    // Of its invitees, the account itself reads only id and did.
    const answered = (node: string, after?: string) =>
      `{ account(did: "${root}") {
        id did inviteeCount descendantCount inviter { did } inviteCodes(includeUsed: false) { code }
        invitees(first: 2${after ? `, after: "${after}"` : ''}) { totalCount pageInfo { hasNextPage hasPreviousPage
        startCursor endCursor } edges { cursor node { ${node} } } } } }`;
    for (const [authorization, node] of [
      [adminAuth, 'did inviteCodes { code }'],
      [await accountToken({ sub: root }), 'id did'],
    ] as const) {
      const both = async (query: string) => {
        const fast = await post(gateway, { query }, authorization);
        expect(fast.errors).toBeUndefined();
        expect(fast.statements).toHaveLength(1);
        expect(fast.data).toEqual((await post(pothosOnly, { query }, authorization)).data);
        return fast.data as { account: { invitees: { pageInfo: { endCursor: string }; edges: unknown[] } } };
      };
      const page = await both(answered(node));
      const next = await both(answered(node, page.account.invitees.pageInfo.endCursor));
      expect(next.account.invitees.edges).toHaveLength(1);
      const whole = await execute(gateway, AccountGraphDocument, { did: root, first: 2 }, { authorization });
      expect(whole.data).toEqual((await execute(pothosOnly, AccountGraphDocument, { did: root, first: 2 })).data);
    }
    const tree = await execute(gateway, InviteTreeDocument, { did: root });
    expect(tree.data).toEqual((await execute(pothosOnly, InviteTreeDocument, { did: root })).data);
    expect(tree.statements).toHaveLength(1);
    expect(tree.data!.account.invitees.edges.flatMap(({ node }) => node.invitees.edges)).toHaveLength(2);
  });
});
