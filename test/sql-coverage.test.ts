// The SQL answers read every field, filter and order from the schema's declarations. These
// tests walk the schema: every field a listing can reach, every InviteCodeFilter field and every
// InviteCodeSort value is answered by one statement or explicitly marked as left to graphql-js,
// and the test names whatever is neither. They plan queries (no database round trip).
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isObjectType,
  parse,
  type DocumentNode,
  type GraphQLField,
  type GraphQLObjectType,
} from 'graphql';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../src/auth/credentials.js';
import { schema } from '../src/schema/index.js';
import { declarationOf } from '../src/schema/sql-declarations.js';
import { planSqlAnswer } from '../src/sql-answers/plan.js';
import { Refusal } from '../src/sql-answers/refusal.js';
import { ScopeCheck } from '../src/sql-answers/scopes.js';
import { randomDid, startTestGateway } from './helpers/gateway.js';

// Connects this file's PrismaClient: the SQL answers read Prisma's model of the tables.
startTestGateway();

const owner = randomDid();
const admin: Caller = { kind: 'admin' };
const ownerCaller: Caller = { kind: 'account', did: owner };
// Subscriptions play no part in the SQL answers.
const noEvents = { subscribe: () => Promise.reject(new Error('no events')) };

function planner() {
  const logged: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => logged.push(line) });
  const planDocument = (
    document: DocumentNode,
    caller: Caller,
    variables: Record<string, unknown> = {},
    context?: object,
  ) =>
    planSqlAnswer(
      {
        schema,
        document,
        variableValues: variables,
        contextValue: context ?? { caller, requestId: 'req-coverage', generateCode: () => 'x' },
      },
      logger,
    );
  const plan = (query: string, caller: Caller, variables: Record<string, unknown> = {}, context?: object) =>
    planDocument(parse(query), caller, variables, context);
  return { plan, planDocument, logged };
}

type Wrap = (selection: string) => string;

/** The listings: root fields that declare one statement, with a query around a selection of their type. */
const LISTINGS: [string, Wrap][] = [
  ['inviteCodes', (selection) => `{ inviteCodes(first: 2) { ${selection} } }`],
  ['accountInviteCodes', (selection) => `{ accountInviteCodes(account: "${owner}") { ${selection} } }`],
  ['account', (selection) => `{ account(did: "${owner}") { ${selection} } }`],
];

/** Roots whose every answered field the owner may read (its own codes, itself). */
const OWNED_ROOTS = ['accountInviteCodes', 'account'];

