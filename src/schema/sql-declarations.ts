import { isInputObjectType, type GraphQLInputObjectType, type GraphQLScalarType, type GraphQLSchema } from 'graphql';
import type { FilterCondition, FilterConditions, InviteCodeFilter } from '../resolvers/invite-code-query.js';
import type { ListingPage } from '../resolvers/list-invite-codes.js';
import type { AccountInviteCodeRows } from '../resolvers/list-account-invite-codes.js';

// How the SQL answers (src/sql-answers/) answer a field, declared in the field's own options:
// `extensions: { sqlAnswer }`. A field that exposes a Prisma field (t.exposeString('code'))
// needs none: its column comes from Prisma's model and its format from its scalar type.

/** A Prisma orderBy list, such as [{ usedAt: 'desc' }, { usedBy: 'desc' }]. */
export type PrismaOrderBy = readonly object[];

export type FieldDeclaration =
  /** graphql-js answers queries that select this field (why, for the reader). */
  | { kind: 'fallback'; reason: string }
  /** An SQL expression over the columns of other fields of the same row. */
  | { kind: 'expression'; fields: readonly string[]; sql: (...columns: string[]) => string }
  /** A list relation (t.relation), in the order its Prisma `query` uses. */
  | { kind: 'relation'; orderBy: PrismaOrderBy }
  /** The Relay global id of a prismaNode, from this field's value. */
  | { kind: 'globalId'; field: string }
  /** A connection's totalCount: the size of the filtered set. */
  | { kind: 'totalCount' }
  /** An object of a keyed type (sqlKeyedType) whose key is this row's `field`; null when it equals `nullWhen`. */
  | { kind: 'keyed'; field: string; nullWhen?: string }
  /** An object of a keyed type whose key is an SQL expression over this row's fields; null when it is NULL. */
  | { kind: 'keyedBy'; fields: readonly string[]; sql: (...columns: string[]) => string }
  /** A keyed object's rows of `model` whose `field` is its key, narrowed by filter values read from its arguments. */
  | OwnedListDeclaration
  /** A keyed object's connection of keyed objects (invitees), as SQL over its key. */
  | KeyedPageDeclaration
  | ListingDeclaration;

export interface OwnedListDeclaration {
  kind: 'ownedList';
  model: string;
  field: string;
  orderBy: PrismaOrderBy;
  filterType: string;
  filter: (args: Record<string, unknown>) => InviteCodeFilter;
}

/** A page of keyed objects: rows with columns `key` (the node's key) and those `order` and `cursor` read. */
export interface KeyedPageDeclaration {
  kind: 'keyedPage';
  /** The page's size and position, from the field's arguments (throws InvalidRequestError). */
  page: (args: Record<string, unknown>) => { first: number; after?: unknown };
  /** FROM-less row source over the parent's key: `SELECT ... WHERE ...` with the cursor's condition. */
  rows: (key: string, after: unknown, parameter: (value: unknown, type: string) => string) => string;
  /** ORDER BY of those rows, by alias `r`. */
  order: string;
  /** The cursor of the row `r`. */
  cursor: string;
  /** The size of the whole list over the parent's key. */
  total: (key: string) => string;
}

/** A root field answered by one statement: which rows, read from its (coerced) arguments. */
export type ListingDeclaration =
  /** One object of a keyed type, whose key is read from the arguments (account(did)). */
  | { kind: 'keyedRoot'; key: (args: Record<string, unknown>) => string }
  | { kind: 'connection'; filterType: string; page: (args: Record<string, unknown>) => ListingPage }
  | { kind: 'list'; filterType: string; rows: (args: Record<string, unknown>) => AccountInviteCodeRows };

const declare = (sqlAnswer: FieldDeclaration) => ({ sqlAnswer });

export const sqlFallback = (reason: string) => declare({ kind: 'fallback', reason });
export const sqlExpression = (fields: readonly string[], sql: (...columns: string[]) => string) =>
  declare({ kind: 'expression', fields, sql });
