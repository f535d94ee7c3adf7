import type { FieldNode } from 'graphql';
import { collectFields, subSelections, type Fragments } from './collect-fields.js';
import { Refusal } from './refusal.js';

/** Compiles one field of an object from its (merged) nodes; throws Refusal to leave the query to graphql-js. */
export type FieldCompiler<T> = (name: string, nodes: FieldNode[]) => T;

// json_build_object takes at most 100 arguments: 50 keys.
const MAX_KEYS = 50;

/** The fields below `nodes`, compiled in the client's order; `typename` compiles __typename. */
function compileFields<T>(
  typeName: string,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  compile: FieldCompiler<T>,
  typename: T,
  withArguments = false,
): [string, T][] {
  const fields = collectFields(subSelections(nodes), typeName, fragments);
  if (!fields) throw new Refusal(`directives, or fragments on another type than ${typeName}`);
  if (fields.size === 0 || fields.size > MAX_KEYS) throw new Refusal(`${fields.size} keys in one ${typeName}`);
  const compiled: [string, T][] = [];
  for (const [key, merged] of fields) {
    const name = merged[0]!.name.value;
    if (!withArguments && merged.some((node) => node.arguments?.length))
      throw new Refusal(`${typeName}.${name} has arguments`);
    compiled.push([key, name === '__typename' ? typename : compile(name, merged)]);
  }
  return compiled;
}

/**
 * A json_build_object() with the client's response keys, in its order: the JSON graphql-js
 * would produce for one object of `typeName`, given an SQL expression per field.
 */
export function jsonObject(
  typeName: string,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  compile: FieldCompiler<string>,
  /** Whether `compile` reads the fields' arguments itself (else a field with arguments is refused). */
  withArguments = false,
): string {
  const compiled = compileFields(typeName, nodes, fragments, compile, `'${typeName}'`, withArguments);
  // Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*): safe inside quotes.
  return `json_build_object(${compiled.map(([key, expression]) => `'${key}', ${expression}`).join(', ')})`;
}

export type Row = Record<string, unknown>;
export type RowValue = (row: Row) => unknown;

/** The same object, built in JavaScript from a result row (for the few fields around a page). */
export function rowObject(
  typeName: string,
  nodes: readonly FieldNode[],
  fragments: Fragments,
  compile: FieldCompiler<RowValue>,
): RowValue {
  const compiled = compileFields<RowValue>(typeName, nodes, fragments, compile, () => typeName);
  return (row) => {
    // Like graphql-js: no prototype, so that no response key can reach Object.prototype.
    const object: Record<string, unknown> = Object.create(null);
    for (const [key, value] of compiled) object[key] = value(row);
    return object;
  };
}

/** A Relay global id as Pothos encodes it: base64("<type>:<key>"), without the line breaks Postgres adds. */
export const globalIdSql = (typeName: string, key: string) =>
  `translate(encode(convert_to('${typeName}:' || ${key}, 'UTF8'), 'base64'), E'\\n', '')`;
