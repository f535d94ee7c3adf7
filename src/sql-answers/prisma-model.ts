import { getPrisma } from '../db/prisma.js';
import { getDatamodel } from '../generated/pothos-prisma-types.js';

// Tables and columns as Prisma's client knows them (@@map, @map), and relations as the Pothos
// datamodel describes them: no column name is written twice.

const SQL_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'int',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamptz',
};

const relations = getDatamodel().datamodel.models;

interface RuntimeField {
  name: string;
  kind: string;
  type: string;
  dbName?: string | null;
}

function runtimeModel(model: string): { dbName?: string | null; fields: readonly RuntimeField[] } {
  // The client's model of the database (typed on the runtime's client class, not on the
  // generated interface); @pothos/plugin-prisma reads the same property.
  const client = getPrisma() as unknown as { _runtimeDataModel: { models: Record<string, unknown> } };
  const found = client._runtimeDataModel.models[model];
  if (!found) throw new Error(`no Prisma model ${model}`);
  return found as { dbName?: string | null; fields: readonly RuntimeField[] };
}

const scalars = new Map<string, Map<string, RuntimeField>>();

function scalar(model: string, field: string): RuntimeField {
  let fields = scalars.get(model);
  if (!fields) {
    fields = new Map(
      runtimeModel(model)
        .fields.filter(({ kind }) => kind !== 'object')
        .map((found) => [found.name, found]),
    );
    scalars.set(model, fields);
  }
  const found = fields.get(field);
  if (!found) throw new Error(`no scalar field ${model}.${field}`);
  return found;
}

export const tableOf = (model: string) => runtimeModel(model).dbName ?? model;

export function columnOf(model: string, field: string): string {
  const { dbName, name } = scalar(model, field);
  return dbName ?? name;
}

/** The Postgres type that a parameter compared with the field's column is cast to. */
export function sqlTypeOf(model: string, field: string): string {
  const type = SQL_TYPES[scalar(model, field).type];
  if (!type) throw new Error(`no SQL type for ${model}.${field}`);
  return type;
}

/** A list relation whose rows point at the parent: the related model and the joined fields. */
export interface ListRelation {
  model: string;
  /** [field of the related model, field of the parent] pairs. */
  join: [string, string][];
}

export function listRelationOf(model: string, field: string): ListRelation | undefined {
  const relation = relations[model]?.fields.find(({ name }) => name === field);
  if (!relation || relation.kind !== 'object' || !relation.isList) return undefined;
  const target = relations[relation.type];
  const back = target?.fields.find(
    ({ relationName, name }) => relationName === relation.relationName && name !== field,
  );
  const keys = relations[model]?.fields.filter(({ isId }) => isId) ?? [];
  const from = back?.relationFromFields ?? [];
  // Prisma's default reference is the id; anything else is not described here.
  if (!back || keys.length !== 1 || from.length !== 1) return undefined;
  return { model: relation.type, join: [[from[0]!, keys[0]!.name]] };
}
