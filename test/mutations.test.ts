// createInviteCode(s), disableInviteCodes and redeemInviteCode: the contract's semantics.
import { describe, expect, it } from 'vitest';
import {
  AdminInviteCodesDocument,
  CreateInviteCodeDocument,
  CreateInviteCodesDocument,
  DisableInviteCodesDocument,
  InviteCodeWithUsesDocument,
  MyInviteCodesDocument,
  RedeemInviteCodeDocument,
} from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, execute, ok, post, randomDid, SERVICE_HOSTNAME, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();
const CODE_FORMAT = new RegExp(`^${SERVICE_HOSTNAME.replaceAll('.', '-')}-[a-z2-7]{5}-[a-z2-7]{5}$`);

async function codesOwnedBy(account: string): Promise<number> {
  const { inviteCodes } = await ok(gateway, AdminInviteCodesDocument, { filter: { forAccount: account }, first: 1 });
  return inviteCodes.totalCount;
}

describe('createInviteCode', () => {
  it('creates an admin code by default, in the PDS format', async () => {
    const { createInviteCode } = await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 5 } });
    expect(createInviteCode).toMatchObject({
      available: 5,
      usedCount: 0,
      remaining: 5,
      disabled: false,
      forAccount: 'admin',
      createdBy: 'admin',
      uses: [],
    });
    expect(createInviteCode.code).toMatch(CODE_FORMAT);
  });

  it('creates a code for an account, created by admin', async () => {
    const account = randomDid();
    const { createInviteCode } = await ok(gateway, CreateInviteCodeDocument, {
      input: { useCount: 1, forAccount: account },
    });
    expect(createInviteCode).toMatchObject({ forAccount: account, createdBy: 'admin' });
  });

  it.each([0, -1, 100_001])('rejects useCount %i and creates nothing', async (useCount) => {
    const account = randomDid();
    const result = await execute(gateway, CreateInviteCodeDocument, { input: { useCount, forAccount: account } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(/"useCount"/);
    expect(await codesOwnedBy(account)).toBe(0);
  });

  it('accepts the bounds of useCount', async () => {
    for (const useCount of [1, 100_000]) {
      expect((await ok(gateway, CreateInviteCodeDocument, { input: { useCount } })).createInviteCode.available).toBe(
        useCount,
      );
    }
  });

  it('rejects "admin" or any non-DID as forAccount', async () => {
    for (const forAccount of ['admin', 'alice.example.com']) {
      const result = await execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount } });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/forAccount/);
    }
  });
});

