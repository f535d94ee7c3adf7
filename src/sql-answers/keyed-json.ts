import { getNamedType, isObjectType, type FieldNode, type GraphQLField, type GraphQLObjectType } from 'graphql';
import {
  filterConditionsIn,
  keyOfType,
  type KeyedPageDeclaration,
  type OwnedListDeclaration,
} from '../schema/sql-declarations.js';
import { filterSql } from './filter-sql.js';
import { jsonObject } from './json-object.js';
import { type Compilation, objectJson, orderSql, type Row } from './object-json.js';
import { columnOf, tableOf } from './prisma-model.js';
import { Refusal } from './refusal.js';

// What a keyed object (an Account: one DID, no table) reads with arguments: its own rows (an
// account's codes) and a page of other keyed objects (its invitees), each a correlated subquery.

type Field = GraphQLField<unknown, unknown>;

/** A keyed object's rows (an account's codes), filtered by its arguments, as a JSON array. */
export function ownedListSql(
  type: GraphQLObjectType,
  field: Field,
  list: OwnedListDeclaration,
  row: Row,
  nodes: FieldNode[],
  compilation: Compilation,
  args: Record<string, unknown>,
): string {
  const target = getNamedType(field.type);
  if (!isObjectType(target) || !compilation.schema) throw new Refusal(`${type.name}.${field.name} is not a list`);
  const child = compilation.alias();
  // Every row's `field` is the key: what a scope of the rows may read (an account's own codes).
  if (row.key === undefined) throw new Refusal(`${type.name} is not a keyed type`);
  const key = row.column(row.key);
  const guaranteed = Object.hasOwn(row.guaranteed, row.key) ? { [list.field]: row.guaranteed[row.key] } : {};
  const json = objectJson(target, nodes, child, guaranteed, compilation);
  const conditions = filterConditionsIn(compilation.schema, list.filterType);
  const where = [
    `${child}.${columnOf(list.model, list.field)} = ${key}`,
    ...filterSql(list.model, child, list.filter(args), conditions, compilation.parameters),
  ];
  const order = orderSql(list.model, list.orderBy, child);
  const rows = `FROM ${tableOf(list.model)} ${child} WHERE ${where.join(' AND ')}`;
  return `coalesce((SELECT json_agg(${json} ORDER BY ${order}) ${rows}), '[]'::json)`;
}

/** A connection of keyed objects (an account's invitees) over a keyed object's key, in the client's shape. */
export function keyedPageSql(
  type: GraphQLObjectType,
  field: Field,
  declaration: KeyedPageDeclaration,
  key: string,
  nodes: FieldNode[],
  compilation: Compilation,
  args: Record<string, unknown>,
): string {
  const connection = getNamedType(field.type);
  if (!isObjectType(connection)) throw new Refusal(`${type.name}.${field.name} is not a connection`);
  const { first, after } = declaration.page(args);
  const edge = objectField(connection, 'edges');
  const node = objectField(edge, 'node');
  const nodeKey = keyOfType(node);
  if (nodeKey === undefined) throw new Refusal(`${node.name} is not a keyed type`);
  const rows = compilation.alias();
  const inPage = `FILTER (WHERE ${rows}.n <= ${first})`;
  let readsRows = false;
  const connectionJson = jsonObject(connection.name, nodes, compilation.fragments, (name, merged) => {
    const part = connection.getFields()[name]!;
    compilation.require(connection, part, {});
    if (name === 'totalCount') return declaration.total(key);
    readsRows = true;
    if (name === 'pageInfo') {
      const info = getNamedType(part.type) as GraphQLObjectType;
      return jsonObject(info.name, merged, compilation.fragments, (infoName) => {
        compilation.require(info, info.getFields()[infoName]!, {});
        if (infoName === 'hasNextPage') return `count(*) > ${first}`;
        if (infoName === 'hasPreviousPage') return after === undefined ? 'false' : 'true';
        const direction = infoName === 'startCursor' ? 'ASC' : 'DESC';
        if (infoName !== 'startCursor' && infoName !== 'endCursor') throw new Refusal(`PageInfo.${infoName}`);
        return `(array_agg(${rows}.cursor ORDER BY ${rows}.n ${direction}) ${inPage})[1]`;
      });
    }
    if (name !== 'edges') throw new Refusal(`${connection.name}.${name} declares no SQL answer`);
    const edgeJson = jsonObject(edge.name, merged, compilation.fragments, (edgeName, edgeNodes) => {
      compilation.require(edge, edge.getFields()[edgeName]!, {});
      if (edgeName === 'cursor') return `${rows}.cursor`;
      if (edgeName !== 'node') throw new Refusal(`${edge.name}.${edgeName} declares no SQL answer`);
      return objectJson(node, edgeNodes, `${rows}.key`, {}, compilation);
    });
    return `coalesce(json_agg(${edgeJson} ORDER BY ${rows}.n) ${inPage}, '[]'::json)`;
  });
  if (!readsRows) return `(SELECT ${connectionJson})`;
  const parameter = (value: unknown, sqlType: string) => compilation.parameters.add(value, sqlType);
  const source =
    `SELECT r.*, ${declaration.cursor} AS cursor, row_number() OVER (ORDER BY ${declaration.order}) AS n ` +
    `FROM (${declaration.rows(key, after, parameter)}) r ORDER BY ${declaration.order} LIMIT ${first + 1}`;
  return `(SELECT ${connectionJson} FROM (${source}) ${rows})`;
}

function objectField(type: GraphQLObjectType, name: string): GraphQLObjectType {
  const inner = type.getFields()[name] && getNamedType(type.getFields()[name]!.type);
  if (!isObjectType(inner)) throw new Refusal(`${type.name}.${name} is not a Relay connection field`);
  return inner;
}
