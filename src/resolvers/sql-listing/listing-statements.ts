import type { FieldNode } from 'graphql';
import type { CursorPosition, InviteCodeSort } from '../invite-code-cursor.js';
import type { InviteCodeFilter } from '../invite-code-query.js';
import type { ListingPage } from '../list-invite-codes.js';
import type { Fragments } from './collect-fields.js';
import { RawJson } from './raw-json.js';
import { inviteCodeJson } from './invite-code-json.js';
import { constant, jsonObject, rowObject, type FieldCompiler, type Row, type RowValue } from './json-object.js';

/** One statement that returns one row, and how that row becomes the field's value. */
export interface SqlAnswerStatement {
  text: string;
  values: unknown[];
  toValue: (row: Row) => unknown;
}

class Parameters {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

// The orders and cursors of listInviteCodes and formatInviteCodeCursor, in SQL.
const ORDER: Record<InviteCodeSort, { down: string; cursor: string }> = {
  RECENT: { down: 'c.created_at DESC, c.code DESC', cursor: `(extract(epoch FROM c.created_at) * 1000)::bigint || '::' || c.code` },
  USAGE: { down: 'c.used_count DESC, c.code DESC', cursor: `c.used_count || '::' || c.code` },
};

/** inviteCodeWhere's conditions, on invite_code aliased c (the filter was checked by readListingArgs). */
function filterConditions(filter: InviteCodeFilter, parameters: Parameters): string[] {
  const conditions: string[] = [];
  if (filter.forAccount != null) conditions.push(`c.for_account = ${parameters.add(filter.forAccount, 'text')}`);
  if (filter.createdBy != null) conditions.push(`c.created_by = ${parameters.add(filter.createdBy, 'text')}`);
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

/**
 * inviteCodes as one statement. Postgres builds the edges' JSON in the client's shape, as one
 * aggregate over the page's rows (an aggregate at the top of the statement: nested inside a
 * json_build_object it costs Postgres twice as much); the few fields around it (pageInfo,
 * totalCount) are put together from the same row. Only what the selection needs is computed.
 */
export function inviteCodesStatement(page: ListingPage, nodes: readonly FieldNode[], fragments: Fragments): SqlAnswerStatement | undefined {
  const order = ORDER[page.sort];
  // A validated integer, written as a literal.
  const first = String(page.first);
  let edgesJson: string | undefined;
  let countRows = false;
  let readCursors = false;
  let countTotal = false;
  const cursors = (row: Row) => (row.cursors ?? []) as string[];

  const edgeFields = new Map<string, FieldCompiler<string>>([
    ['cursor', constant(order.cursor)],
    ['node', inviteCodeJson],
  ]);
  const pageInfoFields = new Map<string, FieldCompiler<RowValue>>([
    ['hasNextPage', () => ((countRows = true), (row) => Number(row.row_count) > page.first)],
    ['hasPreviousPage', constant(() => page.after !== undefined)],
    ['startCursor', () => ((readCursors = true), (row) => cursors(row)[0] ?? null)],
    ['endCursor', () => ((readCursors = true), (row) => cursors(row).at(-1) ?? null)],
  ]);
  const connectionFields = new Map<string, FieldCompiler<RowValue>>([
    [
      'edges',
      (edgeNodes, edgeFragments) => {
        edgesJson = jsonObject('InviteCodeEdge', edgeNodes, edgeFragments, edgeFields);
        return edgesJson === undefined ? undefined : (row: Row) => (row.edges == null ? [] : new RawJson(row.edges as string));
      },
    ],
    ['pageInfo', (infoNodes, infoFragments) => rowObject('PageInfo', infoNodes, infoFragments, pageInfoFields)],
    ['totalCount', () => ((countTotal = true), (row) => Number(row.total))],
  ]);
  const toValue = rowObject('InviteCodeConnection', nodes, fragments, connectionFields);
  if (!toValue) return undefined;

  // Only what the selection uses becomes SQL (Postgres refuses parameters that no text uses);
  // the filter is checked all the same, as the resolver does.
  const readRows = edgesJson !== undefined || countRows || readCursors;
  const parameters = new Parameters();
  const filter = filterConditions(page.filter, readRows || countTotal ? parameters : new Parameters());
  const columns: string[] = [];
  if (countTotal) columns.push(`(SELECT count(*) FROM invite_code c ${where(filter)}) AS total`);
  if (!readRows) return { text: `SELECT ${columns.join(', ') || 'NULL'}`, values: parameters.values, toValue };

  // hasNextPage reads one row more than the page; the edges and cursors then leave it out.
  const pageConditions = page.after ? [...filter, keysetCondition(page.after, parameters)] : filter;
  const inPage = countRows ? ` FILTER (WHERE c.row_number <= ${first})` : '';
  if (edgesJson !== undefined) columns.push(`json_agg(${edgesJson} ORDER BY ${order.down})${inPage} AS edges`);
  if (readCursors) columns.push(`array_agg(${order.cursor} ORDER BY ${order.down})${inPage} AS cursors`);
  if (countRows) columns.push('count(*) AS row_count');
  const numbered = countRows ? `, row_number() OVER (ORDER BY ${order.down})` : '';
  const rows = `SELECT c.*${numbered} FROM invite_code c ${where(pageConditions)} ORDER BY ${order.down} LIMIT ${countRows ? `${first} + 1` : first}`;
  return { text: `SELECT ${columns.join(', ')} FROM (${rows}) c`, values: parameters.values, toValue };
}

export interface AccountCodes {
  account: string;
  includeUsed: boolean;
}

/** accountInviteCodes as one statement: listAccountInviteCodes' rows, built as JSON by Postgres. */
export function accountInviteCodesStatement({ account, includeUsed }: AccountCodes, nodes: readonly FieldNode[], fragments: Fragments): SqlAnswerStatement | undefined {
  const parameters = new Parameters();
  const code = inviteCodeJson(nodes, fragments);
  if (!code) return undefined;
  const conditions = filterConditions({ forAccount: account, disabled: false, exhausted: includeUsed ? null : false }, parameters);
  const text = `SELECT coalesce(json_agg(${code} ORDER BY c.created_at, c.code), '[]'::json) AS data FROM invite_code c ${where(conditions)}`;
  return { text, values: parameters.values, toValue: (row) => new RawJson(row.data as string) };
}
