// The contract's Auth section: admin Basic, account Bearer JWT, AuthRequired and Forbidden.
import { SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdminInviteCodesDocument,
  CreateInviteCodeDocument,
  DisableInviteCodesDocument,
  InvitedByDocument,
  MyInviteCodesDocument,
  NodeByIdDocument,
  RedeemInviteCodeDocument,
} from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import {
  accountToken,
  ADMIN_PASSWORD,
  execute,
  JWT_SECRET,
  post,
  randomDid,
  startTestGateway,
} from './helpers/gateway.js';

const gateway = startTestGateway();
const now = () => Math.floor(Date.now() / 1000);
/** A token with exactly these claims (accountToken only makes well-typed ones). */
const signed = async (claims: Record<string, unknown>) => {
  // Ill-typed claims on purpose: the cast lets a test send what JWTPayload forbids.
  const token = new SignJWT(claims as JWTPayload).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' });
  return `Bearer ${await token.sign(new TextEncoder().encode(JWT_SECRET))}`;
};
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('auth', () => {
  const account = randomDid();
  let code = '';

  beforeAll(async () => {
    [code] = (await createCodes(gateway, { forAccount: account, useCount: 2 })) as [string];
    await redeem(gateway, code, account.replace('did:plc:', 'did:plc:x'));
  });

  it('without credentials, data fields answer AuthRequired and introspection still works', async () => {
    const result = await execute(gateway, AdminInviteCodesDocument, {}, { authorization: null });
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    expect(result.statements).toEqual([]);
    const introspection = await post(gateway, { query: '{ __schema { queryType { name } } }' }, null);
    expect(introspection.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it.each([
    ['a wrong password', basic('admin', 'wrong')],
    ['a wrong user', basic('root', ADMIN_PASSWORD)],
    ['no colon', `Basic ${Buffer.from('admin').toString('base64')}`],
    ['an unknown scheme', 'Digest abc'],
  ])('admin auth with %s is AuthRequired', async (_, authorization) => {
    const result = await execute(gateway, AdminInviteCodesDocument, {}, { authorization });
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });

  it('admin may do everything', async () => {
    const [fresh] = (await createCodes(gateway, { useCount: 2 })) as [string];
    const invited = account.replace('did:plc:', 'did:plc:x');
    const attempts = [
      () => execute(gateway, AdminInviteCodesDocument, { first: 1 }),
      () => execute(gateway, MyInviteCodesDocument, { account }),
      () => execute(gateway, InvitedByDocument, { account: invited }),
      () => execute(gateway, NodeByIdDocument, { id: Buffer.from(`InviteCode:${code}`).toString('base64') }),
      () =>
        post(gateway, {
          query: `{ inviteCode(code: "${code}") {
            code available usedCount remaining disabled uses { usedBy } usesConnection { totalCount } } }`,
        }),
      () => execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount: randomDid() } }),
      () => execute(gateway, RedeemInviteCodeDocument, { input: { code: fresh, usedBy: randomDid() } }),
      () => execute(gateway, DisableInviteCodesDocument, { input: { codes: [fresh] } }),
    ];
    for (const attempt of attempts) {
      const result = await attempt();
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.data).toBeTruthy();
    }
  });

  it('an account token reads its own codes and its own invitedBy', async () => {
    const authorization = await accountToken({ sub: account });
    const codes = await execute(gateway, MyInviteCodesDocument, { account }, { authorization });
    expect(codes.errors).toBeUndefined();
    expect(codes.data?.accountInviteCodes.map(({ code: c }) => c)).toEqual([code]);
    const invited = await execute(gateway, InvitedByDocument, { account }, { authorization });
    expect(invited.errors).toBeUndefined();
    expect(invited.data?.invitedBy).toBeNull();
  });

  it('an account token is Forbidden for other accounts and for everything else', async () => {
    const authorization = await accountToken({ sub: account });
    const attempts = [
      execute(gateway, MyInviteCodesDocument, { account: randomDid() }, { authorization }),
      execute(gateway, InvitedByDocument, { account: randomDid() }, { authorization }),
      execute(gateway, AdminInviteCodesDocument, {}, { authorization }),
      execute(
        gateway,
        NodeByIdDocument,
        { id: Buffer.from(`InviteCode:${code}`).toString('base64') },
        { authorization },
      ),
      execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } }, { authorization }),
      execute(gateway, RedeemInviteCodeDocument, { input: { code, usedBy: randomDid() } }, { authorization }),
      post(gateway, { query: `{ inviteCode(code: "${code}") { code } }` }, authorization),
    ];
    for (const result of await Promise.all(attempts)) {
      expect(result.errors?.[0]?.extensions?.code).toBe('Forbidden');
      expect(result.statements).toEqual([]);
    }
  });

  it('an account sees the uses of its own codes only', async () => {
    const invited = account.replace('did:plc:', 'did:plc:x');
    const authorization = await accountToken({ sub: invited });
    const own = await post(
      gateway,
      { query: `{ invitedBy(account: "${invited}") { usedBy inviteCode { code forAccount } } }` },
      authorization,
    );
    expect(own.errors).toBeUndefined();
    expect(own.data).toEqual({ invitedBy: { usedBy: invited, inviteCode: { code, forAccount: account } } });
    const siblings = await post(
      gateway,
      { query: `{ invitedBy(account: "${invited}") { inviteCode { uses { usedBy } } } }` },
      authorization,
    );
    expect(siblings.errors?.[0]?.extensions?.code).toBe('Forbidden');
    expect(JSON.stringify(siblings.data)).not.toContain('usedBy');
    const owner = await post(
      gateway,
      { query: `{ accountInviteCodes(account: "${account}") { uses { usedBy } } }` },
      await accountToken({ sub: account }),
    );
    expect(owner.data).toEqual({ accountInviteCodes: [{ uses: [{ usedBy: invited }] }] });
  });

  it('accepts typ JWT as well as at+jwt', async () => {
    const authorization = await accountToken({ sub: account, typ: 'JWT' });
    expect((await execute(gateway, MyInviteCodesDocument, { account }, { authorization })).errors).toBeUndefined();
  });

  it.each([
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
    ['signed with another secret', { secret: 'another-secret-another-secret-123' }],
    ['of another token type', { typ: 'dpop+jwt' }],
    ['whose subject is no DID', { sub: 'alice.example.com' }],
  ])('a token %s is AuthRequired', async (_, claims) => {
    const authorization = await accountToken({ sub: account, ...claims });
    const result = await execute(gateway, MyInviteCodesDocument, { account }, { authorization });
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });

  it('takes scope and sub only as strings', async () => {
    const claims = { scope: 'com.atproto.access', sub: account, iat: now(), exp: now() + 3600 };
    expect(
      (await execute(gateway, MyInviteCodesDocument, { account }, { authorization: await signed(claims) })).errors,
    ).toBeUndefined();
    for (const wrong of [
      { scope: ['com.atproto.access'] },
      { scope: { value: 'com.atproto.access' } },
      { sub: [account] },
    ]) {
      const authorization = await signed({ ...claims, ...wrong });
      const result = await execute(gateway, MyInviteCodesDocument, { account }, { authorization });
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(wrong)).toBe('AuthRequired');
    }
  });

  it('refuses a token issued more than a minute in the future, and allows a little clock skew', async () => {
    const claims = { scope: 'com.atproto.access', sub: account, exp: now() + 3600 };
    const ahead = await signed({ ...claims, iat: now() + 120 });
    expect(
      (await execute(gateway, MyInviteCodesDocument, { account }, { authorization: ahead })).errors?.[0]?.extensions
        ?.code,
    ).toBe('AuthRequired');
    const skewed = await signed({ ...claims, iat: now() + 30 });
    expect(
      (await execute(gateway, MyInviteCodesDocument, { account }, { authorization: skewed })).errors,
    ).toBeUndefined();
  });

  it('a garbled token is AuthRequired', async () => {
    const result = await execute(gateway, MyInviteCodesDocument, { account }, { authorization: 'Bearer not.a.jwt' });
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });

  it('an app-password token (another scope) is Forbidden', async () => {
    const authorization = await accountToken({ sub: account, scope: 'com.atproto.appPass' });
    const result = await execute(gateway, MyInviteCodesDocument, { account }, { authorization });
    expect(result.errors?.[0]?.extensions?.code).toBe('Forbidden');
  });

  it('checks aud only when JWT_AUDIENCE is set', async () => {
    const audience = 'did:web:pds.test.example';
    const strict = startTestGateway({
      config: { jwtAudience: audience },
    });
    const right = await accountToken({ sub: account, aud: audience });
    const wrong = await accountToken({ sub: account, aud: 'did:web:elsewhere.example' });
    const none = await accountToken({ sub: account });
    expect(
      (await execute(strict, MyInviteCodesDocument, { account }, { authorization: right })).errors,
    ).toBeUndefined();
    expect(
      (await execute(strict, MyInviteCodesDocument, { account }, { authorization: wrong })).errors?.[0]?.extensions
        ?.code,
    ).toBe('AuthRequired');
    expect(
      (await execute(strict, MyInviteCodesDocument, { account }, { authorization: none })).errors?.[0]?.extensions
        ?.code,
    ).toBe('AuthRequired');
    expect(
      (await execute(gateway, MyInviteCodesDocument, { account }, { authorization: wrong })).errors,
    ).toBeUndefined();
  });

  it('without JWT_SECRET account tokens are refused', async () => {
    const closed = startTestGateway({
      config: { jwtSecret: undefined },
    });
    const authorization = await accountToken({ sub: account });
    const result = await execute(closed, MyInviteCodesDocument, { account }, { authorization });
    expect(result.errors?.[0]?.extensions?.code).toBe('AuthRequired');
  });
});