describe('createInviteCodes', () => {
  it('makes codeCount codes per account, in input order, and defaults to one "admin" code', async () => {
    const accounts = [randomDid(), randomDid(), randomDid()];
    const { createInviteCodes } = await ok(gateway, CreateInviteCodesDocument, {
      input: { codeCount: 3, useCount: 2, forAccounts: accounts },
    });
    expect(createInviteCodes.map(({ account }) => account)).toEqual(accounts);
    for (const { account, codes } of createInviteCodes) {
      expect(codes).toHaveLength(3);
      for (const code of codes)
        expect(code).toMatchObject({ forAccount: account, createdBy: 'admin', available: 2, disabled: false });
    }
    const all = createInviteCodes.flatMap(({ codes }) => codes.map(({ code }) => code));
    expect(new Set(all).size).toBe(9);

    const defaults = await ok(gateway, CreateInviteCodesDocument, { input: { useCount: 1 } });
    expect(defaults.createInviteCodes).toHaveLength(1);
    expect(defaults.createInviteCodes[0]!.account).toBe('admin');
    expect(defaults.createInviteCodes[0]!.codes).toHaveLength(1);
  });

  it('creates nothing for forAccounts: []', async () => {
    const result = await execute(gateway, CreateInviteCodesDocument, { input: { useCount: 1, forAccounts: [] } });
    expect(result.data?.createInviteCodes).toEqual([]);
    expect(result.statements).toEqual([]);
  });

  it.each([
    ['codeCount 0', { codeCount: 0, useCount: 1, accounts: 2 }, /"codeCount"/],
    ['codeCount 1001', { codeCount: 1001, useCount: 1, accounts: 2 }, /"codeCount"/],
    ['useCount 0', { codeCount: 1, useCount: 0, accounts: 2 }, /"useCount"/],
    ['over 10000 codes', { codeCount: 1000, useCount: 1, accounts: 11 }, /at most 10000 codes/],
    ['over 1000 accounts', { codeCount: 1, useCount: 1, accounts: 1001 }, /at most 1000 accounts/],
  ])('rejects %s and creates nothing', async (_, { accounts, ...input }, message) => {
    const forAccounts = Array.from({ length: accounts }, randomDid);
    const result = await execute(gateway, CreateInviteCodesDocument, { input: { ...input, forAccounts } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(message);
    expect(await codesOwnedBy(forAccounts[0]!)).toBe(0);
  });

  it('rejects a repeated DID', async () => {
    const did = randomDid();
    const result = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [did, randomDid(), did] },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toContain(did);
    expect(await codesOwnedBy(did)).toBe(0);
  });

  it('a batch with one invalid DID creates nothing, and names where it is', async () => {
    const good = randomDid();
    const result = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [good, 'did:bad', randomDid()] },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(/forAccounts\[1\]|did:bad/);
    expect(result.statements).toEqual([]);
    expect(await codesOwnedBy(good)).toBe(0);
  });

  it('a failure in the middle of a batch leaves nothing behind', async () => {
    // Round one inserts 199 of 200 codes (one collides with a stored code); generating the
    // replacement then fails, after those inserts: the transaction must take them back.
    const [taken] = await createCodes(gateway);
    let made = 0;
    const failing = startTestGateway({
      generateCode: () => {
        made++;
        if (made === 100) return taken!;
        if (made > 200) throw new Error('generator failed mid-batch');
        return `mid-batch-${made}-${randomDid().slice(-10)}`;
      },
    });
    const accounts = [randomDid(), randomDid()];
    const result = await execute(failing, CreateInviteCodesDocument, {
      input: { codeCount: 100, useCount: 1, forAccounts: accounts },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InternalServerError');
    expect(made).toBe(201);
    expect(result.statements.some((sql) => sql.startsWith('INSERT'))).toBe(true);
    for (const account of accounts) expect(await codesOwnedBy(account)).toBe(0);
  });

  it('checks nested arguments of the result before writing anything', async () => {
    const account = randomDid();
    const result = await post(gateway, {
      query: `mutation { createInviteCodes(input: { useCount: 1, forAccounts: ["${account}"] }) {
        codes { usesConnection(first: 0) { totalCount } } } }`,
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(await codesOwnedBy(account)).toBe(0);
  });

  it('regenerates codes that collide with stored ones or with each other', async () => {
    const [taken] = await createCodes(gateway);
    const queue = [taken!, taken!, 'collide-once-a', 'collide-once-a', 'collide-once-b'];
    let calls = 0;
    const colliding = startTestGateway({
      generateCode: () => queue[calls++] ?? `fresh-${calls}-${randomDid().slice(-12)}`,
    });
    const account = randomDid();
    const { createInviteCodes } = await ok(colliding, CreateInviteCodesDocument, {
      input: { codeCount: 3, useCount: 1, forAccounts: [account] },
    });
    const codes = createInviteCodes[0]!.codes.map(({ code }) => code);
    expect(codes).toHaveLength(3);
    expect(new Set(codes).size).toBe(3);
    expect(codes).not.toContain(taken);
    expect(codes).toContain('collide-once-a');
    expect(calls).toBeGreaterThan(3);
    expect(await codesOwnedBy(account)).toBe(3);
  });

  it('returns results as deep as queries, in a bounded number of statements', async () => {
    for (const accounts of [1, 20]) {
      const forAccounts = Array.from({ length: accounts }, randomDid);
      const result = await post(gateway, {
        query: `mutation($forAccounts: [Did!]) {
          createInviteCodes(input: { codeCount: 5, useCount: 2, forAccounts: $forAccounts }) {
            account codes {
              code uses { usedBy inviteCode { code usedCount } } usesConnection(first: 5) { totalCount }
            }
          }
        }`,
        variables: { forAccounts },
      });
      expect(result.errors).toBeUndefined();
      // BEGIN, the insert, the CREATED events, COMMIT, then one read for every account's codes.
      expect(result.statements.filter((sql) => !/^(BEGIN|COMMIT)/i.test(sql))).toHaveLength(3);
    }
  });
});

describe('disableInviteCodes', () => {
  it('disables listed codes and every code of listed accounts, counting only changes', async () => {
    const owner = randomDid();
    const other = randomDid();
    const owned = await createCodes(gateway, { forAccount: owner, codeCount: 3 });
    const [single, already] = await createCodes(gateway, { forAccount: other, codeCount: 3 });
    await ok(gateway, DisableInviteCodesDocument, { input: { codes: [already!] } });

    const { disableInviteCodes } = await ok(gateway, DisableInviteCodesDocument, {
      input: { codes: [single!, already!, 'no-such-code'], accounts: [owner, randomDid()] },
    });
    expect(disableInviteCodes.disabledCount).toBe(4);
    expect(disableInviteCodes.codes.map(({ code }) => code).sort()).toEqual([...owned, single!].sort());
    for (const code of disableInviteCodes.codes) expect(code.disabled).toBe(true);
    expect((await ok(gateway, MyInviteCodesDocument, { account: owner })).accountInviteCodes).toEqual([]);
    expect((await ok(gateway, MyInviteCodesDocument, { account: other })).accountInviteCodes).toHaveLength(1);
  });

  it('disables admin codes one by one, but refuses "admin" in accounts', async () => {
    const { createInviteCode } = await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1 } });
    const result = await execute(gateway, DisableInviteCodesDocument, {
      input: { accounts: ['admin'], codes: [createInviteCode.code] },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toBe('cannot disable admin invite codes');
    expect((await ok(gateway, InviteCodeWithUsesDocument, { code: createInviteCode.code })).inviteCode?.disabled).toBe(
      false,
    );
    const byCode = await ok(gateway, DisableInviteCodesDocument, { input: { codes: [createInviteCode.code] } });
    expect(byCode.disableInviteCodes.disabledCount).toBe(1);
  });

  it('is a no-op without lists', async () => {
    for (const input of [{}, { codes: [], accounts: [] }]) {
      const result = await execute(gateway, DisableInviteCodesDocument, { input });
      expect(result.data?.disableInviteCodes).toEqual({ disabledCount: 0, codes: [] });
      expect(result.statements).toEqual([]);
    }
  });

  it('rejects control characters in the lists', async () => {
    for (const input of [{ codes: ['ok', 'bad\u0000'] }, { accounts: ['did:plc:x\u0000'] }]) {
      const result = await execute(gateway, DisableInviteCodesDocument, { input });
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.statements).toEqual([]);
    }
  });

  it('rejects oversized lists', async () => {
    const codes = Array.from({ length: 10_001 }, (_, i) => `code-${i}`);
    const result = await execute(gateway, DisableInviteCodesDocument, { input: { codes } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.statements).toEqual([]);
  });
});

describe('redeemInviteCode', () => {
  const refusal = async (code: string, usedBy: string) => {
    const result = await execute(gateway, RedeemInviteCodeDocument, { input: { code, usedBy } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidInviteCode');
    expect(result.errors?.[0]?.message).toBe('Provided invite code not available');
    return result.errors?.[0]?.extensions?.reason;
  };

  it('records a use and returns it with its code', async () => {
    const [code] = await createCodes(gateway, { useCount: 2 });
    const usedBy = randomDid();
    const { redeemInviteCode } = await ok(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy } });
    expect(redeemInviteCode).toMatchObject({ usedBy, inviteCode: { code, available: 2, usedCount: 1, remaining: 1 } });
    expect(Date.now() - Date.parse(redeemInviteCode.usedAt)).toBeLessThan(60_000);
  });

  it('refuses with the reasons in the contract order', async () => {
    expect(await refusal('no-such-code', randomDid())).toBe('NOT_FOUND');

    const [disabled, used, fresh] = await createCodes(gateway, { codeCount: 3, useCount: 1 });
    const invited = await redeem(gateway, used!);
    await ok(gateway, DisableInviteCodesDocument, { input: { codes: [disabled!] } });
    // Disabled beats already-used, and already-used beats exhausted.
    expect(await refusal(disabled!, invited)).toBe('DISABLED');
    expect(await refusal(used!, invited)).toBe('ALREADY_USED');
    expect(await refusal(fresh!, invited)).toBe('ALREADY_USED');
    expect(await refusal(used!, randomDid())).toBe('EXHAUSTED');
    const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code: used! });
    expect(inviteCode).toMatchObject({ usedCount: 1, remaining: 0 });
  });

  it('refuses an empty code with the PDS message before any statement', async () => {
    const result = await execute(gateway, RedeemInviteCodeDocument, { input: { code: '', usedBy: randomDid() } });
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'No invite code provided',
        extensions: { code: 'InvalidInviteCode', reason: 'NOT_FOUND' },
      }),
    ]);
    expect(result.statements).toEqual([]);
  });

  it('rejects a code with a NUL character before any statement', async () => {
    const result = await execute(gateway, RedeemInviteCodeDocument, {
      input: { code: 'x\u0000', usedBy: randomDid() },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.statements).toEqual([]);
  });

  it('rejects an invalid DID as InvalidRequest before any statement', async () => {
    const [code] = await createCodes(gateway);
    const result = await execute(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy: 'did:web' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.statements).toEqual([]);
  });

  it('is admin only', async () => {
    const [code] = await createCodes(gateway);
    const account = randomDid();
    const authorization = await accountToken({ sub: account });
    for (const result of [
      await execute(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy: account } }, { authorization }),
      await execute(
        gateway,
        CreateInviteCodesDocument,
        { input: { useCount: 1, forAccounts: [account] } },
        { authorization },
      ),
      await execute(gateway, DisableInviteCodesDocument, { input: { codes: [code!] } }, { authorization }),
    ]) {
      expect(result.errors?.[0]?.extensions?.code).toBe('Forbidden');
      expect(result.statements).toEqual([]);
    }
  });
});
