/**
 * JSON text that Postgres built, carried to the response unparsed. JSON.stringify still gets
 * its value (toJSON); stringifyWithRawJson copies the text instead, which saves parsing and
 * re-serialising the bulk of a listing.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** JSON.stringify for plain data (objects, arrays, primitives) that may hold RawJson values. */
export function stringifyWithRawJson(value: unknown): string | undefined {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((item) => stringifyWithRawJson(item) ?? 'null').join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    const text = stringifyWithRawJson(member);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
