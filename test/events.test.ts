// Live invite events (Subscription.inviteCodeEvents) over SSE on the real yoga instance and a
// real event feed (LISTEN connection, table reads) on the test database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPrisma } from '../src/db/prisma.js';
import type { EventFeed } from '../src/events/event-feed.js';
import { pruneEvents } from '../src/resolvers/invite-code-event-reader.js';
import { BUMP_EVENT_XID, eventsFromChanged, recordInviteCodeEvents } from '../src/resolvers/invite-code-event-store.js';
import { insertInviteCodeUse, lockInviteCode } from '../src/resolvers/invite-code-store.js';
import type { Gateway } from '../src/server/gateway.js';
import { DisableInviteCodesDocument, RedeemInviteCodeDocument } from './generated/operations.js';
import { type EventStream, startTestFeed, subscribeSse } from './helpers/event-stream.js';
import { createCodes, redeem } from './helpers/fixtures.js';
import { accountToken, execute, ok, randomDid, startTestGateway } from './helpers/gateway.js';

let feed: EventFeed;
let gateway: Gateway;
const streams: EventStream[] = [];

beforeAll(async () => {
  startTestGateway(); // connects Prisma
  feed = await startTestFeed({ pollMs: 200 });
  gateway = startTestGateway({ events: feed });
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await feed.close();
});

async function subscribe(variables: Record<string, unknown> = {}, options: Parameters<typeof subscribeSse>[3] = {}) {
  const stream = await subscribeSse(gateway.fetch, 'http://yoga/graphql', variables, options);
  streams.push(stream);
  return stream;
}

/** The events of `stream` for the codes in `codes`, as "KIND code". */
const seen = (stream: EventStream, codes: string[]) =>
  stream
    .events()
    .filter((event) => codes.includes(event.inviteCode.code))
    .map((event) => `${event.kind} ${event.inviteCode.code}`);

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe('events of mutations', () => {
  it('yields one event per changed code, in commit order, and none for refused or rolled-back work', async () => {
    const stream = await subscribe({ filter: { forAccount: undefined } });
    const owner = randomDid();
    const [a, b] = await createCodes(gateway, { forAccount: owner, codeCount: 2, useCount: 1 });
    const invitee = await redeem(gateway, a!);
    // Refused inside the transaction (after the row lock): rolled back, no event.
    const exhausted = await execute(gateway, RedeemInviteCodeDocument, { input: { code: a!, usedBy: randomDid() } });
    expect(exhausted.errors?.[0]?.extensions?.reason).toBe('EXHAUSTED');
    const again = await execute(gateway, RedeemInviteCodeDocument, { input: { code: b!, usedBy: invitee } });
    expect(again.errors?.[0]?.extensions?.reason).toBe('ALREADY_USED');
    await ok(gateway, DisableInviteCodesDocument, { input: { accounts: [owner] } });
    // Already disabled: no event.
    await ok(gateway, DisableInviteCodesDocument, { input: { codes: [a!, b!] } });
    // One disable call writes its events in code order.
    const disabled = [a!, b!].sort().map((code) => `DISABLED ${code}`);
    const expected = [`CREATED ${a}`, `CREATED ${b}`, `USED ${a}`, ...disabled];
    await until(() => seen(stream, [a!, b!]).length >= expected.length);
    await new Promise((done) => setTimeout(done, 300));
    expect(seen(stream, [a!, b!])).toEqual(expected);
    const used = stream.events().find((event) => event.kind === 'USED' && event.inviteCode.code === a);
    expect(used?.use).toEqual({ usedBy: invitee });
    expect(stream.events().find((event) => event.kind === 'CREATED')?.use).toBeNull();
  });

  it('keeps the redemption at 6 statements (BEGIN, lock, invited?, insert with its event, read, COMMIT)', async () => {
    const [code] = await createCodes(gateway);
    const result = await execute(gateway, RedeemInviteCodeDocument, { input: { code: code!, usedBy: randomDid() } });
    expect(result.errors).toBeUndefined();
    // Prisma does not log BEGIN: five here.
    expect(result.statements).toHaveLength(5);
    expect(result.statements.at(-1)).toBe('COMMIT');
    expect(result.statements.filter((sql) => sql.includes('invite_code_event'))).toHaveLength(1);
  });

  it('writes events through recordInviteCodeEvents for codes a transaction changed itself', async () => {
    const stream = await subscribe();
    const [code] = await createCodes(gateway);
    await getPrisma().$transaction(async (tx) => {
      await tx.$executeRaw`UPDATE invite_code SET disabled = true WHERE code = ${code}`;
      await recordInviteCodeEvents(tx, 'DISABLED', [code!], new Date());
    });
    feed.written();
    await until(() => seen(stream, [code!]).length === 2);
    expect(seen(stream, [code!])).toEqual([`CREATED ${code}`, `DISABLED ${code}`]);
  });
});

