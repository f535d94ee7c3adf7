// Test data, made through the public API (the mutations), with random owners and DIDs.
import { CreateInviteCodesDocument, RedeemInviteCodeDocument } from '../generated/operations.js';
import { ok, randomDid } from './gateway.js';
import type { Gateway } from '../../src/server/gateway.js';

export async function createCodes(gateway: Gateway, { forAccount = randomDid(), codeCount = 1, useCount = 1 } = {}) {
  const data = await ok(gateway, CreateInviteCodesDocument, {
    input: { forAccounts: [forAccount], codeCount, useCount },
  });
  return data.createInviteCodes[0]!.codes.map(({ code }) => code);
}

export async function redeem(gateway: Gateway, code: string, usedBy = randomDid()) {
  await ok(gateway, RedeemInviteCodeDocument, { input: { code, usedBy } });
  return usedBy;
}

/** `count` codes for one new owner, made one call at a time (so createdAt mostly differs). */
export async function createCodesOneByOne(
  gateway: Gateway,
  count: number,
  options: { forAccount?: string; useCount?: number } = {},
) {
  const forAccount = options.forAccount ?? randomDid();
  const codes: string[] = [];
  for (let i = 0; i < count; i++)
    codes.push(...(await createCodes(gateway, { forAccount, useCount: options.useCount ?? 3 })));
  return { forAccount, codes };
}