export const sqlRelation = (orderBy: PrismaOrderBy) => declare({ kind: 'relation', orderBy });
export const sqlTotalCount = () => declare({ kind: 'totalCount' });
export const sqlKeyedObject = (field: string, nullWhen?: string) => declare({ kind: 'keyed', field, nullWhen });
export const sqlKeyedBy = (fields: readonly string[], sql: (...columns: string[]) => string) =>
  declare({ kind: 'keyedBy', fields, sql });
export const sqlKeyedRoot = <Args>(key: (args: Args) => string) =>
  declare({ kind: 'keyedRoot', key: key as (args: Record<string, unknown>) => string });
export const sqlOwnedList = <Args>(
  list: Omit<OwnedListDeclaration, 'kind' | 'filter'> & { filter: (args: Args) => InviteCodeFilter },
) => declare({ kind: 'ownedList', ...list, filter: list.filter as OwnedListDeclaration['filter'] });
export const sqlKeyedPage = <Args>(
  page: Omit<KeyedPageDeclaration, 'kind' | 'page'> & { page: (args: Args) => { first: number; after?: unknown } },
) => declare({ kind: 'keyedPage', ...page, page: page.page as KeyedPageDeclaration['page'] });

/**
 * An object type with no table of its own (Account): its objects are one value (`key`, a DID),
 * and its fields declare SQL over that value. The type's `extensions` option.
 */
export const sqlKeyedType = (key: string) => ({ sqlKey: key });

export const keyOfType = ({ extensions }: WithExtensions) => extensions.sqlKey as string | undefined;

// getArgumentValues coerces the arguments to the schema's types, which are those of `Args`.
export const sqlConnection = <Args>(filterType: string, page: (args: Args) => ListingPage) =>
  declare({ kind: 'connection', filterType, page: page as (args: Record<string, unknown>) => ListingPage });
export const sqlList = <Args>(filterType: string, rows: (args: Args) => AccountInviteCodeRows) =>
  declare({ kind: 'list', filterType, rows: rows as (args: Record<string, unknown>) => AccountInviteCodeRows });

/** prismaNode's `id` option: the field behind the global id, declared once for both paths. */
export const nodeId = <F extends string>(field: F, description: string) => ({
  field,
  description,
  extensions: declare({ kind: 'globalId', field }),
});

/** An input field of a filter: what it keeps (extensions.condition). */
export const filterCondition = (condition: FilterCondition) => ({ condition });

/** A custom scalar's output as SQL that builds its JSON value from a column (extensions.sqlOutput). */
export const sqlOutput = (sql: (column: string) => string) => ({ sqlOutput: sql });

interface WithExtensions {
  readonly extensions: Readonly<Record<string, unknown>>;
}

export const declarationOf = ({ extensions }: WithExtensions) => extensions.sqlAnswer as FieldDeclaration | undefined;

export const scalarOutputOf = (scalar: GraphQLScalarType) =>
  scalar.extensions.sqlOutput as ((column: string) => string) | undefined;

const conditionsByType = new WeakMap<GraphQLInputObjectType, FilterConditions>();

/** Every field of a filter input type with its declared condition. */
export function filterConditionsOf(type: GraphQLInputObjectType): FilterConditions {
  let conditions = conditionsByType.get(type);
  if (!conditions) {
    const fields = Object.values(type.getFields());
    conditions = new Map(
      fields.map(({ name, extensions }) => [name, extensions.condition as FilterCondition | undefined]),
    );
    conditionsByType.set(type, conditions);
  }
  return conditions;
}

/** The conditions of the filter input type named `typeName` (as listings declare it). */
export function filterConditionsIn(schema: GraphQLSchema, typeName: string): FilterConditions {
  const type = schema.getType(typeName);
  if (!isInputObjectType(type)) throw new Error(`${typeName} is not an input type`);
  return filterConditionsOf(type);
}
