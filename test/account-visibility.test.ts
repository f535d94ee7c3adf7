// The contract's Auth section: of a code it does not own (the one that invited it), an account
// sees only id, code, forAccount, createdBy and createdAt; every other field is Forbidden.
import { beforeAll, describe, expect, it } from 'vitest';
import { InvitedByDocument } from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, execute, post, randomDid, startTestGateway } from './helpers/gateway.js';

const OPEN_FIELDS = ['id', 'code', 'forAccount', 'createdBy', 'createdAt'];
const OWNER_FIELDS = [
  'available',
  'disabled',
  'usedCount',
  'remaining',
  'uses { usedBy }',
  'usesConnection(first: 5) { totalCount }',
];

describe.each([
  ['SQL answers', true],
  ['graphql-js only', false],
])('what an account sees of codes (%s)', (_, sqlAnswers) => {
  const gateway = startTestGateway({ sqlAnswers });
  const owner = randomDid();
  const invitee = randomDid();
  let code = '';

  beforeAll(async () => {
    [code] = (await createCodes(gateway, { forAccount: owner, useCount: 3 })) as [string];
    await redeem(gateway, code, invitee);
  });

  it('the invitee reads the identifying fields of the code that invited it', async () => {
    const authorization = await accountToken({ sub: invitee });
    const result = await post(
      gateway,
      { query: `{ invitedBy(account: "${invitee}") { usedBy inviteCode { ${OPEN_FIELDS.join(' ')} } } }` },
      authorization,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      invitedBy: { usedBy: invitee, inviteCode: { code, forAccount: owner, createdBy: 'admin' } },
    });
    // The frontends' operation asks for exactly what the invitee may see.
    const operation = await execute(gateway, InvitedByDocument, { account: invitee }, { authorization });
    expect(operation.errors).toBeUndefined();
    expect(operation.data?.invitedBy?.inviteCode.code).toBe(code);
  });

  it.each(OWNER_FIELDS)('the invitee is Forbidden %s of its inviter’s code', async (field) => {
    const authorization = await accountToken({ sub: invitee });
    const result = await post(
      gateway,
      { query: `{ invitedBy(account: "${invitee}") { inviteCode { code ${field} } } }` },
      authorization,
    );
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['Forbidden']);
    expect(result.errors?.[0]?.path?.at(-1)).toBe(field.split(/[ (]/)[0]);
    expect(result.data).toEqual({ invitedBy: null });
  });

  it('the owner reads every field of its own codes', async () => {
    const authorization = await accountToken({ sub: owner });
    const query = `{ accountInviteCodes(account: "${owner}") { ${[...OPEN_FIELDS, ...OWNER_FIELDS].join(' ')} } }`;
    const result = await post(gateway, { query }, authorization);
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      accountInviteCodes: [
        {
          code,
          available: 3,
          disabled: false,
          usedCount: 1,
          remaining: 2,
          uses: [{ usedBy: invitee }],
          usesConnection: { totalCount: 1 },
        },
      ],
    });
  });
});
