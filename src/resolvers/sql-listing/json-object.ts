import type { FieldNode } from 'graphql';
import { collectFields, subSelections, type Fragments } from './collect-fields.js';

/** Compiles one field from its (merged) nodes; undefined leaves the query to graphql-js. */
export type FieldCompiler<T> = (nodes: FieldNode[], fragments: Fragments) => T | undefined;

// json_build_object takes at most 100 arguments: 50 keys.
const MAX_KEYS = 50;

/** The fields below `nodes`, compiled in the client's order; `typename` compiles __typename. */
function compileFields<T>(
  typeName: string,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  compilers: ReadonlyMap<string, FieldCompiler<T>>,
  typename: T,
): [string, T][] | undefined {
  const fields = collectFields(subSelections(nodes), typeName, fragments);
  if (!fields || fields.size === 0 || fields.size > MAX_KEYS) return undefined;
  const compiled: [string, T][] = [];
  for (const [key, merged] of fields) {
    const name = merged[0]!.name.value;
    if (merged.some((node) => node.arguments?.length)) return undefined;
    const value = name === '__typename' ? typename : compilers.get(name)?.(merged, fragments);
    if (value === undefined) return undefined;
    compiled.push([key, value]);
  }
  return compiled;
}

/**
 * A json_build_object() with the client's response keys, in its order: the JSON graphql-js
 * would produce for one object of `typeName`, given an SQL expression per field.
 */
export function jsonObject(typeName: string, nodes: readonly FieldNode[], fragments: Fragments, fields: ReadonlyMap<string, FieldCompiler<string>>): string | undefined {
  const compiled = compileFields(typeName, nodes, fragments, fields, `'${typeName}'`);
  // Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): safe inside quotes.
  return compiled && `json_build_object(${compiled.map(([key, expression]) => `'${key}', ${expression}`).join(', ')})`;
}

export type Row = Record<string, unknown>;
export type RowValue = (row: Row) => unknown;

/** The same object, built in JavaScript from a result row (for the few fields around a page). */
export function rowObject(typeName: string, nodes: readonly FieldNode[], fragments: Fragments, fields: ReadonlyMap<string, FieldCompiler<RowValue>>): RowValue | undefined {
  const compiled = compileFields<RowValue>(typeName, nodes, fragments, fields, () => typeName);
  return (
    compiled &&
    ((row) => {
      // Like graphql-js: no prototype, so that no response key can reach Object.prototype.
      const object: Record<string, unknown> = Object.create(null);
      for (const [key, value] of compiled) object[key] = value(row);
      return object;
    })
  );
}

/** A timestamptz as the Datetime scalar prints it: Date#toISOString, always UTC with milliseconds. */
export const datetimeSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A Relay global id as Pothos encodes it: base64("<type>:<key>"), without the line breaks Postgres adds. */
export const globalIdSql = (typeName: string, key: string) => `translate(encode(convert_to('${typeName}:' || ${key}, 'UTF8'), 'base64'), E'\\n', '')`;

export const constant =
  <T>(value: T): FieldCompiler<T> =>
  () =>
    value;
