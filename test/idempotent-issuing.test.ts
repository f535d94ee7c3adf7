// Idempotent issuing: createInviteCode(s) with an idempotencyKey return the first call's codes
// on a repeat, refuse the key with other input, and create once under concurrency.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getPrisma } from '../src/db/prisma.js';
import { CreateInviteCodeDocument, CreateInviteCodesDocument } from './generated/operations.js';
import { redeem } from './helpers/fixtures.js';
import { execute, ok, post, randomDid, startTestGateway } from './helpers/gateway.js';

const gateway = startTestGateway();

const newKey = () => `retry-${randomUUID()}`;
const codesOf = (result: { createInviteCodes: { codes: { code: string }[] }[] }) =>
  result.createInviteCodes.map(({ codes }) => codes.map(({ code }) => code));
const rowsOwnedBy = (accounts: string[]) => getPrisma().inviteCode.count({ where: { forAccount: { in: accounts } } });
const keyRow = (key: string) => getPrisma().idempotencyKey.findUnique({ where: { key } });

async function ageKey(key: string, hours: number): Promise<void> {
  await getPrisma().$executeRaw`UPDATE idempotency_key SET created_at = now() - make_interval(hours => ${hours}::int)
                 WHERE key = ${key}`;
}

describe('a repeated key', () => {
  it('returns the same codes, in order, with the selection of the repeat, and creates nothing', async () => {
    const accounts = [randomDid(), randomDid()];
    const input = { codeCount: 3, useCount: 2, forAccounts: accounts, idempotencyKey: newKey() };
    const first = codesOf(await ok(gateway, CreateInviteCodesDocument, { input }));
    expect(await rowsOwnedBy(accounts)).toBe(6);

    const again = await post<{
      createInviteCodes: { account: string; codes: { code: string; remaining: number }[] }[];
    }>(gateway, {
      query:
        'mutation($input: CreateInviteCodesInput!) { createInviteCodes(input: $input) { account codes { code ' +
        'remaining } } }',
      variables: { input },
    });
    expect(again.errors).toBeUndefined();
    expect(again.data!.createInviteCodes.map(({ account }) => account)).toEqual(accounts);
    expect(codesOf(again.data!)).toEqual(first);
    expect(again.data!.createInviteCodes[0]!.codes[0]!.remaining).toBe(2);
    expect(again.statements.some((sql) => /^INSERT INTO "public"."invite_code"/.test(sql))).toBe(false);
    expect(await rowsOwnedBy(accounts)).toBe(6);
  });

  it('returns the same code from createInviteCode, as it is now', async () => {
    const account = randomDid();
    const input = { useCount: 2, forAccount: account, idempotencyKey: newKey() };
    const { createInviteCode } = await ok(gateway, CreateInviteCodeDocument, { input });
    await redeem(gateway, createInviteCode.code);
    const again = await ok(gateway, CreateInviteCodeDocument, { input });
    expect(again.createInviteCode).toMatchObject({ code: createInviteCode.code, usedCount: 1, remaining: 1 });
    expect(await rowsOwnedBy([account])).toBe(1);
  });

  it('counts omitted arguments as their defaults', async () => {
    const idempotencyKey = newKey();
    const first = await ok(gateway, CreateInviteCodesDocument, { input: { useCount: 1, idempotencyKey } });
    const again = await ok(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, codeCount: 1, forAccounts: null, idempotencyKey },
    });
    expect(codesOf(again)).toEqual(codesOf(first));
  });

  it('with forAccounts: [] is remembered too', async () => {
    const idempotencyKey = newKey();
    expect(
      (await ok(gateway, CreateInviteCodesDocument, { input: { useCount: 1, forAccounts: [], idempotencyKey } }))
        .createInviteCodes,
    ).toEqual([]);
    expect(
      (await ok(gateway, CreateInviteCodesDocument, { input: { useCount: 1, forAccounts: [], idempotencyKey } }))
        .createInviteCodes,
    ).toEqual([]);
    const other = randomDid();
    const refused = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [other], idempotencyKey },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(await rowsOwnedBy([other])).toBe(0);
  });
});

