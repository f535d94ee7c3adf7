import type { FieldNode } from 'graphql';
import { collectFields, subSelections, type Fragments } from './collect-fields.js';

/** The SQL expression of one field, from its (merged) nodes; undefined leaves it to graphql-js. */
export type FieldSql = (nodes: FieldNode[], fragments: Fragments) => string | undefined;

// json_build_object takes at most 100 arguments: 50 keys.
const MAX_KEYS = 50;

/**
 * A json_build_object() with the client's response keys, in its order: the JSON graphql-js
 * would produce for one object of `typeName`, given an SQL expression per field.
 */
export function jsonObject(typeName: string, nodes: readonly FieldNode[], fragments: Fragments, fieldSql: ReadonlyMap<string, FieldSql>): string | undefined {
  const fields = collectFields(subSelections(nodes), typeName, fragments);
  if (!fields || fields.size === 0 || fields.size > MAX_KEYS) return undefined;
  const entries: string[] = [];
  for (const [key, merged] of fields) {
    const name = merged[0]!.name.value;
    if (merged.some((node) => node.arguments?.length)) return undefined;
    const expression = name === '__typename' ? `'${typeName}'` : fieldSql.get(name)?.(merged, fragments);
    if (expression === undefined) return undefined;
    // Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): safe inside quotes.
    entries.push(`'${key}', ${expression}`);
  }
  return `json_build_object(${entries.join(', ')})`;
}

/** A timestamptz as the Datetime scalar prints it: Date#toISOString, always UTC with milliseconds. */
export const datetimeSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A Relay global id as Pothos encodes it: base64("<type>:<key>"), without the line breaks Postgres adds. */
export const globalIdSql = (typeName: string, key: string) => `translate(encode(convert_to('${typeName}:' || ${key}, 'UTF8'), 'base64'), E'\\n', '')`;

export const column = (expression: string): FieldSql => () => expression;
