// accountInviteCodes: com.atproto.server.getAccountInviteCodes.
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateInviteCodeDocument, DisableInviteCodesDocument, MyInviteCodesDocument } from './generated/operations.js';
import { createCodesOneByOne, redeem } from './helpers/fixtures.js';
import { execute, ok, randomDid, startTestGateway } from './helpers/gateway.js';

// Every behaviour holds on both ways of answering: the SQL answers and graphql-js alone.
describe.each([
  ['SQL answers', true],
  ['graphql-js only', false],
])('accountInviteCodes (%s)', (_, sqlAnswers) => {
  const gateway = startTestGateway({ sqlAnswers });
  const account = randomDid();
  let codes: string[] = [];

  beforeAll(async () => {
    codes = (await createCodesOneByOne(gateway, 5, { forAccount: account, useCount: 2 })).codes;
    await redeem(gateway, codes[0]!);
    await redeem(gateway, codes[0]!); // used up
    await redeem(gateway, codes[1]!); // one use left
    await ok(gateway, DisableInviteCodesDocument, { input: { codes: [codes[2]!] } });
  });

  it('lists the account codes oldest first, hiding disabled ones', async () => {
    const { accountInviteCodes } = await ok(gateway, MyInviteCodesDocument, { account });
    expect(accountInviteCodes.map(({ code }) => code)).toEqual([codes[0], codes[1], codes[3], codes[4]]);
    const sorted = [...accountInviteCodes].sort(
      (a, b) => a.createdAt.localeCompare(b.createdAt) || a.code.localeCompare(b.code),
    );
    expect(accountInviteCodes).toEqual(sorted);
    expect(accountInviteCodes[0]).toMatchObject({ available: 2, usedCount: 2, remaining: 0 });
    expect(accountInviteCodes[0]!.uses).toHaveLength(2);
  });

  it('includeUsed: false also hides used-up codes; includeUsed defaults to true', async () => {
    const without = await ok(gateway, MyInviteCodesDocument, { account, includeUsed: false });
    expect(without.accountInviteCodes.map(({ code }) => code)).toEqual([codes[1], codes[3], codes[4]]);
    const explicit = await ok(gateway, MyInviteCodesDocument, { account, includeUsed: true });
    const implicit = await ok(gateway, MyInviteCodesDocument, { account });
    expect(explicit).toEqual(implicit);
  });

  it('includes codes an admin made for the account', async () => {
    const gift = await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount: account } });
    const { accountInviteCodes } = await ok(gateway, MyInviteCodesDocument, { account });
    expect(accountInviteCodes.at(-1)).toMatchObject({
      code: gift.createInviteCode.code,
      createdBy: 'admin',
      forAccount: account,
    });
  });

  it('gives [] for an account without codes', async () => {
    expect((await ok(gateway, MyInviteCodesDocument, { account: randomDid() })).accountInviteCodes).toEqual([]);
  });

  it.each(['admin', 'did:plc', 'not-a-did', 'did:PLC:abc', ''])(
    'rejects account %j before touching the database',
    async (bad) => {
      const result = await execute(gateway, MyInviteCodesDocument, { account: bad });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/\$account/);
      expect(result.statements).toEqual([]);
    },
  );
});
