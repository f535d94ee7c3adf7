// disableInviteTree: a spam wave is one invite subtree. Admin only, one transaction, and it
// reports exactly the codes it changed (the seam for one DISABLED event per changed code).
import { describe, expect, it } from 'vitest';
import { getPrisma } from '../src/db/prisma.js';
import { disableInviteTree } from '../src/resolvers/disable-invite-tree.js';
import {
  AccountGraphDocument,
  DisableInviteCodesDocument,
  DisableInviteTreeDocument,
  InviteCodeWithUsesDocument,
} from './generated/operations.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, execute, ok, post, randomDid, startTestGateway } from './helpers/gateway.js';
import { invite } from './helpers/invite-tree.js';

const gateway = startTestGateway();

/**
 * P -> A; A -> B, C; B -> D. A owns its used code and an unused one; B its used code and a
 * disabled one; D an unused one; C none. P and a stranger E own codes that must stay enabled.
 */
async function spamWave() {
  const [p, e] = [randomDid(), randomDid()];
  const [a] = await invite(gateway, p, 1);
  const [b, c] = await invite(gateway, a!, 2);
  const [d] = await invite(gateway, b!, 1);
  const [spareOfA] = await createCodes(gateway, { forAccount: a! });
  const [disabledOfB] = await createCodes(gateway, { forAccount: b! });
  await ok(gateway, DisableInviteCodesDocument, { input: { codes: [disabledOfB!] } });
  const [codeOfD] = await createCodes(gateway, { forAccount: d! });
  const [codeOfE] = await createCodes(gateway, { forAccount: e });
  const codesOf = async (did: string) =>
    (await ok(gateway, AccountGraphDocument, { did })).account.inviteCodes.map(({ code }) => code);
  const [usedOfA] = (await codesOf(a!)).filter((code) => code !== spareOfA);
  const [usedOfB] = await codesOf(b!);
  const [codeOfP] = await codesOf(p);
  return { p, a: a!, b: b!, c: c!, d: d!, usedOfA, spareOfA, usedOfB, disabledOfB, codeOfD, codeOfP, codeOfE };
}

const disabled = async (code: string) =>
  (await ok(gateway, InviteCodeWithUsesDocument, { code, usesFirst: 1 })).inviteCode?.disabled;

describe('disableInviteTree', () => {
  it('changes exactly the enabled codes of the account and its descendants, and returns them', async () => {
    const wave = await spamWave();
    const result = await disableInviteTree(getPrisma(), { account: wave.a });
    expect(result.accountCount).toBe(4);
    const expected = [
      { code: wave.usedOfA, forAccount: wave.a },
      { code: wave.spareOfA, forAccount: wave.a },
      { code: wave.usedOfB, forAccount: wave.b },
      { code: wave.codeOfD, forAccount: wave.d },
    ];
    // Not the code of B that was already disabled, nor P's or E's.
    expect(result.codes).toEqual(expected.sort((x, y) => x.code!.localeCompare(y.code!)));
    for (const code of [wave.codeOfP, wave.codeOfE]) expect(await disabled(code!)).toBe(false);
    // Nothing is left to change: a repeat changes nothing.
    expect(await disableInviteTree(getPrisma(), { account: wave.a })).toEqual({ accountCount: 4, codes: [] });
  });

  it('writes one DISABLED event per code it changed, in the same statement, and none for the rest', async () => {
    const wave = await spamWave();
    const codes = [wave.usedOfA, wave.spareOfA, wave.usedOfB, wave.disabledOfB, wave.codeOfD, wave.codeOfP];
    const disabledEvents = () =>
      getPrisma().inviteCodeEvent.findMany({
        where: { kind: 'DISABLED', code: { in: codes as string[] } },
        orderBy: { id: 'asc' },
        select: { code: true, forAccount: true },
      });
    const before = await disabledEvents();
    expect(before).toEqual([{ code: wave.disabledOfB, forAccount: wave.b }]);
    const result = await disableInviteTree(getPrisma(), { account: wave.a });
    const written = (await disabledEvents()).slice(before.length);
    expect(written).toEqual(result.codes);
    expect(written.map(({ code }) => code)).not.toContain(wave.disabledOfB);
    // A repeat changes nothing and writes nothing.
    await disableInviteTree(getPrisma(), { account: wave.a });
    expect(await disabledEvents()).toHaveLength(before.length + written.length);
  });

  it('answers the contract’s counts; includeAccount: false spares the account’s own codes', async () => {
    const wave = await spamWave();
    const spared = await execute(gateway, DisableInviteTreeDocument, {
      input: { account: wave.a, includeAccount: false },
    });
    expect(spared.errors).toBeUndefined();
    expect(spared.data!.disableInviteTree).toEqual({ accountCount: 3, disabledCount: 2 });
    expect(await disabled(wave.usedOfA!)).toBe(false);
    expect(await disabled(wave.spareOfA!)).toBe(false);
    expect(await disabled(wave.codeOfD!)).toBe(true);
    const whole = await ok(gateway, DisableInviteTreeDocument, { input: { account: wave.a } });
    expect(whole.disableInviteTree).toEqual({ accountCount: 4, disabledCount: 2 });
    // The links stay: disabled codes still invited whom they invited.
    expect((await ok(gateway, AccountGraphDocument, { did: wave.a })).account.descendantCount).toBe(3);
  });

  it('ends on a cycle, and never counts the account among its descendants', async () => {
    const [a, b] = [randomDid(), randomDid()];
    const [codeOfA] = await createCodes(gateway, { forAccount: a });
    const [codeOfB] = await createCodes(gateway, { forAccount: b, useCount: 2 });
    await redeem(gateway, codeOfA!, b);
    await redeem(gateway, codeOfB!, a);
    const spared = await ok(gateway, DisableInviteTreeDocument, { input: { account: a, includeAccount: false } });
    expect(spared.disableInviteTree).toEqual({ accountCount: 1, disabledCount: 1 });
    expect(await disabled(codeOfA!)).toBe(false);
    expect(await disabled(codeOfB!)).toBe(true);
  });

  it('an account with no codes and no invitees: nothing changes', async () => {
    const result = await ok(gateway, DisableInviteTreeDocument, { input: { account: randomDid() } });
    expect(result.disableInviteTree).toEqual({ accountCount: 1, disabledCount: 0 });
  });

  it('is the admin’s only, and refuses what is not a DID before changing anything', async () => {
    const wave = await spamWave();
    const asAccount = await execute(
      gateway,
      DisableInviteTreeDocument,
      { input: { account: wave.a } },
      { authorization: await accountToken({ sub: wave.a }) },
    );
    expect(asAccount.errors?.[0]?.extensions?.code).toBe('Forbidden');
    const anonymous = await execute(
      gateway,
      DisableInviteTreeDocument,
      { input: { account: wave.a } },
      {
        authorization: null,
      },
    );
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    const admin = await post(gateway, {
      query: 'mutation { disableInviteTree(input: { account: "admin" }) { disabledCount } }',
    });
    expect(admin.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(admin.statements).toEqual([]);
    for (const code of [wave.usedOfA, wave.codeOfD]) expect(await disabled(code!)).toBe(false);
  });
});