describe('the same key with different input', () => {
  it.each([
    ['another useCount', { useCount: 3 }],
    ['another codeCount', { codeCount: 2 }],
    ['another account', { forAccounts: 'new' }],
    ['the accounts in another order', { forAccounts: 'reversed' }],
  ] as const)('is refused with %s, and creates nothing', async (_, change) => {
    const accounts = [randomDid(), randomDid()];
    const input = { codeCount: 1, useCount: 1, forAccounts: accounts, idempotencyKey: newKey() };
    const first = codesOf(await ok(gateway, CreateInviteCodesDocument, { input }));
    const fresh = randomDid();
    const forAccounts =
      'forAccounts' in change
        ? change.forAccounts === 'new'
          ? [accounts[0]!, fresh]
          : [...accounts].reverse()
        : accounts;
    const result = await execute(gateway, CreateInviteCodesDocument, { input: { ...input, ...change, forAccounts } });
    expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(result.errors?.[0]?.message).toMatch(/idempotency key/);
    expect(await rowsOwnedBy([...accounts, fresh])).toBe(2);
    expect(codesOf(await ok(gateway, CreateInviteCodesDocument, { input }))).toEqual(first);
  });

  it('is refused when the other create mutation used the key, even for equal codes', async () => {
    const account = randomDid();
    const idempotencyKey = newKey();
    await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount: account, idempotencyKey } });
    const batch = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, codeCount: 1, forAccounts: [account], idempotencyKey },
    });
    expect(batch.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(batch.errors?.[0]?.message).toMatch(/idempotency key.*createInviteCode\b/);

    const otherKey = newKey();
    await ok(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [account], idempotencyKey: otherKey },
    });
    const single = await execute(gateway, CreateInviteCodeDocument, {
      input: { useCount: 1, forAccount: account, idempotencyKey: otherKey },
    });
    expect(single.errors?.[0]?.message).toMatch(/idempotency key.*createInviteCodes/);
    expect(await rowsOwnedBy([account])).toBe(2);
  });
});

describe('concurrent calls with one key', () => {
  it('20 simultaneous identical calls create once and all get the same codes', async () => {
    const accounts = [randomDid(), randomDid(), randomDid()];
    const input = { codeCount: 4, useCount: 1, forAccounts: accounts, idempotencyKey: newKey() };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => execute(gateway, CreateInviteCodesDocument, { input })),
    );
    for (const result of results) expect(result.errors).toBeUndefined();
    const codes = results.map(({ data }) => codesOf(data!));
    for (const each of codes) expect(each).toEqual(codes[0]);
    expect(codes[0]!.flat()).toHaveLength(12);
    expect(await rowsOwnedBy(accounts)).toBe(12);
  });

  it('10 simultaneous calls with different input: one creates, the others are refused', async () => {
    const idempotencyKey = newKey();
    const accounts = Array.from({ length: 10 }, randomDid);
    const results = await Promise.all(
      accounts.map((account) =>
        execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount: account, idempotencyKey } }),
      ),
    );
    expect(results.filter(({ errors }) => !errors)).toHaveLength(1);
    expect(results.filter(({ errors }) => errors?.[0]?.extensions?.code === 'InvalidRequest')).toHaveLength(9);
    expect(await rowsOwnedBy(accounts)).toBe(1);
  });
});

describe('a failed first call', () => {
  it('that failed after claiming the key (mid-batch) leaves the key free', async () => {
    let made = 0;
    const failing = startTestGateway({
      generateCode: () => {
        if (++made > 150) throw new Error('generator failed mid-batch');
        return `idem-mid-batch-${made}-${randomUUID().slice(0, 8)}`;
      },
    });
    const accounts = [randomDid(), randomDid()];
    const input = { codeCount: 100, useCount: 1, forAccounts: accounts, idempotencyKey: newKey() };
    const failed = await execute(failing, CreateInviteCodesDocument, { input });
    expect(failed.errors?.[0]?.extensions?.code).toBe('InternalServerError');
    expect(await keyRow(input.idempotencyKey)).toBeNull();

    const retried = codesOf(await ok(gateway, CreateInviteCodesDocument, { input }));
    expect(retried.map((codes) => codes.length)).toEqual([100, 100]);
    expect(await rowsOwnedBy(accounts)).toBe(200);
  });

  it('that was refused as bad input (an invalid DID, a count out of range) leaves the key free', async () => {
    const idempotencyKey = newKey();
    const invalidDid = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [randomDid(), 'did:bad'], idempotencyKey },
    });
    expect(invalidDid.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    const outOfRange = await execute(gateway, CreateInviteCodesDocument, {
      input: { useCount: 0, forAccounts: [randomDid()], idempotencyKey },
    });
    expect(outOfRange.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
    expect(outOfRange.statements).toEqual([]);

    const account = randomDid();
    const created = await ok(gateway, CreateInviteCodesDocument, {
      input: { useCount: 1, forAccounts: [account], idempotencyKey },
    });
    expect(codesOf(created)[0]).toHaveLength(1);
    expect(await rowsOwnedBy([account])).toBe(1);
  });
});

