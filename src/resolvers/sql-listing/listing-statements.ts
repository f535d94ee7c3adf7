import type { FieldNode } from 'graphql';
import { ensureText } from '../errors.js';
import type { CursorPosition, InviteCodeSort } from '../invite-code-cursor.js';
import type { InviteCodeFilter } from '../invite-code-query.js';
import type { Fragments } from './collect-fields.js';
import { inviteCodeJson } from './invite-code-json.js';
import { column, jsonObject, type FieldSql } from './json-object.js';

/** One statement whose single row has the field's JSON in column "data". */
export interface JsonStatement {
  text: string;
  values: unknown[];
}

class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

// The orders and cursors of listInviteCodes and formatInviteCodeCursor, in SQL.
const ORDER: Record<InviteCodeSort, { down: string; up: string; cursor: string }> = {
  RECENT: {
    down: 'c.created_at DESC, c.code DESC',
    up: 'c.created_at, c.code',
    cursor: `(extract(epoch FROM c.created_at) * 1000)::bigint || '::' || c.code`,
  },
  USAGE: { down: 'c.used_count DESC, c.code DESC', up: 'c.used_count, c.code', cursor: `c.used_count || '::' || c.code` },
};

/** inviteCodeWhere's conditions, on invite_code aliased c. */
function filterConditions(filter: InviteCodeFilter, parameters: Parameters): string[] {
  const conditions: string[] = [];
  if (filter.forAccount != null) conditions.push(`c.for_account = ${parameters.add(ensureText('filter.forAccount', filter.forAccount), 'text')}`);
  if (filter.createdBy != null) conditions.push(`c.created_by = ${parameters.add(ensureText('filter.createdBy', filter.createdBy), 'text')}`);
  if (filter.disabled != null) conditions.push(filter.disabled ? 'c.disabled' : 'NOT c.disabled');
  if (filter.exhausted != null) conditions.push(filter.exhausted ? 'c.used_count >= c.available_uses' : 'c.used_count < c.available_uses');
  if (filter.createdAfter != null) conditions.push(`c.created_at >= ${parameters.add(filter.createdAfter.toISOString(), 'timestamptz')}`);
  if (filter.createdBefore != null) conditions.push(`c.created_at < ${parameters.add(filter.createdBefore.toISOString(), 'timestamptz')}`);
  return conditions;
}

/** Rows after the cursor in its order: one index range scan on (key, code). */
function keysetCondition(after: CursorPosition, parameters: Parameters): string {
  const code = parameters.add(after.code, 'text');
  return after.sort === 'RECENT'
    ? `(c.created_at, c.code) < (${parameters.add(after.createdAt.toISOString(), 'timestamptz')}, ${code})`
    : `(c.used_count, c.code) < (${parameters.add(after.usedCount, 'int')}, ${code})`;
}

const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');

export interface InviteCodesPage {
  sort: InviteCodeSort;
  filter: InviteCodeFilter;
  /** Validated page size. */
  first: number;
  after?: CursorPosition;
}

/**
 * inviteCodes as one statement: the page (one row more, for hasNextPage), its edges, pageInfo
 * and totalCount, built as JSON by Postgres in the client's shape.
 */
export function inviteCodesStatement(page: InviteCodesPage, nodes: readonly FieldNode[], fragments: Fragments): JsonStatement | undefined {
  const parameters = new Parameters();
  const order = ORDER[page.sort];
  const filter = filterConditions(page.filter, parameters);
  const pageConditions = page.after ? [...filter, keysetCondition(page.after, parameters)] : filter;
  const first = parameters.add(page.first, 'int');
  const edgeFields = new Map<string, FieldSql>([
    ['cursor', column(order.cursor)],
    ['node', (codeNodes, codeFragments) => inviteCodeJson('c', codeNodes, codeFragments)],
  ]);
  const pageInfoFields = new Map<string, FieldSql>([
    ['hasNextPage', column(`((SELECT count(*) FROM page) > ${first})`)],
    ['hasPreviousPage', column(page.after ? 'true' : 'false')],
    ['startCursor', column(`(SELECT ${order.cursor} FROM shown c ORDER BY ${order.down} LIMIT 1)`)],
    ['endCursor', column(`(SELECT ${order.cursor} FROM shown c ORDER BY ${order.up} LIMIT 1)`)],
  ]);
  const connectionFields = new Map<string, FieldSql>([
    [
      'edges',
      (edgeNodes, edgeFragments) => {
        const edge = jsonObject('InviteCodeEdge', edgeNodes, edgeFragments, edgeFields);
        return edge && `coalesce((SELECT json_agg(${edge} ORDER BY ${order.down}) FROM shown c), '[]'::json)`;
      },
    ],
    ['pageInfo', (infoNodes, infoFragments) => jsonObject('PageInfo', infoNodes, infoFragments, pageInfoFields)],
    ['totalCount', column(`(SELECT count(*) FROM invite_code c ${where(filter)})`)],
  ]);
  const connection = jsonObject('InviteCodeConnection', nodes, fragments, connectionFields);
  if (!connection) return undefined;
  const text =
    `WITH page AS (SELECT c.* FROM invite_code c ${where(pageConditions)} ORDER BY ${order.down} LIMIT ${first} + 1), ` +
    `shown AS (SELECT * FROM page c ORDER BY ${order.down} LIMIT ${first}) ` +
    `SELECT ${connection} AS data`;
  return { text, values: parameters.values };
}

export interface AccountCodes {
  account: string;
  includeUsed: boolean;
}

/** accountInviteCodes as one statement: listAccountInviteCodes' rows, built as JSON by Postgres. */
export function accountInviteCodesStatement({ account, includeUsed }: AccountCodes, nodes: readonly FieldNode[], fragments: Fragments): JsonStatement | undefined {
  const parameters = new Parameters();
  const code = inviteCodeJson('c', nodes, fragments);
  if (!code) return undefined;
  const conditions = filterConditions({ forAccount: account, disabled: false, exhausted: includeUsed ? null : false }, parameters);
  const text = `SELECT coalesce(json_agg(${code} ORDER BY c.created_at, c.code), '[]'::json) AS data FROM invite_code c ${where(conditions)}`;
  return { text, values: parameters.values };
}
