import { readFile } from 'node:fs/promises';
import {
  getNamedType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';

describe('schema.graphql', () => {
  it('is current (run `npm run schema:print` after changing the schema)', async () => {
    const committed = await readFile(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });

  it('describes every type, field and argument, for GraphiQL', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('mirrors the lexicon objects field for field', () => {
    const inviteCode = schema.getType('InviteCode');
    const use = schema.getType('InviteCodeUse');
    if (!isObjectType(inviteCode) || !isObjectType(use)) throw new Error('missing types');
    const codeFields = inviteCode.getFields();
    for (const name of ['code', 'available', 'disabled', 'forAccount', 'createdBy', 'createdAt', 'uses']) {
      expect(codeFields[name], name).toBeDefined();
    }
    expect(String(codeFields.createdAt!.type)).toBe('Datetime!');
    expect(String(codeFields.uses!.type)).toBe('[InviteCodeUse!]!');
    expect(String(use.getFields().usedBy!.type)).toBe('Did!');
    expect(getNamedType(use.getFields().usedAt!.type).name).toBe('Datetime');
  });
});
