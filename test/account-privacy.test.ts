// The contract's Auth section for the invite graph: an account reads account(did: itself) with its
// codes, uses and invitees' DIDs; of any other account only id and did; Forbidden beyond. Every
// field, every kind of caller, on both execution paths.
import { beforeAll, describe, expect, it } from 'vitest';
import { createCodes } from './helpers/fixtures.js';
import { accountToken, adminAuth, post, randomDid, startTestGateway } from './helpers/gateway.js';
import { invite } from './helpers/invite-tree.js';

/** Every field of Account, with a selection. */
const ACCOUNT_FIELDS = {
  id: 'id',
  did: 'did',
  inviteCodes: 'inviteCodes { code }',
  invitedBy: 'invitedBy { usedBy }',
  inviter: 'inviter { did }',
  invitees: 'invitees(first: 5) { totalCount edges { node { did } } }',
  inviteeCount: 'inviteeCount',
  descendantCount: 'descendantCount',
};
const OPEN = ['id', 'did'];
const CLOSED = Object.keys(ACCOUNT_FIELDS).filter((field) => !OPEN.includes(field));
const FIELDS = Object.entries(ACCOUNT_FIELDS);

describe.each([
  ['SQL answers', true],
  ['graphql-js only', false],
])('what an account sees of accounts (%s)', (_, sqlAnswers) => {
  const gateway = startTestGateway({ sqlAnswers });
  // inviter -> self -> invitee
  const [inviter, self] = [randomDid(), randomDid()];
  let invitee = '';
  let selfToken = '';
  const query = (did: string, selection: string, authorization: string | null) =>
    post(gateway, { query: `{ account(did: "${did}") { ${selection} } }` }, authorization);
  const codes = (authorization: string | null, selection: string) =>
    post(gateway, { query: `{ accountInviteCodes(account: "${self}") { ${selection} } }` }, authorization);

  beforeAll(async () => {
    await invite(gateway, inviter, [self]);
    [invitee] = (await invite(gateway, self, 1)) as [string];
    await createCodes(gateway, { forAccount: self });
    selfToken = await accountToken({ sub: self });
  });

  it.each(FIELDS)('the admin reads %s of any account', async (_, selection) => {
    const result = await query(invitee, selection, adminAuth);
    expect(result.errors).toBeUndefined();
  });

  it.each(FIELDS)('an account reads %s of itself', async (_, selection) => {
    const result = await query(self, selection, selfToken);
    expect(result.errors).toBeUndefined();
  });

  it('an account sees its inviter and invitees by DID, and its own counts', async () => {
    const result = await query(
      self,
      'descendantCount inviter { id did } invitees { edges { node { id did } } } invitedBy { inviteCode { code } }',
      selfToken,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      account: { descendantCount: 1, inviter: { did: inviter }, invitees: { edges: [{ node: { did: invitee } }] } },
    });
  });

  it.each(CLOSED)('an account is Forbidden %s of its inviter and of its invitees', async (field) => {
    const selection = ACCOUNT_FIELDS[field as keyof typeof ACCOUNT_FIELDS];
    for (const around of [`inviter { did ${selection} }`, `invitees { edges { node { did ${selection} } } }`]) {
      const result = await query(self, around, selfToken);
      expect(result.errors?.map(({ extensions }) => extensions?.code)).toEqual(['Forbidden']);
    }
  });

  it('account(did) of another account is Forbidden; without credentials AuthRequired', async () => {
    expect((await query(inviter, 'did', selfToken)).errors?.[0]?.extensions?.code).toBe('Forbidden');
    expect((await query(self, 'did', null)).errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });

  it('an account reads the owner and the invitees of its own codes by DID, nothing more of them', async () => {
    const open = await codes(selfToken, 'owner { id did descendantCount } uses { account { id did } }');
    expect(open.errors).toBeUndefined();
    const listed = (open.data as { accountInviteCodes: { owner: { did: string }; uses: unknown[] }[] })
      .accountInviteCodes;
    expect(listed.map(({ owner }) => owner.did)).toEqual([self, self]);
    expect(listed.flatMap(({ uses }) => uses)).toEqual([{ account: expect.objectContaining({ did: invitee }) }]);
    if (sqlAnswers) expect(open.statements).toHaveLength(1);
    const closed = await codes(selfToken, 'uses { account { did descendantCount } }');
    expect(closed.errors?.map(({ extensions }) => extensions?.code)).toEqual(['Forbidden']);
  });

  it('an account is Forbidden the owner of the code that invited it, but reads its inviter', async () => {
    const result = await query(self, 'invitedBy { inviteCode { code owner { did } } }', selfToken);
    expect(result.errors?.map(({ extensions }) => extensions?.code)).toEqual(['Forbidden']);
    const other = await codes(await accountToken({ sub: randomDid() }), 'owner { did }');
    expect(other.errors?.[0]?.extensions?.code).toBe('Forbidden');
  });
});
