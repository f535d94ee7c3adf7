// Redemption is exact under concurrency: in one gateway and across two gateway processes.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InviteCodeWithUsesDocument, InvitedByDocument, RedeemInviteCodeDocument } from './generated/operations.js';
import { createCodes } from './helpers/fixtures.js';
import { ADMIN_PASSWORD, adminAuth, execute, ok, randomDid, startTestGateway } from './helpers/gateway.js';
import { startMain } from './helpers/main-process.js';

const gateway = startTestGateway();

type Outcome = 'ok' | string;

async function redeemInProcess(code: string, usedBy: string): Promise<Outcome> {
  const result = await execute(gateway, RedeemInviteCodeDocument, { input: { code, usedBy } });
  return result.errors ? String(result.errors[0]?.extensions?.reason ?? result.errors[0]?.extensions?.code) : 'ok';
}

function tally(outcomes: Outcome[]): Record<string, number> {
  return outcomes.reduce<Record<string, number>>(
    (counts, outcome) => ({ ...counts, [outcome]: (counts[outcome] ?? 0) + 1 }),
    {},
  );
}

async function usesOf(code: string) {
  const { inviteCode } = await ok(gateway, InviteCodeWithUsesDocument, { code });
  return { usedCount: inviteCode!.usedCount, uses: inviteCode!.uses.length };
}

describe('concurrent redemptions in one gateway', () => {
  it('60 distinct DIDs on a 5-use code: exactly 5 succeed', async () => {
    const [code] = await createCodes(gateway, { useCount: 5 });
    const outcomes = await Promise.all(Array.from({ length: 60 }, () => redeemInProcess(code!, randomDid())));
    expect(tally(outcomes)).toEqual({ ok: 5, EXHAUSTED: 55 });
    expect(await usesOf(code!)).toEqual({ usedCount: 5, uses: 5 });
  });

  it('10 DIDs on a 1-use code: exactly 1 succeeds, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const [code] = await createCodes(gateway, { useCount: 1 });
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => redeemInProcess(code!, randomDid())));
      expect(tally(outcomes)).toEqual({ ok: 1, EXHAUSTED: 9 });
      expect(await usesOf(code!)).toEqual({ usedCount: 1, uses: 1 });
    }
  });

  it('one DID redeeming one code twice at once gets ALREADY_USED, not EXHAUSTED', async () => {
    for (let round = 0; round < 5; round++) {
      const [code] = await createCodes(gateway, { useCount: 1 });
      const did = randomDid();
      const outcomes = await Promise.all([redeemInProcess(code!, did), redeemInProcess(code!, did)]);
      expect(outcomes.sort()).toEqual(['ALREADY_USED', 'ok']);
    }
  });

  it('one DID racing on two codes is invited once', async () => {
    for (let round = 0; round < 5; round++) {
      const [first, second] = await createCodes(gateway, { codeCount: 2, useCount: 3 });
      const did = randomDid();
      const outcomes = await Promise.all([redeemInProcess(first!, did), redeemInProcess(second!, did)]);
      expect(outcomes.sort()).toEqual(['ALREADY_USED', 'ok']);
      const { invitedBy } = await ok(gateway, InvitedByDocument, { account: did });
      expect([first, second]).toContain(invitedBy?.inviteCode.code);
      const counts = [await usesOf(first!), await usesOf(second!)];
      expect(counts.map(({ usedCount }) => usedCount).sort()).toEqual([0, 1]);
    }
  });
});

describe('concurrent redemptions across two gateway processes', () => {
  const processes: ChildProcess[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      // 60 redemptions queue on one row lock with 10 connections per process: on a loaded machine a
      // request can wait longer than the default 3 s for a connection, which is not what this tests.
      const started = await startMain({
        DATABASE_URL: inject('databaseUrl'),
        ADMIN_PASSWORD,
        DB_CONNECT_TIMEOUT_MS: '30000',
      });
      processes.push(started.child);
      urls.push(started.url);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((child) => new Promise((done) => (child.on('exit', done), child.kill('SIGTERM')))));
  });

  async function redeemOver(url: string, code: string, usedBy: string): Promise<Outcome> {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: adminAuth },
      body: JSON.stringify({
        query: 'mutation($input: RedeemInviteCodeInput!) { redeemInviteCode(input: $input) { usedBy } }',
        variables: { input: { code, usedBy } },
      }),
    });
    const json = (await response.json()) as { errors?: { extensions?: { reason?: string; code?: string } }[] };
    return json.errors ? String(json.errors[0]?.extensions?.reason ?? json.errors[0]?.extensions?.code) : 'ok';
  }

  it('60 distinct DIDs on a 5-use code, split over both: exactly 5 succeed', async () => {
    const [code] = await createCodes(gateway, { useCount: 5 });
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) => redeemOver(urls[i % 2]!, code!, randomDid())),
    );
    expect(tally(outcomes)).toEqual({ ok: 5, EXHAUSTED: 55 });
    expect(await usesOf(code!)).toEqual({ usedCount: 5, uses: 5 });
  });

  it('10 DIDs on a 1-use code, split over both: exactly 1 succeeds, every time', async () => {
    for (let round = 0; round < 3; round++) {
      const [code] = await createCodes(gateway, { useCount: 1 });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => redeemOver(urls[i % 2]!, code!, randomDid())),
      );
      expect(tally(outcomes)).toEqual({ ok: 1, EXHAUSTED: 9 });
    }
  });

  it('one DID on two codes through the two gateways is invited once', async () => {
    for (let round = 0; round < 3; round++) {
      const [first, second] = await createCodes(gateway, { codeCount: 2, useCount: 3 });
      const did = randomDid();
      const outcomes = await Promise.all([redeemOver(urls[0]!, first!, did), redeemOver(urls[1]!, second!, did)]);
      expect(outcomes.sort()).toEqual(['ALREADY_USED', 'ok']);
    }
  });
});