describe('idempotencyKey validation', () => {
  it.each([
    ['empty', ''],
    ['101 characters', 'k'.repeat(101)],
    ['a newline', 'retry\nkey'],
    ['a NUL', 'retry\u0000key'],
    ['a zero-width space', 'retry\u200bkey'],
    ['a lone surrogate', 'retry\ud800key'],
  ])('refuses a key with %s, before any statement', async (_, idempotencyKey) => {
    const account = randomDid();
    for (const result of [
      await execute(gateway, CreateInviteCodeDocument, { input: { useCount: 1, forAccount: account, idempotencyKey } }),
      await execute(gateway, CreateInviteCodesDocument, {
        input: { useCount: 1, forAccounts: [account], idempotencyKey },
      }),
    ]) {
      expect(result.errors?.[0]?.extensions?.code).toBe('InvalidRequest');
      expect(result.errors?.[0]?.message).toMatch(/"idempotencyKey".*1 to 100 printable characters/);
      expect(result.statements).toEqual([]);
    }
    expect(await rowsOwnedBy([account])).toBe(0);
  });

  it.each([
    ['100 characters', `${'k'.repeat(92)}${randomUUID().slice(0, 8)}`],
    ['spaces and letters beyond ASCII', `clé de reprise ✓ 🙂 ${randomUUID()}`],
  ])('accepts a key of %s', async (_, idempotencyKey) => {
    const input = { useCount: 1, forAccount: randomDid(), idempotencyKey };
    const first = await ok(gateway, CreateInviteCodeDocument, { input });
    expect((await ok(gateway, CreateInviteCodeDocument, { input })).createInviteCode.code).toBe(
      first.createInviteCode.code,
    );
    expect(await keyRow(idempotencyKey)).toMatchObject({ codes: [first.createInviteCode.code] });
  });
});

describe('retention', () => {
  it('remembers a key for 24 hours, then lets it create again', async () => {
    const account = randomDid();
    const input = { useCount: 1, forAccount: account, idempotencyKey: newKey() };
    const first = await ok(gateway, CreateInviteCodeDocument, { input });
    await ageKey(input.idempotencyKey, 23);
    expect((await ok(gateway, CreateInviteCodeDocument, { input })).createInviteCode.code).toBe(
      first.createInviteCode.code,
    );

    await ageKey(input.idempotencyKey, 25);
    const other = randomDid();
    const later = await ok(gateway, CreateInviteCodeDocument, { input: { ...input, forAccount: other } });
    expect(later.createInviteCode.forAccount).toBe(other);
    expect(await keyRow(input.idempotencyKey)).toMatchObject({ codes: [later.createInviteCode.code] });
  });

  it(
    'prunes at most 100 expired keys per keyed call, oldest first; an expired key that is left is claimed ' + 'afresh',
    async () => {
      const expiredKey = newKey();
      await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1, idempotencyKey: expiredKey } });
      await ageKey(expiredKey, 25);
      await getPrisma().$executeRaw`DELETE FROM idempotency_key
                     WHERE created_at < now() - interval '24 hours' AND key <> ${expiredKey}`;
      const stale = Array.from({ length: 150 }, (_, i) => ({
        key: `stale-${i}-${randomUUID()}`,
        operation: 'createInviteCodes',
        inputHash: 'x',
        codes: [],
      }));
      await getPrisma().idempotencyKey.createMany({ data: stale });
      await getPrisma()
        .$executeRaw`UPDATE idempotency_key SET created_at = now() - interval '30 hours' WHERE input_hash = 'x'`;

      const account = randomDid();
      const created = await ok(gateway, CreateInviteCodeDocument, {
        input: { useCount: 2, forAccount: account, idempotencyKey: expiredKey },
      });
      expect(await getPrisma().idempotencyKey.count({ where: { inputHash: 'x' } })).toBe(50);
      expect(await keyRow(expiredKey)).toMatchObject({ codes: [created.createInviteCode.code] });
      expect(await rowsOwnedBy([account])).toBe(1);

      await ok(gateway, CreateInviteCodeDocument, { input: { useCount: 1, idempotencyKey: newKey() } });
      expect(await getPrisma().idempotencyKey.count({ where: { inputHash: 'x' } })).toBe(0);
    },
  );
});

describe('SQL statements of a keyed call', () => {
  it('do not grow with the batch (prune, claim, insert, events, record, read; repeated: no insert)', async () => {
    for (const accounts of [1, 20]) {
      const input = {
        codeCount: 5,
        useCount: 1,
        forAccounts: Array.from({ length: accounts }, randomDid),
        idempotencyKey: newKey(),
      };
      const first = await execute(gateway, CreateInviteCodesDocument, { input });
      const repeat = await execute(gateway, CreateInviteCodesDocument, { input });
      const work = (statements: string[]) =>
        statements.filter((sql) => !/^(BEGIN|COMMIT)/i.test(sql)).map((sql) => sql.trim().split(/\s+/)[0]);
      expect(work(first.statements)).toEqual(['DELETE', 'INSERT', 'INSERT', 'INSERT', 'UPDATE', 'SELECT']);
      expect(work(repeat.statements)).toEqual(['DELETE', 'INSERT', 'SELECT', 'SELECT']);
    }
  });
});
