import {
  getArgumentValues,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  type FieldNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { declarationOf, keyOfType, scalarOutputOf, type PrismaOrderBy } from '../schema/sql-declarations.js';
import { Parameters } from './filter-sql.js';
import { keyedPageSql, ownedListSql } from './keyed-json.js';
import type { Fragments } from './collect-fields.js';
import { globalIdSql, jsonObject } from './json-object.js';
import { columnOf, listRelationOf, tableOf } from './prisma-model.js';
import { Refusal } from './refusal.js';
import { hasScopes, type Guaranteed, type ScopeObligation } from './scopes.js';

type Field = GraphQLField<unknown, unknown>;

/**
 * What compiling one statement needs and finds: the document's fragments, fresh aliases, and
 * the scoped fields it reads (checked for each request's caller; the statement itself depends
 * only on the document and its variables).
 */
export class Compilation {
  private aliases = 0;
  readonly obligations: ScopeObligation[] = [];
  /** The statement's parameters, shared by every field that needs one. */
  readonly parameters = new Parameters();

  constructor(
    readonly fragments: Fragments,
    /** The operation's coerced variables, for fields with arguments. */
    readonly variables: Record<string, unknown> = {},
    readonly schema?: GraphQLSchema,
  ) {}

  alias(): string {
    return `t${++this.aliases}`;
  }

  /** The caller must be allowed `field` of every row, each holding `guaranteed`. */
  require(type: GraphQLObjectType, field: Field, guaranteed: Guaranteed, args: Record<string, unknown> = {}): void {
    if (hasScopes(type, field)) this.obligations.push({ type, field, guaranteed, args });
  }
}

/** The Prisma model behind an object type (prismaObject, prismaNode). */
export function modelOf(type: GraphQLObjectType): string {
  const model = type.extensions.pothosPrismaModel;
  if (typeof model !== 'string') throw new Refusal(`${type.name} is not a Prisma object`);
  return model;
}

/** How the SQL answers stand on a field of a Prisma object: the coverage test reads this. */
export function sqlSupportOf(type: GraphQLObjectType, field: Field): 'answered' | 'fallback' | 'undeclared' {
  const declaration = declarationOf(field);
  if (declaration?.kind === 'fallback') return 'fallback';
  if (declaration?.kind === 'expression' || declaration?.kind === 'globalId') return 'answered';
  if (declaration?.kind === 'keyed' || declaration?.kind === 'keyedBy')
    return keyedTarget(field) ? 'answered' : 'undeclared';
  if (declaration?.kind === 'relation')
    return listRelationOf(modelOf(type), relationName(field)) ? 'answered' : 'undeclared';
  if (declaration === undefined && typeof field.extensions.pothosExposedField === 'string' && scalarOutput(field.type))
    return 'answered';
  return 'undeclared';
}

/**
 * The JSON of one object of `type`, for the row `alias` of its Prisma model (every row holding
 * `guaranteed`); for a keyed type (sqlKeyedType), `alias` is the SQL of its key instead.
 */
export function objectJson(
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  alias: string,
  guaranteed: Guaranteed,
  compilation: Compilation,
): string {
  const key = keyOfType(type);
  const model = key === undefined ? modelOf(type) : undefined;
  const column = (name: string) => {
    if (model !== undefined) return `${alias}.${columnOf(model, name)}`;
    if (name !== key) throw new Refusal(`${type.name} has no column ${name}`);
    return alias;
  };
  return jsonObject(
    type.name,
    nodes,
    compilation.fragments,
    (name, merged) => {
      const field = type.getFields()[name]!; // the document was validated against this schema
      const kind = declarationOf(field)?.kind;
      // Only declarations that read arguments (with their defaults) take them; other such fields fall back.
      if (field.args.length && kind !== 'ownedList' && kind !== 'keyedPage')
        throw new Refusal(`${type.name}.${name} takes arguments`);
      const args = field.args.length ? getArgumentValues(field, merged[0]!, compilation.variables) : {};
      compilation.require(type, field, guaranteed, args);
      return fieldSql(type, { model, key, alias, column, guaranteed }, field, merged, compilation, args);
    },
    true,
  );
}

export interface Row {
  /** Undefined for a keyed type. */
  model: string | undefined;
  /** The key of a keyed type. */
  key?: string;
  alias: string;
  column: (field: string) => string;
  guaranteed: Guaranteed;
}

function fieldSql(
  type: GraphQLObjectType,
  row: Row,
  field: Field,
  nodes: FieldNode[],
  compilation: Compilation,
  args: Record<string, unknown>,
): string {
  const declaration = declarationOf(field);
  const { column } = row;
  switch (declaration?.kind) {
    case 'fallback':
      throw new Refusal(`${type.name}.${field.name}: ${declaration.reason}`);
    case 'expression':
      return output(type, field, declaration.sql(...declaration.fields.map(column)));
    case 'globalId':
      return globalIdSql(type.name, column(declaration.field));
    case 'keyed':
      return keyedSql(type, field, declaration, row, nodes, compilation);
    case 'keyedBy': {
      const found = keyedTarget(field);
      if (!found) break;
      const value = `(${declaration.sql(...declaration.fields.map(column))})`;
      return `CASE WHEN ${value} IS NULL THEN NULL ELSE ${objectJson(found.target, nodes, value, {}, compilation)} END`;
    }
    case 'ownedList':
      return ownedListSql(type, field, declaration, row, nodes, compilation, args);
    case 'keyedPage':
      return keyedPageSql(type, field, declaration, row.column(row.key ?? ''), nodes, compilation, args);
    case 'relation':
      if (row.model === undefined) break;
      return relationSql(type, row.model, field, declaration.orderBy, row.alias, nodes, compilation);
    case undefined: {
      const exposed = field.extensions.pothosExposedField;
      if (typeof exposed === 'string') return output(type, field, column(exposed));
    }
  }
  throw new Refusal(`${type.name}.${field.name} declares no SQL answer`);
}

/** The keyed type a field returns (Account), with its key. */
function keyedTarget(field: Field): { target: GraphQLObjectType; key: string } | undefined {
  const target = getNamedType(field.type);
  const key = isObjectType(target) ? keyOfType(target) : undefined;
  return isObjectType(target) && key !== undefined && !isListType(nullableOf(field.type)) ? { target, key } : undefined;
}

/** An object of a keyed type built from one value of this row (owner: forAccount, account: usedBy). */
function keyedSql(
  type: GraphQLObjectType,
  field: Field,
  { field: source, nullWhen }: { field: string; nullWhen?: string },
  row: Row,
  nodes: FieldNode[],
  compilation: Compilation,
): string {
  const found = keyedTarget(field);
  if (!found) throw new Refusal(`${type.name}.${field.name} does not return a keyed type`);
  const value = row.column(source);
  // What every row holds, carried over to the key (the owner of accountInviteCodes' codes).
  const guaranteed = Object.hasOwn(row.guaranteed, source) ? { [found.key]: row.guaranteed[source] } : {};
  const json = objectJson(found.target, nodes, value, guaranteed, compilation);
  if (nullWhen === undefined) return json;
  return `CASE WHEN ${value} = '${nullWhen.replaceAll("'", "''")}' THEN NULL ELSE ${json} END`;
}

const nullableOf = (type: GraphQLOutputType) => (isNonNullType(type) ? type.ofType : type);

/** The SQL that builds a scalar's JSON value, as its serialize would print it. */
function scalarOutput(type: GraphQLOutputType): ((sql: string) => string) | undefined {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (!isScalarType(inner)) return undefined;
  // String, Int, Float, Boolean and ID: Postgres' JSON of text, numbers and booleans is theirs.
  return isSpecifiedScalarType(inner) ? (sql) => sql : scalarOutputOf(inner);
}

function output(type: GraphQLObjectType, field: Field, sql: string): string {
  const format = scalarOutput(field.type);
  if (!format) throw new Refusal(`${type.name}.${field.name}: no SQL output for ${String(field.type)}`);
  return format(sql);
}

const relationName = (field: Field) =>
  (field.extensions.pothosPrismaRelationField as { name?: string } | undefined)?.name ?? field.name;

/** ORDER BY of a Prisma orderBy list, on the rows `alias` of `model`. */
export function orderSql(model: string, orderBy: PrismaOrderBy, alias: string): string {
  return orderBy
    .map((entry) => {
      const [pair, ...more] = Object.entries(entry);
      const [field, direction] = pair ?? [];
      if (!field || more.length || (direction !== 'asc' && direction !== 'desc'))
        throw new Error(`unsupported orderBy ${JSON.stringify(entry)}`);
      return `${alias}.${columnOf(model, field)} ${direction.toUpperCase()}`;
    })
    .join(', ');
}

/** A list relation (uses), in its declared order, as a JSON array built by a correlated subquery. */
function relationSql(
  type: GraphQLObjectType,
  model: string,
  field: Field,
  orderBy: PrismaOrderBy,
  alias: string,
  nodes: FieldNode[],
  compilation: Compilation,
): string {
  const relation = listRelationOf(model, relationName(field));
  const target = getNamedType(field.type);
  const listed = isNonNullType(field.type) ? field.type.ofType : field.type;
  if (!relation || !isObjectType(target) || !isListType(listed))
    throw new Refusal(`${type.name}.${field.name} is not a list relation`);
  const child = compilation.alias();
  const json = objectJson(target, nodes, child, {}, compilation);
  const join = relation.join
    .map(([from, to]) => `${child}.${columnOf(relation.model, from)} = ${alias}.${columnOf(model, to)}`)
    .join(' AND ');
  const order = orderSql(relation.model, orderBy, child);
  const rows = `FROM ${tableOf(relation.model)} ${child} WHERE ${join}`;
  return `coalesce((SELECT json_agg(${json} ORDER BY ${order}) ${rows}), '[]'::json)`;
}
