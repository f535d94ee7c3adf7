import { getNamedType, isObjectType, type FieldNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { orderByOf, TIE_BREAKER, type CursorPosition, type InviteCodeOrder } from '../resolvers/invite-code-cursor.js';
import type { FilterConditions } from '../resolvers/invite-code-query.js';
import type { ListingPage } from '../resolvers/list-invite-codes.js';
import type { AccountInviteCodeRows } from '../resolvers/list-account-invite-codes.js';
import { declarationOf, keyOfType } from '../schema/sql-declarations.js';
import { filterSql, guaranteedBy, Parameters, where } from './filter-sql.js';
import { jsonObject, rowObject, type FieldCompiler, type Row, type RowValue } from './json-object.js';
import { type Compilation, modelOf, objectJson, orderSql } from './object-json.js';
import { columnOf, sqlTypeOf, tableOf } from './prisma-model.js';
import { RawJson } from './raw-json.js';
import { Refusal } from './refusal.js';

/** One statement that returns one row, and how that row becomes the field's value. */
export interface SqlAnswerStatement {
  text: string;
  values: unknown[];
  toValue: (row: Row) => unknown;
}

type Field = GraphQLField<unknown, unknown>;
// Rows of the listed model are aliased c.
const ROW = 'c';

function fieldType(type: GraphQLObjectType, name: string): GraphQLObjectType {
  const inner = type.getFields()[name] && getNamedType(type.getFields()[name]!.type);
  if (!isObjectType(inner)) throw new Refusal(`${type.name}.${name} is not a Relay connection field`);
  return inner;
}

/** A Relay field of a connection, edge or page info (the spec names them), or a declared totalCount. */
function relayField(
  type: GraphQLObjectType,
  name: string,
  compilation: Compilation,
  relayNames: readonly string[],
  counts = false,
): Field {
  const field = type.getFields()[name]!;
  compilation.require(type, field, {});
  if (!relayNames.includes(name) && !(counts && declarationOf(field)?.kind === 'totalCount'))
    throw new Refusal(`${type.name}.${name} declares no SQL answer`);
  return field;
}

/** The cursor of the row c in its order: `<key>::<code>`, keys that are times as epoch ms. */
function cursorSql(model: string, { key }: InviteCodeOrder): string {
  const column = `${ROW}.${columnOf(model, key)}`;
  const value = sqlTypeOf(model, key) === 'timestamptz' ? `(extract(epoch FROM ${column}) * 1000)::bigint` : column;
  return `${value} || '::' || ${ROW}.${columnOf(model, TIE_BREAKER)}`;
}

/** Rows after the cursor in its order: one index range scan on (key, code). */
function keysetSql(model: string, order: InviteCodeOrder, after: CursorPosition, parameters: Parameters): string {
  const key = parameters.add(after.key, sqlTypeOf(model, order.key));
  const code = parameters.add(after.code, sqlTypeOf(model, TIE_BREAKER));
  const columns = `${ROW}.${columnOf(model, order.key)}, ${ROW}.${columnOf(model, TIE_BREAKER)}`;
  return `(${columns}) ${order.direction === 'desc' ? '<' : '>'} (${key}, ${code})`;
}

/**
 * A connection listing (inviteCodes) as one statement. Postgres builds the edges' JSON in the
 * client's shape, as one aggregate over the page's rows (an aggregate at the top of the
 * statement: nested inside a json_build_object it costs Postgres twice as much); the few fields
 * around it (pageInfo, totalCount) are put together from the same row. Only what the selection
 * needs is computed.
 */
export function connectionStatement(
  field: Field,
  page: ListingPage,
  conditions: FilterConditions,
  nodes: readonly FieldNode[],
  compilation: Compilation,
): SqlAnswerStatement {
  const connection = getNamedType(field.type);
  if (!isObjectType(connection)) throw new Refusal(`${field.name} is not a connection`);
  const edge = fieldType(connection, 'edges');
  const node = fieldType(edge, 'node');
  const model = modelOf(node);
  const guaranteed = guaranteedBy(page.filter, conditions);
  const orderBy = orderSql(model, orderByOf(page.order), ROW);
  const cursor = cursorSql(model, page.order);
  const first = String(page.first); // a validated integer, written as a literal
  const { fragments } = compilation;
  let edgesJson: string | undefined;
  let countRows = false;
  let readCursors = false;
  let countTotal = false;
  const cursors = (row: Row) => (row.cursors ?? []) as string[];

  const edgeFields: FieldCompiler<string> = (name, merged) => {
    relayField(edge, name, compilation, ['cursor', 'node']);
    return name === 'cursor' ? cursor : objectJson(node, merged, ROW, guaranteed, compilation);
  };
  const pageInfoFields =
    (type: GraphQLObjectType): FieldCompiler<RowValue> =>
    (name) => {
      relayField(type, name, compilation, ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor']);
      if (name === 'hasNextPage') {
        countRows = true;
        return (row) => Number(row.row_count) > page.first;
      }
      if (name === 'hasPreviousPage') return () => page.after !== undefined;
      readCursors = true;
      return name === 'startCursor' ? (row) => cursors(row)[0] ?? null : (row) => cursors(row).at(-1) ?? null;
    };
  const connectionFields: FieldCompiler<RowValue> = (name, merged) => {
    relayField(connection, name, compilation, ['edges', 'pageInfo'], true);
    if (name === 'edges') {
      edgesJson = jsonObject(edge.name, merged, fragments, edgeFields);
      return (row: Row) => (row.edges == null ? [] : new RawJson(row.edges as string));
    }
    if (name === 'pageInfo') {
      const info = fieldType(connection, 'pageInfo');
      return rowObject(info.name, merged, fragments, pageInfoFields(info));
    }
    countTotal = true;
    return (row) => Number(row.total);
  };
  const toValue = rowObject(connection.name, nodes, fragments, connectionFields);

  // Only what the selection uses becomes SQL (Postgres refuses parameters that no text uses);
  // the filter is checked all the same, as the resolver does.
  const readRows = edgesJson !== undefined || countRows || readCursors;
  const { parameters } = compilation;
  const filter = filterSql(model, ROW, page.filter, conditions, readRows || countTotal ? parameters : new Parameters());
  const table = tableOf(model);
  const columns: string[] = [];
  if (countTotal) columns.push(`(SELECT count(*) FROM ${table} ${ROW} ${where(filter)}) AS total`);
  if (!readRows) return { text: `SELECT ${columns.join(', ') || 'NULL'}`, values: parameters.values, toValue };

  // hasNextPage reads one row more than the page; the edges and cursors then leave it out.
  const pageConditions = page.after ? [...filter, keysetSql(model, page.order, page.after, parameters)] : filter;
  const inPage = countRows ? ` FILTER (WHERE ${ROW}.row_number <= ${first})` : '';
  if (edgesJson !== undefined) columns.push(`json_agg(${edgesJson} ORDER BY ${orderBy})${inPage} AS edges`);
  if (readCursors) columns.push(`array_agg(${cursor} ORDER BY ${orderBy})${inPage} AS cursors`);
  if (countRows) columns.push('count(*) AS row_count');
  const numbered = countRows ? `, row_number() OVER (ORDER BY ${orderBy})` : '';
  const limit = countRows ? `${first} + 1` : first;
  const rows =
    `SELECT ${ROW}.*${numbered} FROM ${table} ${ROW} ${where(pageConditions)} ` + `ORDER BY ${orderBy} LIMIT ${limit}`;
  return { text: `SELECT ${columns.join(', ')} FROM (${rows}) ${ROW}`, values: parameters.values, toValue };
}

/** A list listing (accountInviteCodes) as one statement: its rows, built as JSON by Postgres. */
export function listStatement(
  field: Field,
  rows: AccountInviteCodeRows,
  conditions: FilterConditions,
  nodes: readonly FieldNode[],
  compilation: Compilation,
): SqlAnswerStatement {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) throw new Refusal(`${field.name} is not a list of objects`);
  const model = modelOf(type);
  const json = objectJson(type, nodes, ROW, guaranteedBy(rows.filter, conditions), compilation);
  const { parameters } = compilation;
  const filter = filterSql(model, ROW, rows.filter, conditions, parameters);
  const order = orderSql(model, rows.orderBy, ROW);
  const text =
    `SELECT coalesce(json_agg(${json} ORDER BY ${order}), '[]'::json) AS data ` +
    `FROM ${tableOf(model)} ${ROW} ${where(filter)}`;
  return { text, values: parameters.values, toValue: (row) => new RawJson(row.data as string) };
}

/** One object of a keyed type (account(did)) as one statement: its key is the only parameter it starts from. */
export function keyedRootStatement(
  field: Field,
  key: string,
  nodes: readonly FieldNode[],
  compilation: Compilation,
): SqlAnswerStatement {
  const type = getNamedType(field.type);
  const keyField = isObjectType(type) ? keyOfType(type) : undefined;
  if (!isObjectType(type) || keyField === undefined) throw new Refusal(`${field.name} is not a keyed object`);
  const keySql = compilation.parameters.add(key, 'text');
  // Every field of it reads the same object: the key is what a scope of it may read.
  const json = objectJson(type, nodes, keySql, { [keyField]: key }, compilation);
  return {
    text: `SELECT ${json} AS data`,
    values: compilation.parameters.values,
    toValue: (row) => new RawJson(row.data as string),
  };
}