describe('what the SQL answers cover', () => {
  it('knows every listing of the schema', () => {
    const declared = Object.values(schema.getQueryType()!.getFields()).filter((field) =>
      ['connection', 'list', 'keyedRoot'].includes(declarationOf(field)?.kind ?? ''),
    );
    expect(declared.map(({ name }) => name).sort()).toEqual(LISTINGS.map(([name]) => name).sort());
  });

  it.each(LISTINGS)('answers or marks every field that %s can reach, for the admin and for the owner', (root, wrap) => {
    const { plan, logged } = planner();
    const problems: string[] = [];
    const visited = new Set<string>();
    const walk = (type: GraphQLObjectType, around: Wrap) => {
      visited.add(type.name);
      for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
        const named = getNamedType(field.type);
        const query = around(isLeafType(named) ? field.name : `${field.name} { __typename }`);
        const where = `${type.name}.${field.name}`;
        const marked = declarationOf(field)?.kind === 'fallback';
        const answered = plan(query, admin) !== undefined;
        if (marked && answered) problems.push(`${where} is marked as falling back but is answered`);
        if (!marked && !answered)
          problems.push(`${where} is neither answered by one statement nor marked sqlFallback(...)`);
        // The owner sees all of its codes: a scope the fast path cannot decide for every row shows here.
        if (answered && OWNED_ROOTS.includes(root) && plan(query, ownerCaller) === undefined)
          problems.push(`${where}: its scope cannot be decided for the owner`);
        if (answered && isObjectType(named) && !visited.has(named.name))
          walk(named, (selection) => around(`${field.name} { ${selection} }`));
      }
    };
    const field = schema.getQueryType()!.getFields()[root]!;
    walk(getNamedType(field.type) as GraphQLObjectType, wrap);
    expect(problems).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('applies every InviteCodeFilter field, and refuses a key that declares no condition', () => {
    const { plan, logged } = planner();
    const filterArg = schema
      .getQueryType()!
      .getFields()
      .inviteCodes!.args.find(({ name }) => name === 'filter')!;
    const filterType = getNamedType(filterArg.type);
    if (!isInputObjectType(filterType)) throw new Error('filter is not an input type');
    const SAMPLES: Record<string, unknown> = {
      String: 'x',
      Boolean: true,
      Datetime: '2020-01-01T00:00:00.000Z',
      Did: owner,
      Int: 1,
    };
    const query = 'query($filter: InviteCodeFilter) { inviteCodes(first: 1, filter: $filter) { edges { cursor } } }';
    const unfiltered = plan(query, admin)!.statement;
    const problems: string[] = [];
    for (const field of Object.values(filterType.getFields())) {
      const sample = SAMPLES[getNamedType(field.type).name];
      if (sample === undefined) {
        problems.push(`${filterType.name}.${field.name}: no sample value for ${String(field.type)} in this test`);
        continue;
      }
      const filtered = plan(query, admin, { filter: { [field.name]: sample } })?.statement;
      if (!filtered)
        problems.push(`${filterType.name}.${field.name} is not answered (does it declare a filterCondition?)`);
      else if (filtered.text === unfiltered.text)
        problems.push(`${filterType.name}.${field.name} does not change the statement`);
    }
    expect(problems).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('orders by every InviteCodeSort value, each its own way', () => {
    const { plan } = planner();
    const sortArg = schema
      .getQueryType()!
      .getFields()
      .inviteCodes!.args.find(({ name }) => name === 'sort')!;
    const sortType = getNamedType(sortArg.type);
    if (!isEnumType(sortType)) throw new Error('sort is not an enum');
    const texts = sortType
      .getValues()
      .map(({ name }) => plan(`{ inviteCodes(sort: ${name}, first: 1) { edges { cursor } } }`, admin)?.statement.text);
    expect(texts.every((text) => text !== undefined)).toBe(true);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it(
    'evaluates the schema’s scopes: an owner-only field for every row of one owner, never for rows of any ' + 'owner',
    () => {
      const code = schema.getType('InviteCode') as GraphQLObjectType;
      const available = code.getFields().available!;
      const check = (caller: Caller) =>
        new ScopeCheck({ caller, requestId: 'req-scopes', generateCode: () => 'x', events: noEvents });
      expect(() => check(ownerCaller).ensureAllowed(code, available, { forAccount: owner })).not.toThrow();
      expect(() => check(ownerCaller).ensureAllowed(code, available, { forAccount: randomDid() })).toThrow(Refusal);
      // Rows of unknown owners: the scope reads forAccount, which is not the same on every row.
      expect(() => check(ownerCaller).ensureAllowed(code, available, {})).toThrow(Refusal);
      expect(() => check(admin).ensureAllowed(code, available, {})).not.toThrow();
      expect(() => check({ kind: 'anonymous' }).ensureAllowed(code, code.getFields().code!, {})).not.toThrow();
      const query = schema.getQueryType()!;
      expect(() => check(ownerCaller).ensureAllowed(query, query.getFields().inviteCodes!, {})).toThrow(Refusal);
    },
  );

  it('checks each request’s caller, also when the statement was compiled for an earlier request', () => {
    const { planDocument } = planner();
    // yoga hands repeated operations the same parsed document: the compiled statement is reused.
    const document = parse(`{ accountInviteCodes(account: "${owner}") { code available uses { usedBy } } }`);
    expect(planDocument(document, admin)).toBeDefined();
    expect(planDocument(document, { kind: 'account', did: randomDid() })).toBeUndefined();
    expect(planDocument(document, { kind: 'anonymous' })).toBeUndefined();
    expect(planDocument(document, ownerCaller)).toBeDefined();
  });

  it('falls back quietly on refusals, and logs any other failure with the request id', () => {
    const { plan, logged } = planner();
    expect(plan('{ inviteCodes(first: 1) { totalCount } }', ownerCaller)).toBeUndefined();
    expect(plan('{ inviteCodes(first: 0) { totalCount } }', admin)).toBeUndefined();
    expect(
      plan(`{ accountInviteCodes(account: "${owner}") { usesConnection { totalCount } } }`, admin),
    ).toBeUndefined();
    expect(logged).toEqual([]);
    const broken = {
      requestId: 'req-coverage',
      get caller(): Caller {
        throw new TypeError('no caller');
      },
    };
    expect(plan('{ inviteCodes(first: 1) { totalCount } }', admin, {}, broken)).toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ requestId: 'req-coverage', err: { message: 'no caller' } });
  });
});