describe('one order under concurrent writers', () => {
  it('never delivers an event before one that an older transaction still in flight will commit', async () => {
    const stream = await subscribe();
    const [first, second] = await createCodes(gateway, { codeCount: 2, useCount: 2 });
    await until(() => seen(stream, [first!, second!]).length === 2);
    // Transaction A takes its id and writes its event first, but commits last.
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    let written!: () => void;
    const wrote = new Promise<void>((done) => (written = done));
    const slow = getPrisma().$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE invite_code SET disabled = true WHERE code = ${first}`;
        await recordInviteCodeEvents(tx, 'DISABLED', [first!], new Date());
        written();
        await held;
      },
      { timeout: 20_000 },
    );
    await wrote;
    // B commits while A is in flight: it must wait for A, then come after it.
    await redeem(gateway, second!);
    await new Promise((done) => setTimeout(done, 600));
    expect(seen(stream, [first!, second!])).toEqual([`CREATED ${first}`, `CREATED ${second}`]);
    release();
    await slow;
    feed.written();
    await until(() => seen(stream, [first!, second!]).length === 4);
    expect(seen(stream, [first!, second!]).slice(2)).toEqual([`DISABLED ${first}`, `USED ${second}`]);
  });

  it('delivers the changes of one code in commit order even when the later writer had the smaller id', async () => {
    const stream = await subscribe();
    const [early, contested] = await createCodes(gateway, { codeCount: 2, useCount: 3 });
    // The disabler takes its transaction id first (a write to another code), then waits for the
    // contested code's row lock, held by a redemption that took its id later and commits first.
    let disablerWrote!: () => void;
    const disablerReady = new Promise<void>((done) => (disablerWrote = done));
    let lockTaken!: () => void;
    const redeemerLocked = new Promise<void>((done) => (lockTaken = done));
    let releaseRedeemer!: () => void;
    const redeemerHeld = new Promise<void>((done) => (releaseRedeemer = done));
    const disabler = getPrisma().$transaction(
      async (tx) => {
        await tx.$executeRaw`UPDATE invite_code SET available_uses = available_uses WHERE code = ${early}`;
        disablerWrote();
        await redeemerLocked;
        // The statement disableInviteCodes runs (invite-code-event-store.ts).
        await tx.$queryRaw`
          WITH changed AS (UPDATE invite_code SET disabled = true, ${BUMP_EVENT_XID}
            WHERE code = ${contested} RETURNING code, for_account, last_event_xid),
          events AS (${eventsFromChanged('changed', 'DISABLED', new Date())})
          SELECT code FROM changed`;
      },
      { timeout: 20_000 },
    );
    await disablerReady;
    const redeemer = getPrisma().$transaction(
      async (tx) => {
        await lockInviteCode(tx, contested!);
        await insertInviteCodeUse(tx, contested!, randomDid(), new Date());
        lockTaken();
        await redeemerHeld;
      },
      { timeout: 20_000 },
    );
    await redeemerLocked;
    await new Promise((done) => setTimeout(done, 100)); // the disabler now waits for the lock
    releaseRedeemer();
    await redeemer;
    await disabler;
    feed.written();
    await until(() => seen(stream, [contested!]).length === 3);
    expect(seen(stream, [contested!])).toEqual([`CREATED ${contested}`, `USED ${contested}`, `DISABLED ${contested}`]);
  });
});

describe('resuming with after', () => {
  it('replays the retained events after the cursor, then goes live, with no gap and no duplicate', async () => {
    const owner = randomDid();
    const first = await subscribe({ filter: { forAccount: owner } });
    const before = await createCodes(gateway, { forAccount: owner, codeCount: 3 });
    await until(() => first.events().length === 3);
    const cursor = first.events()[0]!.cursor;
    first.close();
    const missed = await createCodes(gateway, { forAccount: owner, codeCount: 2 });
    // Writes keep coming while the resumed subscription replays and meets the live feed.
    const writing = (async () => {
      const codes: string[] = [];
      for (let i = 0; i < 10; i++) codes.push(...(await createCodes(gateway, { forAccount: owner })));
      return codes;
    })();
    const resumed = await subscribe({ after: cursor, filter: { forAccount: owner } });
    const live = await writing;
    const all = [...before.slice(1), ...missed, ...live];
    await until(() => resumed.events().length >= all.length);
    await new Promise((done) => setTimeout(done, 300));
    expect(resumed.events().map((event) => event.inviteCode.code)).toEqual(all);
  });

  it('refuses malformed and expired cursors', async () => {
    for (const after of ['', 'abc', '1.', '12.x', '0.5', '99999999999999999999.1']) {
      const stream = await subscribe({ after });
      await stream.ended;
      expect(stream.results[0]?.errors?.[0]).toMatchObject({
        message: expect.stringContaining('Malformed cursor'),
        extensions: { code: 'InvalidRequest' },
      });
    }
    const owner = randomDid();
    const live = await subscribe({ filter: { forAccount: owner } });
    await createCodes(gateway, { forAccount: owner });
    await until(() => live.events().length === 1);
    const [orderXid, id] = live.events()[0]!.cursor.split('.');
    // Every event up to this one grows old (pruning takes a prefix of the delivery order).
    await getPrisma().$executeRaw`
      UPDATE invite_code_event SET at = at - interval '1000 hours'
      WHERE (order_xid, id) <= (${BigInt(orderXid!)}, ${BigInt(id!)})`;
    await pruneEvents(getPrisma(), new Date(Date.now() - 168 * 3_600_000));
    const expired = await subscribe({ after: live.events()[0]!.cursor });
    await expired.ended;
    expect(expired.results[0]?.errors?.[0]).toMatchObject({
      message: expect.stringContaining('expired'),
      extensions: { code: 'InvalidRequest' },
    });
  });
});

describe('scopes and filters', () => {
  it('refuses a subscription without credentials, and an account asking for codes of another', async () => {
    const anonymous = await subscribe({}, { authorization: null });
    await anonymous.ended;
    expect(anonymous.results[0]?.errors?.[0]?.extensions?.code).toBe('AuthRequired');
    const did = randomDid();
    const other = await subscribe(
      { filter: { forAccount: randomDid() } },
      { authorization: await accountToken({ sub: did }) },
    );
    await other.ended;
    expect(other.results[0]?.errors?.[0]?.extensions?.code).toBe('Forbidden');
  });

  it('gives an account the events of its own codes only, and applies code and kinds filters', async () => {
    const did = randomDid();
    const own = await subscribe({}, { authorization: await accountToken({ sub: did }) });
    const [mine] = await createCodes(gateway, { forAccount: did });
    const [theirs] = await createCodes(gateway);
    const usedOnly = await subscribe({ filter: { code: theirs, kinds: ['USED'] } });
    await redeem(gateway, mine!);
    await redeem(gateway, theirs!);
    await until(() => own.events().length === 2 && usedOnly.events().length === 1);
    await new Promise((done) => setTimeout(done, 300));
    expect(seen(own, [mine!, theirs!])).toEqual([`CREATED ${mine}`, `USED ${mine}`]);
    expect(seen(usedOnly, [mine!, theirs!])).toEqual([`USED ${theirs}`]);
  });
});

describe('bounds', () => {
  it('refuses subscriptions over MAX_SUBSCRIPTIONS', async () => {
    const small = await startTestFeed({ maxSubscriptions: 1 });
    const limited = startTestGateway({ events: small });
    const first = await subscribeSse(limited.fetch, 'http://yoga/graphql');
    const second = await subscribeSse(limited.fetch, 'http://yoga/graphql');
    await second.ended;
    expect(second.results[0]?.errors?.[0]?.extensions?.code).toBe('TooManySubscriptions');
    first.close();
    await small.close();
  });

  it('ends a subscriber that does not keep up with an error naming its way back', async () => {
    const slowFeed = await startTestFeed({ subscriberCapacity: 5 });
    const slowGateway = startTestGateway({ events: slowFeed });
    const owner = randomDid();
    const response = await slowGateway.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: adminAuthHeader() },
      body: JSON.stringify({
        query: 'subscription($f: InviteCodeEventFilter) { inviteCodeEvents(filter: $f) { cursor } }',
        variables: { f: { forAccount: owner } },
      }),
    });
    // Nobody reads the response while 50 events arrive.
    await createCodes(gateway, { forAccount: owner, codeCount: 50 });
    slowFeed.written();
    await new Promise((done) => setTimeout(done, 1_000));
    const text = await response.text();
    expect(text).toContain('"code":"SlowSubscriber"');
    expect(text).toContain('event: complete');
    expect(slowFeed.subscriptionCount).toBe(0);
    await slowFeed.close();
  });

  it('applies the cost limit to subscriptions', async () => {
    const stream = await subscribe(
      {},
      {
        query: `subscription { inviteCodeEvents { inviteCode { usesConnection(first: 500) { edges { node {
          inviteCode { usesConnection(first: 500) { edges { node { usedBy } } } } } } } } } }`,
      },
    );
    await stream.ended;
    expect(stream.results[0]?.errors?.[0]?.extensions?.code).toBe('QueryTooComplex');
  });

  it('ends every subscription cleanly when the feed closes', async () => {
    const closing = await startTestFeed();
    const closingGateway = startTestGateway({ events: closing });
    const stream = await subscribeSse(closingGateway.fetch, 'http://yoga/graphql');
    await new Promise((done) => setTimeout(done, 100));
    await closing.close();
    await stream.ended;
    expect(stream.results).toEqual([]);
    expect(closing.subscriptionCount).toBe(0);
  });
});

function adminAuthHeader(): string {
  return `Basic ${Buffer.from('admin:test-admin-password').toString('base64')}`;
}
